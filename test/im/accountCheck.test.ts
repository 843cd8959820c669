import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AccountCheckError, accountCheck, accountCheckUrl } from '../../lib/im/accountCheck';
import { genUserSig, genUserSigV1 } from '../../lib/sign';
import { type FakeImRest, startFakeImRest } from '../support/fakeImRest';

// accountCheck against the loopback IM REST fake, which checks the admin ticket with Tencent's official
// libraries: each of Tencent's answers, and each way the transport can fail.

const NOW_MS = 1_700_000_000_000;
const now = NOW_MS / 1000;
const V2_APP = { sdkAppId: 1_400_000_001, secretKey: 'fake-current-key-0123456789abcdef' };
const v1Keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const V1_APP = {
  sdkAppId: 1_400_000_002,
  publicKeyPem: v1Keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
};
const V1_PRIVATE = v1Keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

let fake: FakeImRest;
let clockMs = NOW_MS;

beforeAll(async () => {
  fake = await startFakeImRest({
    apps: [
      { ...V2_APP, importedUserIds: ['administrator'] },
      V1_APP,
      { sdkAppId: 1_400_000_003 },
      { sdkAppId: 1_400_000_004, secretKey: 'k', disabled: true },
    ],
    now: () => clockMs,
  });
});
afterAll(() => fake.close());
beforeEach(() => {
  clockMs = NOW_MS;
  fake.setFault(null);
  fake.resetCalls();
});

function ticket(overrides: { userId?: string; secretKey?: string; sdkAppId?: number; expire?: number } = {}) {
  return genUserSig({
    sdkAppId: overrides.sdkAppId ?? V2_APP.sdkAppId,
    secretKey: overrides.secretKey ?? V2_APP.secretKey,
    userId: overrides.userId ?? 'administrator',
    expire: overrides.expire ?? 300,
    now,
  });
}

function check(adminUserSig: string, sdkAppId = V2_APP.sdkAppId, timeoutMs?: number) {
  return accountCheck({
    endpoint: fake.url,
    sdkAppId,
    adminUserId: 'administrator',
    adminUserSig,
    checkUserIds: ['administrator', 'nobody'],
    random: 42,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}

describe('accountCheck', () => {
  it('reports a working key with the accounts it looked up', async () => {
    await expect(check(ticket())).resolves.toEqual({
      ok: true,
      errorCode: 0,
      errorInfo: '',
      accounts: [
        { userId: 'administrator', imported: true },
        { userId: 'nobody', imported: false },
      ],
    });
    expect(fake.calls).toEqual([
      {
        path: '/v4/im_open_login_svc/account_check',
        sdkAppId: V2_APP.sdkAppId,
        identifier: 'administrator',
        errorCode: 0,
      },
    ]);
  });

  it.each([
    ['a ticket signed with another key', () => ticket({ secretKey: 'stale-key' }), V2_APP.sdkAppId, 70009],
    [
      'a ticket for another user than the identifier',
      () => ticket({ userId: 'alice' }),
      V2_APP.sdkAppId,
      70013,
    ],
    ['a ticket of another app', () => ticket({ sdkAppId: 1_400_000_009 }), V2_APP.sdkAppId, 70014],
    ['a malformed ticket', () => 'not-a-ticket', V2_APP.sdkAppId, 70003],
    ['an app without a key', () => ticket({ sdkAppId: 1_400_000_003 }), 1_400_000_003, 70016],
    ['a disabled app', () => ticket({ sdkAppId: 1_400_000_004, secretKey: 'k' }), 1_400_000_004, 60016],
    ['an unknown app', () => ticket({ sdkAppId: 1_400_000_099 }), 1_400_000_099, 60006],
    [
      'a v2 ticket for an app that holds a v1 key',
      () => ticket({ sdkAppId: V1_APP.sdkAppId }),
      V1_APP.sdkAppId,
      70009,
    ],
  ])('answers Tencent code for %s', async (_what, make, sdkAppId, code) => {
    const answer = await check(make(), sdkAppId);
    expect(answer).toMatchObject({ ok: false, errorCode: code });
  });

  it('answers 70001 one second after the ticket expires, and 0 at its last second', async () => {
    const sig = ticket({ expire: 60 });
    clockMs = (now + 60) * 1000;
    await expect(check(sig)).resolves.toMatchObject({ ok: true });
    clockMs = (now + 61) * 1000;
    await expect(check(sig)).resolves.toMatchObject({ ok: false, errorCode: 70001 });
  });

  it('accepts a v1 (ECDSA) ticket for an app whose key is the v1 key pair', async () => {
    const sig = genUserSigV1({
      sdkAppId: V1_APP.sdkAppId,
      privateKeyPem: V1_PRIVATE,
      userId: 'administrator',
      expire: 300,
      now,
    });
    await expect(check(sig, V1_APP.sdkAppId)).resolves.toMatchObject({ ok: true, errorCode: 0 });
  });

  it('passes through a code injected by the fake (rate limiting)', async () => {
    fake.setFault({ kind: 'errorCode', errorCode: 70050, times: 1 });
    await expect(check(ticket())).resolves.toMatchObject({ ok: false, errorCode: 70050 });
    await expect(check(ticket())).resolves.toMatchObject({ ok: true });
  });

  it.each([
    ['an HTTP error', { kind: 'status', status: 502 } as const, 'IM_REST_BAD_RESPONSE'],
    ['an answer that is not JSON', { kind: 'notJson' } as const, 'IM_REST_BAD_RESPONSE'],
    ['a dropped connection', { kind: 'reset' } as const, 'IM_REST_UNREACHABLE'],
    ['an answer later than the timeout', { kind: 'delay', ms: 500 } as const, 'IM_REST_UNREACHABLE'],
  ])('throws AccountCheckError for %s, without the userSig in the message', async (_what, fault, code) => {
    fake.setFault({ ...fault, times: 1 });
    const sig = ticket();
    const error = await check(sig, V2_APP.sdkAppId, 200).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AccountCheckError);
    expect((error as AccountCheckError).code).toBe(code);
    expect(String((error as Error).message)).not.toContain(sig.slice(0, 20));
  });

  it('builds the documented URL and refuses malformed arguments', () => {
    const url = accountCheckUrl({
      endpoint: 'https://adminapisgp.im.qcloud.com',
      sdkAppId: 1_400_000_000,
      adminUserId: 'administrator',
      adminUserSig: 'eJw*-_',
      random: 7,
    });
    expect(url.href).toBe(
      'https://adminapisgp.im.qcloud.com/v4/im_open_login_svc/account_check?sdkappid=1400000000&identifier=administrator&usersig=eJw*-_&random=7&contenttype=json',
    );
    const base = { sdkAppId: 1, adminUserId: 'a', adminUserSig: 's', random: 1 };
    expect(() => accountCheckUrl({ ...base, endpoint: 'https://h/path' })).toThrow(TypeError);
    expect(() => accountCheckUrl({ ...base, endpoint: 'ftp://h' })).toThrow(TypeError);
    expect(() => accountCheckUrl({ ...base, endpoint: 'https://h', random: 2 ** 32 })).toThrow(TypeError);
  });
});
