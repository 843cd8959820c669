import { LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RoomHookQuestion } from '../../lib/policy/createRoomPolicy';
import { createLambdaClient } from '../../lib/roomHook/createLambdaClient';
import { createLambdaRoomHook } from '../../lib/roomHook/createLambdaRoomHook';
import { RoomHookError } from '../../lib/roomHook/RoomHookError';
import { type FakeLambda, startFakeLambda } from '../support/fakeLambda';

// The hook client against a loopback Lambda Invoke API, through the real @aws-sdk/client-lambda (the
// fake recomputes every request's SigV4 signature with the SDK's signer).

let fake: FakeLambda;
let answer: unknown = { allow: true, privileges: ['enterRoom', 'receiveAudio'] };

beforeAll(async () => {
  fake = await startFakeLambda({ handlers: { 'room-hook': () => answer } });
});
afterAll(() => fake.close());
afterEach(() => {
  fake.setFault(null);
  fake.resetCalls();
  vi.unstubAllEnvs();
});

const question: RoomHookQuestion = {
  userId: 'bob',
  role: null,
  strRoomId: 'call.alice.bob',
  privileges: ['enterRoom'],
  claims: { org: 'acme' },
};

function hook(overrides: { functionName?: string; timeoutMs?: number; client?: LambdaClient } = {}) {
  // The client as production builds it, pointed at the fake through the SDK's own endpoint variable.
  vi.stubEnv('AWS_ENDPOINT_URL_LAMBDA', fake.url);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  const timeoutMs = overrides.timeoutMs ?? 2000;
  return createLambdaRoomHook({
    client: overrides.client ?? createLambdaClient({ timeoutMs }),
    functionName: overrides.functionName ?? 'room-hook',
    timeoutMs,
    retryAfterSeconds: 7,
  });
}

async function failure(promise: Promise<unknown>): Promise<RoomHookError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RoomHookError);
  return error as RoomHookError;
}

describe('createLambdaRoomHook', () => {
  it('invokes the function synchronously with the versioned question, signed, and returns its answer', async () => {
    expect(await hook()(question)).toEqual({ allow: true, privileges: ['enterRoom', 'receiveAudio'] });
    expect(fake.calls).toEqual([
      {
        functionName: 'room-hook',
        invocationType: 'RequestResponse',
        payload: { version: 1, ...question },
        signatureValid: true,
        fault: null,
      },
    ]);
  });

  it('reads a deny', async () => {
    answer = { allow: false };
    try {
      expect(await hook()(question)).toEqual({ allow: false, privileges: [] });
    } finally {
      answer = { allow: true, privileges: ['enterRoom', 'receiveAudio'] };
    }
  });

  it('is a TIMEOUT when the hook does not answer in time (never an allow)', async () => {
    fake.setFault({ kind: 'delay', ms: 5000 });
    const error = await failure(hook({ timeoutMs: 200 })(question));
    expect(error).toMatchObject({ reason: 'TIMEOUT', code: 'ROOM_HOOK_UNAVAILABLE', retryAfterSeconds: 7 });
  });

  it('is a FUNCTION_ERROR when the hook threw', async () => {
    fake.setFault({ kind: 'functionError' });
    expect((await failure(hook()(question))).reason).toBe('FUNCTION_ERROR');
  });

  it.each([
    ['not JSON', 'allow'],
    ['JSON null', 'null'],
    ['a string', '"permit everything"'],
    ['allow that is not a boolean', '{"allow":"yes","privileges":["enterRoom"]}'],
    ['allow without privileges', '{"allow":true}'],
    ['an unknown privilege', '{"allow":true,"privileges":["enterRoom","fly"]}'],
    ['privileges that are not a list', '{"allow":true,"privileges":"enterRoom"}'],
    ['a deny with privileges', '{"allow":false,"privileges":[]}'],
    ['a misspelt field', '{"alow":true,"privileges":["enterRoom"]}'],
    ['an extra field', '{"allow":true,"privileges":["enterRoom"],"admin":true}'],
    ['an array', '[true]'],
  ])('is a MALFORMED_ANSWER for %s, without quoting it', async (_what, payload) => {
    fake.setFault({ kind: 'answer', payload });
    const error = await failure(hook()(question));
    expect(error.reason).toBe('MALFORMED_ANSWER');
    expect(error.message).not.toContain(payload);
  });

  it.each([
    [{ kind: 'error', status: 404, type: 'ResourceNotFoundException' }, 'ResourceNotFoundException'],
    [{ kind: 'error', status: 403, type: 'AccessDeniedException' }, 'AccessDeniedException'],
    [{ kind: 'error', status: 429, type: 'TooManyRequestsException' }, 'TooManyRequestsException'],
    [{ kind: 'error', status: 500, type: 'ServiceException' }, 'ServiceException'],
  ] as const)('is INVOKE_FAILED for a service error (%j), in one attempt', async (fault, name) => {
    fake.setFault(fault);
    const error = await failure(hook()(question));
    expect(error.reason).toBe('INVOKE_FAILED');
    expect(error.message).toContain(name);
    expect(fake.calls).toHaveLength(1);
  });

  it('is INVOKE_FAILED for a dropped connection and for a function that does not exist', async () => {
    fake.setFault({ kind: 'reset' });
    expect((await failure(hook()(question))).reason).toBe('INVOKE_FAILED');
    expect((await failure(hook({ functionName: 'no-such-hook' })(question))).reason).toBe('INVOKE_FAILED');
  });

  it('fails when the request is signed with other credentials (the fake checks signatures)', async () => {
    const client = new LambdaClient({
      endpoint: fake.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'not-the-secret' },
      maxAttempts: 1,
    });
    const error = await failure(hook({ client })(question));
    expect(error.message).toContain('InvalidSignatureException');
    expect(fake.calls.map((call) => call.signatureValid)).toEqual([false]);
  });

  it('refuses unusable options', () => {
    expect(() =>
      createLambdaRoomHook({
        client: {} as LambdaClient,
        functionName: 'x',
        timeoutMs: 1,
        retryAfterSeconds: 1,
      }),
    ).toThrow(TypeError);
    expect(() => createLambdaClient({ timeoutMs: 0 })).toThrow(TypeError);
  });
});
