import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiResponse,
  fakeSecretsManager,
  fakeSts,
  onResponse,
  post,
  type Route,
  sessionToken,
  sleep,
  TOKEN_FIELDS,
  waitOutSecretCache,
} from '../e2e/support/client';
import {
  COS_SECRET_ID,
  E2E_COS_SECRET,
  E2E_SETTINGS,
  E2E_TRTC_SECRET,
  TRTC_SECRET_ID,
} from '../e2e/support/fixtures';
import { cosV5SignedWith, expectIssuedTo, temporaryKeyOf, userSigSignedWith } from '../e2e/support/tokens';
import type { FakeSecretsManagerFault } from '../support/fakeSecretsManager';

// The Secrets Manager endpoint misbehaving under the running service (serverless-offline, the real AWS SDK
// client with its 300 ms timeout and 2 attempts, the loopback fake with fault injection). With a cold
// cache every route whose function reads the broken secret must answer 503 SECRETS_UNAVAILABLE with
// Retry-After (never a 500, never a token) and heal on the very next request once the store is healthy;
// a failing DescribeSecret (the rotation date) must not fail anything; and a secret rotated while
// requests are in flight must give tokens signed with exactly one of the two keys, the new one only once
// the cache lifetime has passed.

const USER = 'fault_user';

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
  body: {
    method: 'PUT',
    key: `users/${USER}/faults.bin`,
    headers: { 'Content-Type': 'image/png', 'Content-Length': 5 },
  },
  secretId: COS_SECRET_ID,
};
/** Every token route, each with the secret its function reads. */
const ROUTE_CASES: readonly [string, RouteCase][] = [
  [USERSIG.route, USERSIG],
  [PRIVATEMAPKEY.route, PRIVATEMAPKEY],
  [COS_SIGN.route, COS_SIGN],
];

async function request(routeCase: RouteCase): Promise<ApiResponse> {
  return post(routeCase.route, { token: await sessionToken(USER), body: routeCase.body });
}

function json(response: ApiResponse): Record<string, unknown> {
  return response.json as Record<string, unknown>;
}

/** A 200 whose token is the user's and verifies with the fixture (original) keys. */
function expectHealthy(routeCase: RouteCase, response: ApiResponse): void {
  expect(response.status, response.text).toBe(200);
  expectIssuedTo(routeCase.route, json(response), USER);
}

function expectUnavailable(response: ApiResponse): void {
  expect({ status: response.status, body: response.json }).toEqual({
    status: 503,
    body: { error: { code: 'SECRETS_UNAVAILABLE', message: expect.any(String) } },
  });
  expect(response.headers.get('retry-after')).toBe(String(E2E_SETTINGS.secretsRetryAfterSeconds));
  expect(response.headers.get('cache-control')).toBe('no-store');
}

async function getSecretValueCalls(secretId: string): Promise<(string | null)[]> {
  return (await fakeSecretsManager.calls())
    .filter((call) => call.operation === 'GetSecretValue' && call.secretId === secretId)
    .map((call) => call.fault);
}

// Every response of the whole file, checked after each test: no 500 (or any 5xx but the documented 503
// SECRETS_UNAVAILABLE) anywhere, and no refusal that carries a token field.
const responses: { route: Route; response: ApiResponse }[] = [];
const stopRecording = onResponse((route, response) => responses.push({ route, response }));

function badResponses(): string[] {
  return responses.flatMap(({ route, response }) => {
    const code = (response.json as { error?: { code?: unknown } } | undefined)?.error?.code;
    const problems: string[] = [];
    if (response.status >= 500 && !(response.status === 503 && code === 'SECRETS_UNAVAILABLE')) {
      problems.push(`${route}: ${response.status} ${response.text.slice(0, 200)}`);
    }
    if (response.status !== 200) {
      for (const field of TOKEN_FIELDS) {
        if (response.text.includes(`"${field}"`))
          problems.push(`${route}: a ${response.status} carries ${field}`);
      }
    }
    return problems;
  });
}

afterEach(() => {
  expect(badResponses(), 'responses of the suite so far').toEqual([]);
});

afterAll(async () => {
  await fakeSecretsManager.setFault(null);
  await fakeSecretsManager.restoreSecrets();
  stopRecording();
});

/** A store outage or a broken secret, set up for every route at once. */
interface FaultCase {
  /** Breaks the store (or the secrets). */
  readonly apply: () => Promise<void>;
  /** The fault kind the fake records on each failed call, `null` for a broken secret. */
  readonly recordedFault: string | null;
  /** GetSecretValue calls one request makes: every attempt for a transient failure, one for a bad secret. */
  readonly callsPerRequest: number;
}

function storeFault(fault: FakeSecretsManagerFault): FaultCase {
  return {
    apply: () => fakeSecretsManager.setFault(fault),
    recordedFault: fault.kind,
    callsPerRequest: E2E_SETTINGS.secretsRetryAttempts,
  };
}

function brokenSecrets(trtc: string, cos: string): FaultCase {
  return {
    apply: async () => {
      await fakeSecretsManager.putSecret(TRTC_SECRET_ID, trtc);
      await fakeSecretsManager.putSecret(COS_SECRET_ID, cos);
    },
    recordedFault: null,
    callsPerRequest: 1,
  };
}

const { secretKey: _trtcKey, ...trtcWithoutKey } = E2E_TRTC_SECRET;
const { bucket: _bucket, ...cosWithoutBucket } = E2E_COS_SECRET;

const FAULTS: readonly [string, FaultCase][] = [
  [
    '(a) answers slower than the client timeout',
    storeFault({ kind: 'delay', ms: E2E_SETTINGS.secretsTimeoutMs + 700 }),
  ],
  ['(b) answers HTTP 500', storeFault({ kind: 'status', status: 500 })],
  ['(c) throttles (ThrottlingException)', storeFault({ kind: 'throttle' })],
  ['(d) resets the connection', storeFault({ kind: 'reset' })],
  [
    '(e) returns a secret that is not JSON',
    brokenSecrets('{"sdkAppId": 1400054321, "secretKey": ', 'not json'),
  ],
  [
    '(f) returns a secret with a field missing',
    brokenSecrets(JSON.stringify(trtcWithoutKey), JSON.stringify(cosWithoutBucket)),
  ],
];

describe.each(FAULTS)('the Secrets Manager endpoint %s', (_name, fault) => {
  beforeAll(async () => {
    // Warm functions with valid cached secrets, then break the store and let every cache expire.
    for (const [, routeCase] of ROUTE_CASES) expectHealthy(routeCase, await request(routeCase));
    await fault.apply();
    await waitOutSecretCache();
  });

  it.each(
    ROUTE_CASES,
  )('%s, cold cache: 503 SECRETS_UNAVAILABLE with Retry-After, no token', async (_route, routeCase) => {
    await fakeSecretsManager.resetCalls();

    expectUnavailable(await request(routeCase));

    // The request really read the store (the cache was cold) and gave up after the configured attempts.
    expect(await getSecretValueCalls(routeCase.secretId)).toEqual(
      Array(fault.callsPerRequest).fill(fault.recordedFault),
    );
  });

  describe('once the endpoint is healthy again', () => {
    // (The fault stays in place for all routes above; only now is it lifted.)
    beforeAll(async () => {
      await fakeSecretsManager.setFault(null);
      await fakeSecretsManager.restoreSecrets();
    });

    it.each(
      ROUTE_CASES,
    )('%s: the next request is a 200 signed with the right key', async (_route, routeCase) => {
      expectHealthy(routeCase, await request(routeCase));
    });
  });
});

describe.each<[string, FakeSecretsManagerFault]>([
  ['is slow', { kind: 'delay', ms: E2E_SETTINGS.secretsTimeoutMs + 700, operation: 'DescribeSecret' }],
  ['answers HTTP 500', { kind: 'status', status: 500, operation: 'DescribeSecret' }],
  ['throttles', { kind: 'throttle', operation: 'DescribeSecret' }],
  ['resets the connection', { kind: 'reset', operation: 'DescribeSecret' }],
])('only DescribeSecret (the rotation date) %s', (_name, fault) => {
  beforeAll(async () => {
    for (const [, routeCase] of ROUTE_CASES) expectHealthy(routeCase, await request(routeCase));
    await fakeSecretsManager.setFault(fault);
    await waitOutSecretCache();
  });

  afterAll(async () => {
    await fakeSecretsManager.setFault(null);
  });

  it.each(ROUTE_CASES)('%s, cold cache: still a 200 with a valid token', async (_route, routeCase) => {
    await fakeSecretsManager.resetCalls();

    expectHealthy(routeCase, await request(routeCase));

    const calls = (await fakeSecretsManager.calls()).filter((call) => call.secretId === routeCase.secretId);
    expect(calls).toEqual(
      expect.arrayContaining([
        { operation: 'GetSecretValue', secretId: routeCase.secretId, fault: null },
        { operation: 'DescribeSecret', secretId: routeCase.secretId, fault: fault.kind },
      ]),
    );
  });
});

/** Which keys a token verifies with. */
type KeyName = 'old' | 'new' | 'empty' | 'old id + new key' | 'new id + old key' | 'an unknown temporary key';

interface Sample {
  readonly route: Route;
  readonly sentAt: number;
  readonly receivedAt: number;
  readonly status: number;
  readonly keys: readonly KeyName[];
}

interface Rotation {
  readonly secretId: string;
  readonly routeCases: readonly RouteCase[];
  readonly newSecret: Record<string, unknown>;
  /** The keys (of the two versions, the empty key, mixed pairs) that the token of a 200 verifies with. */
  readonly keysOf: (route: Route, json: Record<string, unknown>) => KeyName[];
}

const NEW_TRTC = { ...E2E_TRTC_SECRET, secretKey: 'e2e-FAKE-rotated-trtc-key-0d9e8f7a6b5c4d3e2f1a' };
const NEW_COS = {
  ...E2E_COS_SECRET,
  secretId: 'AKIDe2eFAKErotatedCosId4e6a8c0b2d',
  secretKey: 'e2eFAKErotatedCosKey3b5d7f9a1c2e4a',
};

const TRTC_ROTATION: Rotation = {
  secretId: TRTC_SECRET_ID,
  routeCases: [USERSIG, PRIVATEMAPKEY],
  newSecret: NEW_TRTC,
  keysOf: (route, body) => {
    const token = (route === '/v1/usersig' ? body.userSig : body.privateMapKey) as string;
    const keys: KeyName[] = [];
    if (userSigSignedWith(token, E2E_TRTC_SECRET.secretKey)) keys.push('old');
    if (userSigSignedWith(token, NEW_TRTC.secretKey)) keys.push('new');
    if (userSigSignedWith(token, '')) keys.push('empty');
    return keys;
  },
};

const COS_ROTATION: Rotation = {
  secretId: COS_SECRET_ID,
  routeCases: [COS_SIGN],
  newSecret: NEW_COS,
  // A temporary key (STS configured, as here) names the CAM key that asked STS for it; the signature
  // must verify with it. cos-nodejs-sdk-v5 refuses an empty key, as lib/sign does; a signature that
  // verifies with exactly one complete pair below was not made with an empty key (HMAC).
  keysOf: (_route, body) => {
    const keys: KeyName[] = [];
    const temporary = temporaryKeyOf(body.securityToken);
    if (temporary !== undefined) {
      if (!cosV5SignedWith(body, temporary)) return ['an unknown temporary key'];
      if (temporary.callerSecretId === E2E_COS_SECRET.secretId) keys.push('old');
      if (temporary.callerSecretId === NEW_COS.secretId) keys.push('new');
      return keys;
    }
    if (cosV5SignedWith(body, E2E_COS_SECRET)) keys.push('old');
    if (cosV5SignedWith(body, NEW_COS)) keys.push('new');
    if (cosV5SignedWith(body, { secretId: E2E_COS_SECRET.secretId, secretKey: NEW_COS.secretKey })) {
      keys.push('old id + new key');
    }
    if (cosV5SignedWith(body, { secretId: NEW_COS.secretId, secretKey: E2E_COS_SECRET.secretKey })) {
      keys.push('new id + old key');
    }
    return keys;
  },
};

/** Sends requests to `routeCases` in turn from `concurrency` parallel senders until `done()`. */
async function flow(
  rotation: Rotation,
  concurrency: number,
  done: () => boolean,
  samples: Sample[],
): Promise<void> {
  let next = 0;
  const sender = async (): Promise<void> => {
    while (!done()) {
      const routeCase = rotation.routeCases[next % rotation.routeCases.length] as RouteCase;
      next += 1;
      const token = await sessionToken(USER);
      const sentAt = Date.now();
      const response = await post(routeCase.route, { token, body: routeCase.body });
      samples.push({
        route: routeCase.route,
        sentAt,
        receivedAt: Date.now(),
        status: response.status,
        keys: response.status === 200 ? rotation.keysOf(routeCase.route, json(response)) : [],
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
}

describe.each<[string, Rotation]>([
  [`${TRTC_SECRET_ID} (userSig and privateMapKey)`, TRTC_ROTATION],
  [`${COS_SECRET_ID} (cosSign)`, COS_ROTATION],
])('(g) a new version of %s while requests are flowing', (_name, rotation) => {
  afterAll(async () => {
    await fakeSecretsManager.restoreSecrets();
  });

  it('every token verifies with exactly one of the two keys; after the TTL, with the new one only', async () => {
    const ttlMs = E2E_SETTINGS.secretsTtlSeconds * 1000;
    const samples: Sample[] = [];
    let rotationStartedAt = Number.POSITIVE_INFINITY;
    let rotatedAt = Number.POSITIVE_INFINITY;
    // Until the old key has been out of every cache for a while.
    const streaming = flow(rotation, 8, () => Date.now() > rotatedAt + ttlMs + 1500, samples);
    await sleep(800);
    rotationStartedAt = Date.now();
    // The rotated COS key is a CAM key STS knows, as a rotation function would create it at Tencent.
    if (rotation === COS_ROTATION) await fakeSts.addCamKey(NEW_COS.secretId, NEW_COS.secretKey);
    await fakeSecretsManager.putSecret(rotation.secretId, JSON.stringify(rotation.newSecret));
    rotatedAt = Date.now();
    await streaming;

    // A burst after the TTL: nothing but the new key.
    const after: Sample[] = [];
    let sent = 0;
    await flow(rotation, 12, () => sent++ >= 24, after);

    const exactlyOne = (s: Sample) =>
      s.status === 200 && s.keys.length === 1 && (s.keys[0] === 'old' || s.keys[0] === 'new');
    const summary = (list: Sample[]) => {
      const counts = new Map<string, number>();
      for (const s of list) {
        const kind = `${s.route} ${s.status} ${s.keys.join('+') || 'no key'}`;
        counts.set(kind, (counts.get(kind) ?? 0) + 1);
      }
      return JSON.stringify(Object.fromEntries(counts));
    };
    const lastOld = Math.max(...samples.filter((s) => s.keys[0] === 'old').map((s) => s.sentAt));
    console.info(
      `rotation of ${rotation.secretId}: ${samples.length} requests in flight across the rotation ${summary(samples)}; ` +
        `the old key was last used for a request sent ${lastOld - rotatedAt} ms after the rotation (TTL ${ttlMs} ms); ` +
        `after the TTL ${summary(after)}`,
    );

    expect(
      samples.filter((s) => !exactlyOne(s)),
      'not a 200 signed with exactly one key',
    ).toEqual([]);
    // Answered before the new version existed: the old key. (A request sent before the rotation may well
    // be served after it, with the new key.)
    expect(samples.filter((s) => s.receivedAt < rotationStartedAt && s.keys[0] !== 'old')).toEqual([]);
    // Sent once every cache loaded before the rotation has expired: the new key.
    expect(samples.filter((s) => s.sentAt > rotatedAt + ttlMs + 500 && s.keys[0] !== 'new')).toEqual([]);
    // The rotation really happened mid-stream: both keys were in use.
    expect(samples.some((s) => s.keys[0] === 'old') && samples.some((s) => s.keys[0] === 'new')).toBe(true);
    expect(after.map((s) => `${s.status} ${s.keys.join('+')}`)).toEqual(Array(after.length).fill('200 new'));
  });

  it('the original secret, restored, is in use again once the TTL has passed', async () => {
    await fakeSecretsManager.restoreSecrets();
    await waitOutSecretCache();
    for (const routeCase of rotation.routeCases) expectHealthy(routeCase, await request(routeCase));
  });
});

describe('the whole suite', () => {
  it('answered no request with a 500 (or any 5xx but 503 SECRETS_UNAVAILABLE)', () => {
    expect(responses.length).toBeGreaterThan(100);
    expect(responses.filter(({ response }) => response.status === 500)).toEqual([]);
    expect(badResponses()).toEqual([]);
  });
});
