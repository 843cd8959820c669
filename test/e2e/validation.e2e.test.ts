import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiResponse,
  authorizedEvent,
  invokeFunction,
  post,
  ROUTES,
  type Route,
  sessionToken,
  TOKEN_FIELDS,
} from './support/client';
import { E2E_SETTINGS } from './support/fixtures';

// What an authenticated caller may ask for: the body's media type, size and shape (lib/http, lib/tokens)
// and the policy (lib/policy), each refusal with its documented status and code (README, "API").

let token: string;
let anchorToken: string;

beforeAll(async () => {
  token = await sessionToken('heidi', { rooms: [1] });
  anchorToken = await sessionToken('heidi', { role: 'anchor', rooms: [1] });
});

function expectError(response: ApiResponse, status: number, code: string): void {
  expect({ status: response.status, body: response.json }).toEqual({
    status,
    body: { error: { code, message: expect.any(String) } },
  });
  expect(response.headers.get('cache-control')).toBe('no-store');
  for (const field of TOKEN_FIELDS) expect(response.text).not.toContain(`"${field}"`);
}

describe('the body', () => {
  it.each(ROUTES)('%s: 415 UNSUPPORTED_MEDIA_TYPE for a body that is not application/json', async (route) => {
    expectError(
      await post(route, { token, rawBody: '{}', contentType: 'text/plain' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('415 for form data and for JSON in another charset', async () => {
    expectError(
      await post('/v1/usersig', {
        token,
        rawBody: 'expire=600',
        contentType: 'application/x-www-form-urlencoded',
      }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expectError(
      await post('/v1/usersig', { token, rawBody: '{}', contentType: 'application/json; charset=latin1' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('accepts application/json with a UTF-8 charset parameter', async () => {
    const response = await post('/v1/usersig', {
      token,
      rawBody: '{"expire":600}',
      contentType: 'application/json; charset=UTF-8',
    });
    expect(response.status).toBe(200);
  });

  it.each(ROUTES)('%s: 400 INVALID_JSON for malformed JSON', async (route) => {
    expectError(await post(route, { token, rawBody: '{"expire":' }), 400, 'INVALID_JSON');
  });

  it.each([
    ['an array', []],
    ['a number', 600],
  ])('400 INVALID_REQUEST for a body that is %s', async (_name, body) => {
    expectError(await post('/v1/usersig', { token, body }), 400, 'INVALID_REQUEST');
  });

  // serverless-offline hands the function hapi's parsed payload when it is a string (so the JSON text
  // "expire" arrives as expire) and drops a JSON null; a real HTTP API passes the raw text. So these go
  // straight to the function through the Lambda Invoke API.
  it.each([
    ['a JSON string', '"expire"'],
    ['JSON null', 'null'],
    ['JSON false', 'false'],
  ])('400 INVALID_REQUEST for a body that is %s (direct invoke)', async (_name, body) => {
    const result = (await invokeFunction(
      'userSig',
      authorizedEvent('/v1/usersig', 'heidi', { headers: { 'content-type': 'application/json' }, body }),
    )) as { statusCode: number; body: string };
    expect({ status: result.statusCode, body: JSON.parse(result.body) }).toEqual({
      status: 400,
      body: { error: { code: 'INVALID_REQUEST', message: expect.any(String) } },
    });
  });

  it.each<[string, Route, Record<string, unknown>]>([
    ['expire of the wrong type', '/v1/usersig', { expire: '600' }],
    ['an unknown field', '/v1/usersig', { expires: 600 }],
    ['userId of the wrong type', '/v1/usersig', { userId: 7 }],
    ['an empty privilege list', '/v1/privatemapkey', { roomId: 1, privileges: [] }],
    ['privileges of the wrong type', '/v1/privatemapkey', { roomId: 1, privileges: 'enterRoom' }],
    ['no key', '/v1/cos/sign', { method: 'GET' }],
    ['an unknown version', '/v1/cos/sign', { version: 'v3', method: 'GET', key: 'users/heidi/a' }],
    [
      'a header value with a newline',
      '/v1/cos/sign',
      { method: 'GET', key: 'users/heidi/a', headers: { 'x-cos-a': 'a\nb' } },
    ],
    [
      'v4 once with an expiry',
      '/v1/cos/sign',
      { version: 'v4', type: 'once', key: 'users/heidi/a', expire: 60 },
    ],
  ])('400 INVALID_REQUEST for %s', async (_name, route, body) => {
    expectError(await post(route, { token, body }), 400, 'INVALID_REQUEST');
  });

  it('an INVALID_REQUEST message names the field, never the value', async () => {
    const response = await post('/v1/usersig', { token, body: { expire: 'VALUE-THAT-MUST-NOT-BE-ECHOED' } });

    expectError(response, 400, 'INVALID_REQUEST');
    expect(response.text).toContain('expire');
    expect(response.text).not.toContain('VALUE-THAT-MUST-NOT-BE-ECHOED');
  });

  it(`413 PAYLOAD_TOO_LARGE above MAX_BODY_BYTES (${E2E_SETTINGS.maxBodyBytes}), and exactly the limit is fine`, async () => {
    const json = '{"expire":600}';
    const atLimit = json.padEnd(E2E_SETTINGS.maxBodyBytes, ' ');
    const overLimit = `${atLimit} `;

    expect((await post('/v1/usersig', { token, rawBody: atLimit })).status).toBe(200);
    expectError(await post('/v1/usersig', { token, rawBody: overLimit }), 413, 'PAYLOAD_TOO_LARGE');
    expectError(
      await post('/v1/cos/sign', { token, body: { method: 'PUT', key: `users/heidi/${'a'.repeat(5000)}` } }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
  });

  it('measures the limit in bytes, not characters', async () => {
    // 2000 characters of 3 UTF-8 bytes each: under the limit in characters, over it in bytes.
    const body = `{"expire":600,"userId":"${'\u4e2d'.repeat(2000)}"}`;
    expectError(await post('/v1/usersig', { token, rawBody: body }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('authenticates before it reads the body: an oversized body without a valid session is a 401', async () => {
    const rawBody = ' '.repeat(E2E_SETTINGS.maxBodyBytes + 1);
    // No header at all: the gateway refuses before any Lambda runs.
    expect((await post('/v1/usersig', { rawBody })).status).toBe(401);
    const forged = await sessionToken('heidi', { secret: 'not-the-e2e-session-secret-0123456789abcdef' });
    expectError(await post('/v1/usersig', { rawBody, token: forged }), 401, 'UNAUTHENTICATED');
  });
});

describe('expiry', () => {
  it.each<[Route, Record<string, unknown>, number]>([
    ['/v1/usersig', {}, E2E_SETTINGS.userSigMaxExpire],
    ['/v1/privatemapkey', { roomId: 1 }, E2E_SETTINGS.privateMapKeyMaxExpire],
    ['/v1/cos/sign', { method: 'GET', key: 'users/heidi/a' }, E2E_SETTINGS.cosMaxExpire],
    ['/v1/cos/sign', { version: 'v4', type: 'reusable', key: 'users/heidi/a' }, E2E_SETTINGS.cosMaxExpire],
    ['/v1/cos/credentials', {}, E2E_SETTINGS.cosCredentialsMaxExpire],
  ])('%s %j: the maximum is granted, one second more is 400 EXPIRE_TOO_LONG', async (route, body, max) => {
    const granted = await post(route, { token, body: { ...body, expire: max } });
    expect(granted.status).toBe(200);
    expect(granted.json).toMatchObject({
      expiresAt: (granted.json as { serverTime: number }).serverTime + max,
    });

    expectError(await post(route, { token, body: { ...body, expire: max + 1 } }), 400, 'EXPIRE_TOO_LONG');
  });

  // As JSON text: 1e999 is valid JSON that parses to Infinity.
  it.each(['0', '-1', '1.5', '1e999'])('400 INVALID_EXPIRE for expire %s', async (expire) => {
    expectError(await post('/v1/usersig', { token, rawBody: `{"expire":${expire}}` }), 400, 'INVALID_EXPIRE');
  });
});

describe('rooms and privileges', () => {
  it.each<[string, Record<string, unknown>]>([
    ['no room', {}],
    ['both rooms', { roomId: 1, strRoomId: 'a' }],
    ['a numeric room as a string', { roomId: '10000' }],
    ['room 0', { roomId: 0 }],
    ['a room above 4294967294', { roomId: 4_294_967_295 }],
    ['a fractional room', { roomId: 1.5 }],
    ['null', { roomId: null }],
    ['a string room with a slash', { strRoomId: 'a/b' }],
    ['a string room of 65 characters', { strRoomId: 'r'.repeat(65) }],
    ['an empty string room', { strRoomId: '' }],
  ])('400 INVALID_ROOM for %s', async (_name, body) => {
    expectError(await post('/v1/privatemapkey', { token, body }), 400, 'INVALID_ROOM');
  });

  it('400 UNKNOWN_PRIVILEGE for a name that is not a TRTC privilege', async () => {
    expectError(
      await post('/v1/privatemapkey', { token, body: { roomId: 1, privileges: ['enterRoom', 'fly'] } }),
      400,
      'UNKNOWN_PRIVILEGE',
    );
  });

  it('403 PRIVILEGES_EXCEEDED when the audience asks to send audio; the anchor may', async () => {
    const body = { roomId: 1, privileges: ['enterRoom', 'sendAudio'] };
    expectError(await post('/v1/privatemapkey', { token, body }), 403, 'PRIVILEGES_EXCEEDED');
    expect((await post('/v1/privatemapkey', { token: anchorToken, body })).status).toBe(200);
  });
});

describe('COS keys and methods', () => {
  it.each([
    ['another user', 'users/ivan/a.txt'],
    ['a longer user id with the same start', 'users/heidiX/a.txt'],
    ['the prefix itself', 'users/heidi/'],
    ['the prefix without its slash', 'users/heidi'],
    ['outside users/', 'public/a.txt'],
  ])('403 KEY_OUTSIDE_PREFIX for %s (v5 and v4)', async (_name, key) => {
    expectError(
      await post('/v1/cos/sign', { token, body: { method: 'GET', key } }),
      403,
      'KEY_OUTSIDE_PREFIX',
    );
    expectError(
      await post('/v1/cos/sign', { token, body: { version: 'v4', type: 'reusable', key } }),
      403,
      'KEY_OUTSIDE_PREFIX',
    );
  });

  // README: "`..`, `.`, `//`, `%`, `\` and control characters are refused" with 400 INVALID_KEY: the key
  // shape is checked before the prefix, so even a traversal that starts inside the prefix is a 400.
  it.each([
    ['a .. segment', 'users/heidi/../ivan/a.txt'],
    ['a trailing .. segment', 'users/heidi/..'],
    ['a . segment', 'users/heidi/./a.txt'],
    ['an encoded ..', 'users/heidi/%2e%2e/ivan/a.txt'],
    ['a double slash', 'users/heidi//a.txt'],
    ['a leading slash', '/users/heidi/a.txt'],
    ['a backslash', 'users/heidi/..\\ivan\\a.txt'],
    ['a control character', 'users/heidi/a\u0000.txt'],
    ['an empty key', ''],
  ])('400 INVALID_KEY for %s (v5 and v4)', async (_name, key) => {
    expectError(await post('/v1/cos/sign', { token, body: { method: 'GET', key } }), 400, 'INVALID_KEY');
    expectError(
      await post('/v1/cos/sign', { token, body: { version: 'v4', type: 'reusable', key } }),
      400,
      'INVALID_KEY',
    );
  });

  it.each(['OPTIONS', 'PATCH', 'get '])('403 METHOD_NOT_ALLOWED for %j', async (method) => {
    expectError(
      await post('/v1/cos/sign', { token, body: { method, key: 'users/heidi/a.txt' } }),
      403,
      'METHOD_NOT_ALLOWED',
    );
  });

  it.each([
    ['DELETE', {}],
    ['POST', {}],
    ['GET', { uploads: '' }],
  ])('403 OPERATION_NOT_ALLOWED for %s with %j (DeleteObject, PostObject, a bucket listing)', async (method, query) => {
    expectError(
      await post('/v1/cos/sign', { token, body: { method, key: 'users/heidi/a.txt', query } }),
      403,
      'OPERATION_NOT_ALLOWED',
    );
  });

  it('403 SCOPE_TOO_WIDE for a v4 signature without a key', async () => {
    expectError(
      await post('/v1/cos/sign', { token, body: { version: 'v4', type: 'reusable' } }),
      403,
      'SCOPE_TOO_WIDE',
    );
  });
});
