import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { FakeSecretsManagerFault } from '../support/fakeSecretsManager';
import {
  type ApiResponse,
  fakeSecretsManager,
  logOffset,
  logText,
  post,
  type Route,
  sessionToken,
  TOKEN_FIELDS,
  waitForLog,
  waitOutSecretCache,
} from './support/client';
import { COS_SECRET_ID, E2E_COS_SECRET, E2E_SETTINGS, TRTC_SECRET_ID } from './support/fixtures';

// The signing keys come from Secrets Manager (here: the loopback fake, through the real AWS SDK client
// with its timeouts) and are cached per warm function for SECRETS_TTL_SECONDS. Outages and broken
// secrets must become 503 SECRETS_UNAVAILABLE with Retry-After, never a token signed with anything else,
// and heal by themselves; a warm function must read its secret once per TTL, not once per request.

interface RouteCase {
  readonly route: Route;
  readonly body: Record<string, unknown>;
  readonly secretId: string;
}
const USERSIG: RouteCase = { route: '/v1/usersig', body: {}, secretId: TRTC_SECRET_ID };
const PRIVATEMAPKEY: RouteCase = {
  route: '/v1/privatemapkey',
  // Granted to everyone by the stack's lobby rule.
  body: { strRoomId: 'lobby' },
  secretId: TRTC_SECRET_ID,
};
const COS_SIGN: RouteCase = {
  route: '/v1/cos/sign',
  body: { method: 'GET', key: 'users/judy/a.txt' },
  secretId: COS_SECRET_ID,
};

async function request(routeCase: RouteCase): Promise<ApiResponse> {
  return post(routeCase.route, { token: await sessionToken('judy'), body: routeCase.body });
}

function expectUnavailable(response: ApiResponse): void {
  expect({ status: response.status, body: response.json }).toEqual({
    status: 503,
    body: { error: { code: 'SECRETS_UNAVAILABLE', message: expect.any(String) } },
  });
  expect(response.headers.get('retry-after')).toBe(String(E2E_SETTINGS.secretsRetryAfterSeconds));
  expect(response.headers.get('cache-control')).toBe('no-store');
  for (const field of TOKEN_FIELDS) expect(response.text).not.toContain(`"${field}"`);
}

afterEach(async () => {
  await fakeSecretsManager.setFault(null);
});

afterAll(async () => {
  await fakeSecretsManager.restoreSecrets();
});

describe('Secrets Manager down, cold cache', () => {
  it.each<[string, FakeSecretsManagerFault, RouteCase]>([
    ['HTTP 500 on every call', { kind: 'status', status: 500 }, USERSIG],
    ['connections reset', { kind: 'reset' }, COS_SIGN],
    ['answers slower than SECRETS_TIMEOUT_MS', { kind: 'delay', ms: 2000 }, PRIVATEMAPKEY],
  ])('%s: 503 SECRETS_UNAVAILABLE with Retry-After, then healed: 200', async (_name, fault, routeCase) => {
    expect((await request(routeCase)).status).toBe(200); // the function is warm
    await fakeSecretsManager.setFault(fault);
    await waitOutSecretCache();
    await fakeSecretsManager.resetCalls();
    const from = logOffset();

    // Every fault would let the function succeed within the Lambda timeout if the client did not give up
    // (2 attempts x 2 s delay < 6 s), so the 503 itself shows the client timeout at work.
    expectUnavailable(await request(routeCase));

    // The request really went to the store, retried SECRETS_RETRY_ATTEMPTS times, every call faulted.
    const calls = (await fakeSecretsManager.calls()).filter(
      (call) => call.operation === 'GetSecretValue' && call.secretId === routeCase.secretId,
    );
    expect(calls).toEqual(
      Array.from({ length: E2E_SETTINGS.secretsRetryAttempts }, () =>
        expect.objectContaining({ fault: fault.kind }),
      ),
    );
    const line = await waitForLog((text) => text.includes('"signing secret unavailable"'), { from });
    expect(JSON.parse(line)).toMatchObject({ level: 'error', code: 'SECRETS_UNAVAILABLE' });

    await fakeSecretsManager.setFault(null);
    const healed = await request(routeCase);
    expect(healed.status).toBe(200);
  });
});

describe('a malformed secret', () => {
  const DISTINCTIVE_TRTC_APP_ID = 'E2E-BAD-APPID-VALUE-4d1c9b';
  const DISTINCTIVE_TRTC_KEY = 'E2E-DISTINCTIVE-TRTC-KEY-VALUE-93ab71';
  const DISTINCTIVE_COS_ID = 'E2E-DISTINCTIVE-COS-ID-VALUE-5e2f08';

  it.each<[string, string, string, RouteCase, readonly string[]]>([
    [
      'sdkAppId that is not a number',
      JSON.stringify({ sdkAppId: DISTINCTIVE_TRTC_APP_ID, secretKey: DISTINCTIVE_TRTC_KEY }),
      'sdkAppId',
      USERSIG,
      [DISTINCTIVE_TRTC_APP_ID, DISTINCTIVE_TRTC_KEY],
    ],
    [
      'secretKey missing',
      JSON.stringify({ ...E2E_COS_SECRET, secretKey: undefined, secretId: DISTINCTIVE_COS_ID }),
      'secretKey',
      COS_SIGN,
      [DISTINCTIVE_COS_ID],
    ],
  ])('%s: 503, and the log names the field but no value', async (_name, secretText, field, routeCase, values) => {
    await fakeSecretsManager.putSecret(routeCase.secretId, secretText);
    try {
      await waitOutSecretCache();
      const from = logOffset();

      expectUnavailable(await request(routeCase));

      const line = await waitForLog((text) => text.includes('"signing secret unavailable"'), { from });
      const record = JSON.parse(line) as { detail?: string };
      expect(record).toMatchObject({ level: 'error', code: 'SECRETS_UNAVAILABLE' });
      expect(record.detail).toContain(`field "${field}"`);
      const logged = logText();
      for (const value of values) expect(logged).not.toContain(value);
    } finally {
      await fakeSecretsManager.restoreSecrets();
    }
    // A failure is not cached: the very next request reads the restored secret.
    expect((await request(routeCase)).status).toBe(200);
  });
});

describe('the secret cache of a warm function', () => {
  it('25 sequential requests within the TTL read the secret once', async () => {
    const requests = 25;
    const ttlMs = E2E_SETTINGS.secretsTtlSeconds * 1000;
    expect((await request(USERSIG)).status).toBe(200); // warm worker
    await waitOutSecretCache(); // cold cache
    await fakeSecretsManager.resetCalls();

    const started = Date.now();
    const seen: { status: number; doneAfterMs: number; gets: number; describes: number }[] = [];
    for (let i = 0; i < requests; i += 1) {
      const { status } = await request(USERSIG);
      const doneAfterMs = Date.now() - started;
      const gets = await fakeSecretsManager.callCount('GetSecretValue', TRTC_SECRET_ID);
      const describes = await fakeSecretsManager.callCount('DescribeSecret', TRTC_SECRET_ID);
      seen.push({ status, doneAfterMs, gets, describes });
    }

    expect(seen.map((s) => s.status)).toEqual(Array(requests).fill(200));
    // Requests that finished before `started + TTL` were all served inside the first load's lifetime
    // (the load began after `started`): exactly one read of the store for all of them.
    const withinTtl = seen.filter((s) => s.doneAfterMs < ttlMs);
    expect(
      withinTtl.length,
      `only ${withinTtl.length} requests finished within the TTL`,
    ).toBeGreaterThanOrEqual(10);
    expect(withinTtl.map((s) => s.gets)).toEqual(Array(withinTtl.length).fill(1));
    expect(withinTtl.map((s) => s.describes)).toEqual(Array(withinTtl.length).fill(1));
    const last = seen.at(-1);
    if (last !== undefined && last.doneAfterMs < ttlMs) expect(last.gets).toBe(1);
    // Beyond the TTL (a slow machine) at most one more read per TTL.
    if (last !== undefined) expect(last.gets).toBeLessThanOrEqual(1 + Math.floor(last.doneAfterMs / ttlMs));
  });

  it('reads the store again once the TTL has passed', async () => {
    expect((await request(USERSIG)).status).toBe(200);
    await waitOutSecretCache();
    await fakeSecretsManager.resetCalls();

    expect((await request(USERSIG)).status).toBe(200);
    expect((await request(USERSIG)).status).toBe(200);
    expect(await fakeSecretsManager.callCount('GetSecretValue', TRTC_SECRET_ID)).toBe(1);
  });
});
