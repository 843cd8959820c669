import { createHmac } from 'node:crypto';
import COS from 'cos-nodejs-sdk-v5';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cosV4Signature, decodeUserSig, verifyUserSig } from '../../lib/sign';
import type {
  CosSignV4Response,
  CosSignV5Response,
  PrivateMapKeyResponse,
  UserSigResponse,
} from '../../lib/tokens';
import { OfficialTlsSigApiV2 } from '../support/officialTlsSigApi';
import { inflateTicket } from '../support/tencentVectors';
import { authorizedEvent, invokeFunction, nowSeconds, post, ROUTES, sessionToken } from './support/client';
import { E2E_COS_SECRET, E2E_SETTINGS, E2E_TRTC_SECRET } from './support/fixtures';
import { prefixResourceOf, temporaryKeyOf } from './support/tokens';

// The happy path of every route through the gateway emulation, each token checked twice: with lib/sign
// and against Tencent's official npm packages (tls-sig-api-v2 regenerates the same ticket at the
// server's clock; cos-nodejs-sdk-v5 computes the same Authorization / the same v4 fields).

const official = new OfficialTlsSigApiV2(E2E_TRTC_SECRET.sdkAppId, E2E_TRTC_SECRET.secretKey);

/** Runs the official library with its clock pinned to the server's `serverTime`. */
function atServerTime<T>(serverTime: number, run: () => T): T {
  const clock = vi.spyOn(Date, 'now').mockReturnValue(serverTime * 1000);
  try {
    return run();
  } finally {
    clock.mockRestore();
  }
}

function expectSameTicket(ours: string, theirs: string): void {
  expect(inflateTicket(ours)).toEqual(inflateTicket(theirs));
  // Both sides deflate with this Node's zlib (the functions run in serverless-offline's worker threads).
  expect(ours).toBe(theirs);
}

function expectFreshTimes(
  body: { serverTime: number; expiresAt: number | null },
  expire: number | null,
): void {
  expect(Math.abs(body.serverTime - nowSeconds())).toBeLessThanOrEqual(5);
  expect(body.expiresAt).toBe(expire === null ? null : body.serverTime + expire);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('POST /v1/usersig', () => {
  it('issues a userSig for the session user that verifies and equals the official library', async () => {
    const response = await post('/v1/usersig', {
      token: await sessionToken('alice_e2e'),
      body: { expire: 3600 },
    });

    expect(response.status).toBe(200);
    const body = response.json as UserSigResponse;
    expect(body).toMatchObject({ version: 2, sdkAppId: E2E_TRTC_SECRET.sdkAppId, userId: 'alice_e2e' });
    expectFreshTimes(body, 3600);
    expect(body.refreshAfter).toBe(body.serverTime + 2880);

    expect(decodeUserSig(body.userSig).fields).toEqual({
      'TLS.ver': '2.0',
      'TLS.identifier': 'alice_e2e',
      'TLS.sdkappid': E2E_TRTC_SECRET.sdkAppId,
      'TLS.expire': 3600,
      'TLS.time': body.serverTime,
      'TLS.sig': expect.any(String),
    });
    const verified = verifyUserSig({
      ...E2E_TRTC_SECRET,
      userId: 'alice_e2e',
      userSig: body.userSig,
      now: nowSeconds(),
    });
    expect(verified).toMatchObject({ version: 2, userId: 'alice_e2e', expiresAt: body.expiresAt });
    expect(() =>
      verifyUserSig({
        ...E2E_TRTC_SECRET,
        secretKey: 'another-key',
        userId: 'alice_e2e',
        userSig: body.userSig,
        now: nowSeconds(),
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_SIGNATURE' }));
    expectSameTicket(
      body.userSig,
      atServerTime(body.serverTime, () => official.genUserSig('alice_e2e', 3600)),
    );
  });

  it('answers an empty POST (no body, no content type) with the default lifetime', async () => {
    const response = await post('/v1/usersig', { token: await sessionToken('alice_e2e') });

    expect(response.status).toBe(200);
    const body = response.json as UserSigResponse;
    expectFreshTimes(body, 7200);
    expect(decodeUserSig(body.userSig).expire).toBe(7200);
  });
});

describe('POST /v1/privatemapkey', () => {
  it('issues a ticket for a numeric room with the requested privileges of the default role', async () => {
    const response = await post('/v1/privatemapkey', {
      token: await sessionToken('bob-e2e', { rooms: [10000] }),
      body: { roomId: 10000, privileges: ['enterRoom', 'receiveAudio', 'receiveVideo'], expire: 600 },
    });

    expect(response.status).toBe(200);
    const body = response.json as PrivateMapKeyResponse;
    expect(body).toMatchObject({
      version: 2,
      sdkAppId: E2E_TRTC_SECRET.sdkAppId,
      userId: 'bob-e2e',
      roomId: 10000,
      privilegeMap: 0x2a,
      privileges: ['enterRoom', 'receiveAudio', 'receiveVideo'],
    });
    expectFreshTimes(body, 600);
    const verified = verifyUserSig({
      ...E2E_TRTC_SECRET,
      userId: 'bob-e2e',
      userSig: body.privateMapKey,
      now: nowSeconds(),
    });
    expect(verified.privateMap).toEqual({ roomId: 10000, privilegeMap: 0x2a, expiresAt: body.expiresAt });
    expectSameTicket(
      body.privateMapKey,
      atServerTime(body.serverTime, () => official.genPrivateMapKey('bob-e2e', 600, 10000, 0x2a)),
    );
  });

  it('issues a ticket for a string room with all privileges of the anchor role', async () => {
    const response = await post('/v1/privatemapkey', {
      token: await sessionToken('carol', { role: 'anchor', rooms: ['lesson 7-A'] }),
      body: { strRoomId: 'lesson 7-A' },
    });

    expect(response.status).toBe(200);
    const body = response.json as PrivateMapKeyResponse;
    expect(body).toMatchObject({ userId: 'carol', strRoomId: 'lesson 7-A', privilegeMap: 0xff });
    expect(body).not.toHaveProperty('roomId');
    expectFreshTimes(body, 300);
    const verified = verifyUserSig({
      ...E2E_TRTC_SECRET,
      userId: 'carol',
      userSig: body.privateMapKey,
      now: nowSeconds(),
    });
    expect(verified.privateMap).toEqual({
      strRoomId: 'lesson 7-A',
      privilegeMap: 0xff,
      expiresAt: body.expiresAt,
    });
    expectSameTicket(
      body.privateMapKey,
      atServerTime(body.serverTime, () =>
        official.genPrivateMapKeyWithStringRoomID('carol', 300, 'lesson 7-A', 0xff),
      ),
    );
  });
});

describe('POST /v1/cos/sign', () => {
  it('v5: signs a PUT in the caller prefix with a temporary key, exactly as COS.getAuthorization does', async () => {
    const key = 'users/dave/photos/avatar 1.png';
    const response = await post('/v1/cos/sign', {
      token: await sessionToken('dave'),
      body: {
        method: 'put',
        key,
        headers: { 'Content-Type': 'image/png', 'Content-Length': 2048, 'x-cos-meta-origin': 'e2e' },
        expire: 900,
      },
    });

    expect(response.status).toBe(200);
    const body = response.json as CosSignV5Response;
    const host = `${E2E_COS_SECRET.bucket}.cos.${E2E_COS_SECRET.region}.myqcloud.com`;
    const temporary = temporaryKeyOf(body.securityToken);
    expect(temporary?.resources).toEqual([prefixResourceOf('dave')]);
    expect(body).toMatchObject({
      version: 'v5',
      method: 'PUT',
      key,
      url: `https://${host}/users/dave/photos/avatar%201.png`,
      headers: {
        Host: host,
        'Content-Type': 'image/png',
        'Content-Length': '2048',
        'x-cos-meta-origin': 'e2e',
        'x-cos-security-token': body.securityToken,
      },
    });
    expectFreshTimes(body, 900);
    const keyTime = /q-key-time=(\d+;\d+)/.exec(body.authorization)?.[1];
    expect(keyTime).toBe(`${body.serverTime - 1};${body.expiresAt}`);
    const { 'x-cos-security-token': _token, ...signed } = body.headers;
    const theirs = COS.getAuthorization({
      SecretId: temporary?.secretId as string,
      SecretKey: temporary?.secretKey as string,
      Method: 'PUT',
      Pathname: `/${key}`,
      Headers: signed,
      KeyTime: keyTime as string,
    });
    expect(body.authorization).toBe(theirs);
  });

  it('v4: a reusable signature bound to the key, verified by HMAC and matching cos-nodejs-sdk-v5 fields', async () => {
    const key = 'users/dave/doc.txt';
    const response = await post('/v1/cos/sign', {
      token: await sessionToken('dave'),
      body: { version: 'v4', type: 'reusable', key, expire: 600 },
    });

    expect(response.status).toBe(200);
    const body = response.json as CosSignV4Response;
    expect(body).toMatchObject({ version: 'v4', type: 'reusable', key });
    expectFreshTimes(body, 600);
    const { mac, plainText, fields } = openV4(body.signature);
    const shortBucket = E2E_COS_SECRET.bucket.slice(0, -(E2E_COS_SECRET.appId.length + 1));
    expect(fields).toEqual({
      a: E2E_COS_SECRET.appId,
      b: shortBucket,
      k: E2E_COS_SECRET.secretId,
      e: String(body.expiresAt),
      t: String(body.serverTime),
      r: expect.stringMatching(/^\d+$/),
      f: `/${E2E_COS_SECRET.appId}/${shortBucket}/${key}`,
    });
    expect(mac).toEqual(createHmac('sha1', E2E_COS_SECRET.secretKey).update(plainText).digest());
    const random = Number(fields.r);
    expect(
      cosV4Signature({
        ...E2E_COS_SECRET,
        bucket: shortBucket,
        expiration: body.expiresAt as number,
        now: body.serverTime,
        random,
        filepath: key,
      }),
    ).toBe(body.signature);

    // The official SDK writes the same fields in another order (t before e): compare field by field.
    vi.spyOn(Date, 'now').mockReturnValue(body.serverTime * 1000);
    vi.spyOn(Math, 'random').mockReturnValue(random / 2 ** 32);
    const theirs = new COS({ SecretId: 'unused', SecretKey: 'unused' }).getV4Auth({
      SecretId: E2E_COS_SECRET.secretId,
      SecretKey: E2E_COS_SECRET.secretKey,
      Bucket: E2E_COS_SECRET.bucket,
      Key: key,
      Expires: 600,
    });
    vi.restoreAllMocks();
    expect(openV4(theirs).fields).toEqual(fields);
  });

  it('v4: a one-time signature (no expiry; delete, copy and move in the v4 API) is disabled', async () => {
    const response = await post('/v1/cos/sign', {
      token: await sessionToken('dave'),
      body: { version: 'v4', type: 'once', key: 'users/dave/once.bin' },
    });

    expect(response.status).toBe(403);
    expect(response.json).toEqual({
      error: { code: 'V4_ONCE_DISABLED', message: expect.stringContaining('never expire') },
    });
  });
});

function openV4(signature: string): { mac: Buffer; plainText: Buffer; fields: Record<string, string> } {
  const bytes = Buffer.from(signature, 'base64');
  const plainText = bytes.subarray(20);
  const fields = Object.fromEntries(
    plainText
      .toString('utf8')
      .split('&')
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
  return { mac: bytes.subarray(0, 20), plainText, fields };
}

describe('response headers', () => {
  it.each(ROUTES)('%s: Cache-Control no-store on success and on error', async (route) => {
    const bodies = {
      '/v1/usersig': {},
      '/v1/privatemapkey': { roomId: 1 },
      '/v1/cos/sign': { method: 'GET', key: 'users/erin/a.txt' },
      '/v1/cos/credentials': {},
    };
    const ok = await post(route, { token: await sessionToken('erin', { rooms: [1] }), body: bodies[route] });
    const expired = await sessionToken('erin', { claims: { exp: nowSeconds() - 3600 } });
    const refused = await post(route, { token: expired, body: bodies[route] });

    expect(ok.status).toBe(200);
    expect(refused.status).toBe(401);
    for (const response of [ok, refused]) {
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    }
  });

  it('CORS through the gateway: a request from the allowed origin gets Access-Control-Allow-Origin', async () => {
    const response = await post('/v1/usersig', {
      token: await sessionToken('erin'),
      headers: { Origin: E2E_SETTINGS.corsAllowedOrigin },
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(E2E_SETTINGS.corsAllowedOrigin);
  });

  // serverless-offline 14.8.2 echoes every request's Origin into Access-Control-Allow-Origin (its hapi
  // onPreResponse hook, events/http/HttpServer.js) unless provider.httpApi.cors is configured, so through
  // its gateway another origin is always "allowed". The function's own response is what a real HTTP API
  // without a CORS configuration forwards: read it through the Lambda Invoke API instead.
  it.each([
    [E2E_SETTINGS.corsAllowedOrigin, E2E_SETTINGS.corsAllowedOrigin],
    ['https://evil.example', null],
    ['https://app.example.evil.example', null],
  ])('CORS in the function: Origin %s -> Access-Control-Allow-Origin %s', async (origin, expected) => {
    const result = (await invokeFunction(
      'userSig',
      authorizedEvent('/v1/usersig', 'erin', { headers: { origin } }),
    )) as { statusCode: number; headers: Record<string, string> };

    expect(result.statusCode).toBe(200);
    const allowOrigin = Object.entries(result.headers).find(
      ([name]) => name.toLowerCase() === 'access-control-allow-origin',
    );
    expect(allowOrigin?.[1] ?? null).toBe(expected);
  });
});
