import { describe, expect, it } from 'vitest';
import { type ApiResponse, post, sessionToken } from '../e2e/support/client';

// What the fuzz suite found, pinned one by one. The service bugs (K1, K2) are fixed; these tests keep them
// fixed, and the fuzz run checks the same behaviour on random input. The emulator's own quirks below are
// why the fuzz generators avoid or route around some inputs.

function errorOf(response: ApiResponse): unknown {
  return { status: response.status, body: response.json };
}

describe('service bugs found by the fuzz suite, now fixed', () => {
  it.each([
    '0',
    '-0',
    '0.0',
    'false',
  ])('K1: the JSON body %s (handed to the function as a number or boolean by the emulator) is a 400, not a 500', async (body) => {
    const response = await post('/v1/usersig', { token: await sessionToken('known_k1'), rawBody: body });
    expect(errorOf(response)).toEqual({
      status: 400,
      body: { error: { code: 'INVALID_REQUEST', message: expect.any(String) } },
    });
  });

  it.each([
    ['/v1/usersig', '{"userId":"someone_else","userId":"known_k2"}'],
    ['/v1/usersig', '{"userId":"known_k2","userId":"someone_else"}'],
    ['/v1/privatemapkey', '{"roomId":"x","roomId":1}'],
  ] as const)('K2: %s with duplicate keys %s is refused as ambiguous (400 INVALID_JSON)', async (route, body) => {
    const response = await post(route, { token: await sessionToken('known_k2'), rawBody: body });
    expect(errorOf(response)).toEqual({
      status: 400,
      body: { error: { code: 'INVALID_JSON', message: expect.any(String) } },
    });
  });
});

describe('serverless-offline, not the service (why the fuzz generators route around these)', () => {
  it('the sls-offline-authorizer-override header (which makes serverless-offline replace the authorizer context) cannot choose the principal: the local gateway drops it', async () => {
    const header = {
      'sls-offline-authorizer-override':
        '{"lambda":{"userId":"chosen_by_header","sessionExpiresAt":4000000000}}',
    };
    const alone = await post('/v1/usersig', { headers: header });
    expect(alone.status).toBe(401);
    const withSession = await post('/v1/usersig', {
      headers: header,
      token: await sessionToken('known_override'),
    });
    expect(withSession.status).toBe(200);
    expect((withSession.json as Record<string, unknown>).userId).toBe('known_override');
  });

  it('invalid UTF-8 in an application/json body reaches the function decoded as U+FFFD (so the fuzz suite sends such bytes through the Lambda Invoke API, base64, as AWS does)', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"method":"GET","key":"users/known_utf8/'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    const response = await post('/v1/cos/sign', { token: await sessionToken('known_utf8'), rawBytes: bytes });
    expect(response.status).toBe(200);
    expect((response.json as Record<string, unknown>).key).toBe('users/known_utf8/\ufffd\ufffd');
  });
});
