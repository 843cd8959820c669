import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import {
  createSessionVerifier,
  type Principal,
  principalOf,
  readAuthorizationHeader,
  requirePrincipal,
  SessionError,
  type SessionErrorReason,
  type SessionEvent,
  type SessionVerifier,
} from '../../lib/session';
import { claimsAt, hsSessionConfig, hsToken, TEST_NOW } from '../support/sessionTokens';

// A fresh object per invocation: middy stores the principal on the very context object it is given.
const lambdaContext = () => ({ awsRequestId: 'req-1', functionName: 'usersig' }) as Context;
const now = () => TEST_NOW * 1000;
const verifier = createSessionVerifier(hsSessionConfig(), { now });
/** `exp` of `claimsAt(TEST_NOW)` plus the 30 s clock tolerance. */
const SESSION_END = TEST_NOW + 3600 + 30;

/** A handler behind requirePrincipal that records whether it ran and what principal it saw. */
function guarded(options: Parameters<typeof requirePrincipal>[0] = {}) {
  const seen: Principal[] = [];
  const handler = middy<SessionEvent, { userId: string }>()
    .use(requirePrincipal({ now, ...options }))
    .handler(async (_event, context) => {
      const principal = principalOf(context);
      seen.push(principal);
      return { userId: principal.userId };
    });
  return { handler, seen };
}

async function reasonOf(promise: Promise<unknown>): Promise<SessionErrorReason> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SessionError);
    return (error as SessionError).reason;
  }
  throw new Error('expected a SessionError');
}

const authorized = (lambda: unknown, headers?: Record<string, string>): SessionEvent => ({
  requestContext: { requestId: 'r', authorizer: { lambda } },
  ...(headers ? { headers } : {}),
});

describe('requirePrincipal', () => {
  it('takes the principal from the gateway authorizer context', async () => {
    const { handler, seen } = guarded();
    const context = { userId: 'alice', role: 'anchor', sessionExpiresAt: TEST_NOW + 600 };
    await expect(handler(authorized(context), lambdaContext())).resolves.toEqual({ userId: 'alice' });
    expect(seen).toEqual([context]);
  });

  it('stops the request with the authorizer failure, before the handler runs', async () => {
    const { handler, seen } = guarded();
    const token = await hsToken(claimsAt(TEST_NOW));
    // A valid header does not override the authorizer's verdict.
    const event = authorized({ authFailure: 'TOKEN_EXPIRED' }, { authorization: `Bearer ${token}` });
    expect(await reasonOf(handler(event, lambdaContext()))).toBe('TOKEN_EXPIRED');
    expect(seen).toEqual([]);
  });

  it('refuses a cached authorizer context once the session has expired (the cache never extends it)', async () => {
    let clock = TEST_NOW * 1000;
    const { handler, seen } = guarded({ now: () => clock });
    const event = authorized({ userId: 'alice', sessionExpiresAt: TEST_NOW + 60 });
    clock = (TEST_NOW + 59) * 1000 + 999;
    await expect(handler(event, lambdaContext())).resolves.toEqual({ userId: 'alice' });
    clock = (TEST_NOW + 60) * 1000;
    expect(await reasonOf(handler(event, lambdaContext()))).toBe('TOKEN_EXPIRED');
    expect(await reasonOf(handler(authorized({ userId: 'alice' }), lambdaContext()))).toBe('TOKEN_INVALID');
    expect(seen).toHaveLength(1);
  });

  it('refuses a request without authorizer context when no verifier is configured', async () => {
    const { handler, seen } = guarded();
    const token = await hsToken(claimsAt(TEST_NOW));
    expect(await reasonOf(handler({ headers: { authorization: `Bearer ${token}` } }, lambdaContext()))).toBe(
      'NO_AUTHORIZER_CONTEXT',
    );
    expect(await reasonOf(handler({}, lambdaContext()))).toBe('NO_AUTHORIZER_CONTEXT');
    expect(seen).toEqual([]);
  });

  it('verifies the Authorization header in-process when there is no authorizer context', async () => {
    const { handler, seen } = guarded({ verifier });
    const token = await hsToken(claimsAt(TEST_NOW, { sub: 'carol', trtc_role: 'audience' }));
    for (const name of ['authorization', 'Authorization', 'AUTHORIZATION']) {
      await expect(handler({ headers: { [name]: `Bearer ${token}` } }, lambdaContext())).resolves.toEqual({
        userId: 'carol',
      });
    }
    expect(seen).toHaveLength(3);
    expect(seen[0]).toEqual({ userId: 'carol', role: 'audience', sessionExpiresAt: SESSION_END });
  });

  it('refuses in-process what the verifier refuses', async () => {
    const { handler, seen } = guarded({ verifier });
    const expired = await hsToken(claimsAt(TEST_NOW, { exp: TEST_NOW - 3600 }));
    expect(
      await reasonOf(handler({ headers: { Authorization: `Bearer ${expired}` } }, lambdaContext())),
    ).toBe('TOKEN_EXPIRED');
    expect(await reasonOf(handler({ headers: {} }, lambdaContext()))).toBe('TOKEN_MISSING');
    expect(await reasonOf(handler({ headers: null }, lambdaContext()))).toBe('TOKEN_MISSING');
    expect(await reasonOf(handler({}, lambdaContext()))).toBe('TOKEN_MISSING');
    expect(seen).toEqual([]);
  });

  it('clears a principal left on a reused context object before deciding', async () => {
    const { handler, seen } = guarded();
    const reused = { ...lambdaContext(), principal: { userId: 'mallory' } } as Context;
    expect(await reasonOf(handler(authorized({ authFailure: 'TOKEN_MISSING' }), reused))).toBe(
      'TOKEN_MISSING',
    );
    expect(reused).not.toHaveProperty('principal');
    expect(seen).toEqual([]);
  });

  it('with a verifier, ignores any authorizer context (serverless-offline lets a header set it)', async () => {
    const verify = vi.fn<SessionVerifier['verify']>(verifier.verify);
    const { handler, seen } = guarded({ verifier: { verify, warm: async () => undefined } });
    const forged = { userId: 'mallory', sessionExpiresAt: TEST_NOW + 600 };
    expect(await reasonOf(handler(authorized(forged), lambdaContext()))).toBe('TOKEN_MISSING');
    const token = await hsToken(claimsAt(TEST_NOW, { sub: 'carol' }));
    await expect(
      handler(authorized(forged, { authorization: `Bearer ${token}` }), lambdaContext()),
    ).resolves.toEqual({ userId: 'carol' });
    await expect(
      handler(
        authorized({ authFailure: 'TOKEN_INVALID' }, { authorization: `Bearer ${token}` }),
        lambdaContext(),
      ),
    ).resolves.toEqual({ userId: 'carol' });
    expect(verify).toHaveBeenCalledTimes(3);
    expect(seen.map((principal) => principal.userId)).toEqual(['carol', 'carol']);
  });
});

describe('principalOf', () => {
  it('throws a TypeError when requirePrincipal did not run', () => {
    expect(() => principalOf(lambdaContext())).toThrow(TypeError);
    expect(() => principalOf({ ...lambdaContext(), principal: {} } as unknown as Context)).toThrow(TypeError);
  });

  it('returns the stored principal', () => {
    const context = { ...lambdaContext(), principal: { userId: 'alice' } };
    expect(principalOf(context)).toEqual({ userId: 'alice' });
  });
});

describe('readAuthorizationHeader', () => {
  it('reads the header in any case', () => {
    expect(readAuthorizationHeader({ authorization: 'Bearer x' })).toBe('Bearer x');
    expect(readAuthorizationHeader({ 'content-type': 'a', AuThOrIzAtIoN: 'Bearer y' })).toBe('Bearer y');
  });

  it('returns undefined without headers or without the header', () => {
    expect(readAuthorizationHeader(undefined)).toBeUndefined();
    expect(readAuthorizationHeader(null)).toBeUndefined();
    expect(readAuthorizationHeader({ cookie: 'a' })).toBeUndefined();
    expect(readAuthorizationHeader({ authorization: undefined })).toBeUndefined();
  });

  it('joins several spellings so that an ambiguous request cannot verify', async () => {
    const token = await hsToken(claimsAt(TEST_NOW));
    const header = readAuthorizationHeader({
      Authorization: `Bearer ${token}`,
      authorization: `Bearer ${token}`,
    });
    expect(header).toBe(`Bearer ${token}, Bearer ${token}`);
    expect(await reasonOf(verifier.verify(header))).toBe('TOKEN_MALFORMED');
  });
});
