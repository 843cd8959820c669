import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { verifyUserSig } from '../../lib/sign';
import type { PrivateMapKeyResponse } from '../../lib/tokens';
import { OfficialTlsSigApiV2 } from '../support/officialTlsSigApi';
import {
  type ApiResponse,
  fakeLambda,
  logOffset,
  nowSeconds,
  post,
  sessionToken,
  sleep,
  TOKEN_FIELDS,
  waitForLog,
} from './support/client';
import { E2E_ROOMS, E2E_TRTC_SECRET } from './support/fixtures';

// The room policy through the running service (serverless-offline, the real authorizer): the rooms
// claim, the stack's rules (E2E_ROOMS) and the example hook, invoked with the real Lambda client through
// the loopback Lambda API, which forwards to serverless-offline's own Invoke endpoint (the hook runs
// there) or injects a fault.

const CALLEE = ['enterRoom', 'sendAudio', 'receiveAudio', 'sendVideo', 'receiveVideo'];

function expectRefused(response: ApiResponse, status: number, code: string): void {
  expect({ status: response.status, body: response.json }).toEqual({
    status,
    body: { error: { code, message: expect.any(String) } },
  });
  for (const field of TOKEN_FIELDS) expect(response.text).not.toContain(`"${field}"`);
}

function ticket(response: ApiResponse, userId: string): PrivateMapKeyResponse {
  expect(response.status, response.text).toBe(200);
  const body = response.json as PrivateMapKeyResponse;
  const verified = verifyUserSig({
    ...E2E_TRTC_SECRET,
    userId,
    userSig: body.privateMapKey,
    now: nowSeconds(),
  });
  // The ticket's own room and bits are those of the response.
  expect(verified.privateMap).toEqual({
    ...(body.roomId === undefined ? { strRoomId: body.strRoomId } : { roomId: body.roomId }),
    privilegeMap: body.privilegeMap,
    expiresAt: body.expiresAt,
  });
  return body;
}

async function ask(
  userId: string,
  body: Record<string, unknown>,
  options: Parameters<typeof sessionToken>[1] = {},
) {
  return post('/v1/privatemapkey', { token: await sessionToken(userId, options), body });
}

afterEach(async () => {
  await fakeLambda.setFault(null);
  vi.restoreAllMocks();
});

describe('claims: the session names the rooms', () => {
  it('issues a ticket for a claimed numeric room, equal to the official tls-sig-api-v2 one', async () => {
    const response = await ask(
      'nina',
      { roomId: 1234, privileges: ['enterRoom', 'receiveAudio'], expire: 600 },
      { rooms: [1234] },
    );
    const body = ticket(response, 'nina');
    expect(body).toMatchObject({ version: 2, roomId: 1234, privilegeMap: 0x0a });
    vi.spyOn(Date, 'now').mockReturnValue(body.serverTime * 1000);
    const official = new OfficialTlsSigApiV2(E2E_TRTC_SECRET.sdkAppId, E2E_TRTC_SECRET.secretKey);
    expect(body.privateMapKey).toBe(official.genPrivateMapKey('nina', 600, 1234, 0x0a));
  });

  it('gives each claimed room its role: the teacher anchors the class, a student joins it', async () => {
    const teacher = await sessionToken('teacher_1', { rooms: { 'class-42': 'anchor' } });
    const student = await sessionToken('student_7', { rooms: { 'class-42': 'audience' } });
    const anchor = ticket(
      await post('/v1/privatemapkey', { token: teacher, body: { strRoomId: 'class-42' } }),
      'teacher_1',
    );
    expect(anchor.privilegeMap).toBe(0xff);
    const watch = ticket(
      await post('/v1/privatemapkey', { token: student, body: { strRoomId: 'class-42' } }),
      'student_7',
    );
    expect(watch.privilegeMap).toBe(0xab);
    expectRefused(
      await post('/v1/privatemapkey', {
        token: student,
        body: { strRoomId: 'class-42', privileges: ['enterRoom', 'sendVideo'] },
      }),
      403,
      'PRIVILEGES_EXCEEDED',
    );
  });

  it('keeps numeric and string rooms apart: [1234] is not "1234", {"1234": ...} is not 1234', async () => {
    expectRefused(await ask('nina', { strRoomId: '1234' }, { rooms: [1234] }), 403, 'ROOM_FORBIDDEN');
    expectRefused(
      await ask('nina', { roomId: 1234 }, { rooms: { '1234': 'anchor' } }),
      403,
      'ROOM_FORBIDDEN',
    );
    expect(
      ticket(await ask('nina', { strRoomId: '1234' }, { rooms: { '1234': 'anchor' } }), 'nina').strRoomId,
    ).toBe('1234');
  });

  it('matches trailing-* patterns, and reads a claim carried as JSON text', async () => {
    expect(
      ticket(await ask('nina', { strRoomId: 'class-7b' }, { rooms: ['class-*'] }), 'nina').privilegeMap,
    ).toBe(0xab);
    expect(ticket(await ask('nina', { roomId: 77 }, { rooms: '[77]' }), 'nina').roomId).toBe(77);
  });

  it('refuses the issue\'s attack: an audience session asking for "bob-private-1on1" gets nothing', async () => {
    expectRefused(await ask('alice_r', { strRoomId: 'bob-private-1on1' }), 403, 'ROOM_FORBIDDEN');
    expectRefused(
      await ask('alice_r', { strRoomId: 'bob-private-1on1' }, { rooms: [] }),
      403,
      'ROOM_FORBIDDEN',
    );
    expectRefused(
      await ask('alice_r', { strRoomId: 'bob-private-1on1' }, { rooms: {} }),
      403,
      'ROOM_FORBIDDEN',
    );
  });

  it('refuses a ticket without enterRoom (ENTER_ROOM_REQUIRED), even for an anchor of the room', async () => {
    const body = { strRoomId: 'class-42', privileges: ['sendAudio'] };
    expectRefused(
      await ask('teacher_1', body, { rooms: { 'class-42': 'anchor' } }),
      400,
      'ENTER_ROOM_REQUIRED',
    );
  });

  it('refuses a malformed claim for every room, while the session still gets its userSig', async () => {
    for (const rooms of [null, 'lobby', [null], [{ roomId: '7' }], { 'class-42': 7 }, ['лобби']]) {
      expectRefused(await ask('mallory', { roomId: 7 }, { rooms }), 403, 'ROOM_FORBIDDEN');
      // The lobby rule would grant it: a malformed claim refuses the request, it is not "no claim".
      expectRefused(await ask('mallory', { strRoomId: 'lobby' }, { rooms }), 403, 'ROOM_FORBIDDEN');
    }
    const token = await sessionToken('mallory', { rooms: [null] });
    expect((await post('/v1/usersig', { token })).status).toBe(200);
  });

  it('refuses non-ASCII and look-alike room ids as INVALID_ROOM before any policy', async () => {
    for (const strRoomId of ['lobbу', 'ｌｏｂｂｙ', 'class-42\u200b', '房间']) {
      expectRefused(await ask('nina', { strRoomId }, { rooms: ['*'] }), 400, 'INVALID_ROOM');
    }
  });
});

describe('rules: rooms named after the caller, and the lobby', () => {
  it("makes each user the anchor of u.<own id>.*, never of another user's", async () => {
    expect(ticket(await ask('alice', { strRoomId: 'u.alice.show' }), 'alice').privilegeMap).toBe(0xff);
    expectRefused(await ask('alice', { strRoomId: 'u.alice_2.show' }), 403, 'ROOM_FORBIDDEN');
    expectRefused(await ask('alice_2', { strRoomId: 'u.alice.show' }), 403, 'ROOM_FORBIDDEN');
    expectRefused(await ask('alic', { strRoomId: 'u.alice.show' }), 403, 'ROOM_FORBIDDEN');
  });

  it('gives a numeric user id its numeric room, and everyone the lobby as audience', async () => {
    expect(ticket(await ask('10023', { roomId: 10023 }), '10023').privilegeMap).toBe(0xff);
    expectRefused(await ask('1002', { roomId: 10023 }), 403, 'ROOM_FORBIDDEN');
    expect(ticket(await ask('olga', { strRoomId: 'lobby' }), 'olga').privilegeMap).toBe(0xab);
    expectRefused(
      await ask('olga', { strRoomId: 'lobby', privileges: ['enterRoom', 'sendAudio'] }),
      403,
      'PRIVILEGES_EXCEEDED',
    );
  });
});

describe('the hook: the example 1:1-call hook, through the Lambda API', () => {
  it('lets the callee into call.<caller>.<callee>, asking the hook once with the selected claims', async () => {
    await fakeLambda.resetCalls();
    // The caller is granted by the rule call.{userId}.*: no question to the hook.
    expect(ticket(await ask('carla', { strRoomId: 'call.carla.dan' }), 'carla').privilegeMap).toBe(0xff);
    expect(await fakeLambda.calls()).toEqual([]);

    const body = ticket(
      await ask('dan', { strRoomId: 'call.carla.dan' }, { claims: { org: 'acme', email: 'd@example.test' } }),
      'dan',
    );
    expect(body.privileges).toEqual(CALLEE);
    expect(await fakeLambda.calls()).toEqual([
      {
        functionName: E2E_ROOMS.hookFunction,
        invocationType: 'RequestResponse',
        payload: {
          version: 1,
          userId: 'dan',
          role: null,
          strRoomId: 'call.carla.dan',
          privileges: null,
          claims: { org: 'acme' },
        },
        signatureValid: true,
        fault: null,
      },
    ]);
  });

  it('refuses what the hook denies, and more than it allows', async () => {
    expectRefused(await ask('eve', { strRoomId: 'call.carla.dan' }), 403, 'ROOM_FORBIDDEN');
    expectRefused(
      await ask('dan_2', { strRoomId: 'call.carla.dan_2', privileges: ['enterRoom', 'sendSubStream'] }),
      403,
      'PRIVILEGES_EXCEEDED',
    );
  });

  it('caches answers (allow and deny) per user and room for the configured TTL', async () => {
    await fakeLambda.resetCalls();
    await ask('fay', { strRoomId: 'call.gus.fay' });
    await ask('fay', { strRoomId: 'call.gus.fay', privileges: ['enterRoom'] });
    await ask('hal', { strRoomId: 'call.gus.fay' });
    await ask('hal', { strRoomId: 'call.gus.fay' });
    const questions = (await fakeLambda.calls()).map((call) => (call.payload as { userId: string }).userId);
    expect(questions).toEqual(['fay', 'hal']);
    await sleep(E2E_ROOMS.hookCacheSeconds * 1000 + 300);
    await ask('fay', { strRoomId: 'call.gus.fay' });
    expect(await fakeLambda.calls()).toHaveLength(3);
  });

  it('is a plain Lambda function: the real SDK client invokes it on serverless-offline', async () => {
    const client = new LambdaClient({
      endpoint: inject('e2eLambdaUrl'),
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const invoke = async (question: Record<string, unknown>) => {
      const output = await client.send(
        new InvokeCommand({
          FunctionName: E2E_ROOMS.hookFunction,
          Payload: Buffer.from(JSON.stringify(question)),
        }),
      );
      expect(output.StatusCode).toBe(200);
      expect(output.FunctionError).toBeUndefined();
      return JSON.parse(Buffer.from(output.Payload ?? []).toString('utf8')) as unknown;
    };
    const question = { version: 1, role: null, privileges: null, claims: {} };
    expect(await invoke({ ...question, userId: 'bob', strRoomId: 'call.alice.bob' })).toEqual({
      allow: true,
      privileges: CALLEE,
    });
    expect(await invoke({ ...question, userId: 'eve', strRoomId: 'call.alice.bob' })).toEqual({
      allow: false,
    });
    expect(await invoke({ ...question, userId: 'bob', roomId: 1 })).toEqual({ allow: false });
  });
});

describe('hook failures: 503 ROOM_HOOK_UNAVAILABLE with Retry-After, never a ticket', () => {
  it.each([
    ['a timeout', { kind: 'delay', ms: E2E_ROOMS.hookTimeoutMs * 4 }, 'TIMEOUT', 'ivy_1'],
    ['a hook that threw', { kind: 'functionError' }, 'FUNCTION_ERROR', 'ivy_2'],
    ['a malformed answer', { kind: 'answer', payload: '{"allow":"yes"}' }, 'MALFORMED_ANSWER', 'ivy_3'],
    [
      'a throttled invocation',
      { kind: 'error', status: 429, type: 'TooManyRequestsException' },
      'INVOKE_FAILED',
      'ivy_4',
    ],
    [
      'a missing function',
      { kind: 'error', status: 404, type: 'ResourceNotFoundException' },
      'INVOKE_FAILED',
      'ivy_5',
    ],
    ['a dropped connection', { kind: 'reset' }, 'INVOKE_FAILED', 'ivy_6'],
  ] as const)('%s', async (_what, fault, reason, callee) => {
    await fakeLambda.setFault(fault);
    const from = logOffset();
    const response = await ask(callee, { strRoomId: `call.jay.${callee}` });
    expectRefused(response, 503, 'ROOM_HOOK_UNAVAILABLE');
    expect(response.headers.get('retry-after')).toBe(String(E2E_ROOMS.hookRetryAfterSeconds));
    expect(response.headers.get('cache-control')).toBe('no-store');
    const line = await waitForLog(
      (text) => text.includes('"room hook unavailable"') && text.includes(`"reason":"${reason}"`),
      {
        from,
      },
    );
    expect(JSON.parse(line)).toMatchObject({ level: 'error', reason });

    // A failure is not cached: once the hook is healthy the same request succeeds.
    await fakeLambda.setFault(null);
    expect(ticket(await ask(callee, { strRoomId: `call.jay.${callee}` }), callee).privileges).toEqual(CALLEE);
  });

  it('does not touch rooms that claims or rules grant', async () => {
    await fakeLambda.setFault({ kind: 'functionError' });
    expect((await ask('kim', { strRoomId: 'lobby' })).status).toBe(200);
    expect((await ask('kim', { roomId: 5 }, { rooms: [5] })).status).toBe(200);
  });
});

describe('audit log', () => {
  it('records each ticket issued (user, room, privileges, expiry) and each refusal with its code', async () => {
    const from = logOffset();
    const issued = ticket(
      await ask('lea', { strRoomId: 'u.lea.talk', privileges: ['enterRoom', 'sendAudio'] }),
      'lea',
    );
    expectRefused(await ask('lea', { strRoomId: 'u.max.talk' }), 403, 'ROOM_FORBIDDEN');
    const record = JSON.parse(
      await waitForLog((text) => text.includes('"room ticket issued"') && text.includes('"u.lea.talk"'), {
        from,
      }),
    );
    expect(record).toMatchObject({
      level: 'info',
      userId: 'lea',
      strRoomId: 'u.lea.talk',
      privilegeMap: 0x06,
      privileges: ['enterRoom', 'sendAudio'],
      expiresAt: issued.expiresAt,
      version: 2,
      grantedBy: ['rules'],
    });
    const refusal = JSON.parse(
      await waitForLog((text) => text.includes('"room ticket refused"') && text.includes('"u.max.talk"'), {
        from,
      }),
    );
    expect(refusal).toMatchObject({
      level: 'warn',
      userId: 'lea',
      strRoomId: 'u.max.talk',
      code: 'ROOM_FORBIDDEN',
    });
  });
});
