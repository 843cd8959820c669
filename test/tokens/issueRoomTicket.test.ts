import { describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/log/logger';
import { createRoomPolicy, type RoomHookQuestion } from '../../lib/policy/createRoomPolicy';
import { PolicyError } from '../../lib/policy/PolicyError';
import { RoomHookError } from '../../lib/roomHook/RoomHookError';
import type { Principal } from '../../lib/session/Principal';
import { issueRoomTicket } from '../../lib/tokens/issueRoomTicket';
import { config, NOW, trtcSecret } from './fixtures';

// Every room ticket issued, and every refusal, leaves one audit record: who, which room, what, until when.

function setup(askHook?: (question: RoomHookQuestion) => Promise<{ allow: boolean; privileges: [] }>) {
  const lines: string[] = [];
  const log = createLogger({ level: 'info', write: (line) => lines.push(line) });
  const roomPolicy = createRoomPolicy(
    {
      kinds: askHook === undefined ? ['claims'] : ['claims', 'hook'],
      claim: 'trtc_rooms',
      rules: [],
      hookClaims: [],
      roles: config.rooms.roles,
      defaultRole: 'audience',
    },
    askHook === undefined ? {} : { askHook },
  );
  const principal: Principal = { userId: 'alice', claims: { trtc_rooms: { 'class-42': 'anchor' } } };
  const issue = (body: unknown) =>
    issueRoomTicket({ body, principal, secret: trtcSecret, config, roomPolicy, now: NOW, log });
  return { issue, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>), lines };
}

describe('issueRoomTicket', () => {
  it('audits an issued ticket with user, room, privileges, expiry, version and granting kind, never the ticket', async () => {
    const { issue, records, lines } = setup();
    const response = await issue({
      strRoomId: 'class-42',
      privileges: ['enterRoom', 'sendAudio'],
      expire: 600,
    });
    expect(records()).toEqual([
      {
        level: 'info',
        time: expect.any(String),
        message: 'room ticket issued',
        userId: 'alice',
        strRoomId: 'class-42',
        privilegeMap: 0x06,
        privileges: ['enterRoom', 'sendAudio'],
        expiresAt: NOW + 600,
        version: 2,
        grantedBy: ['claims'],
      },
    ]);
    expect(lines.join('\n')).not.toContain(response.privateMapKey);
    expect(response).not.toHaveProperty('grantedBy');
  });

  it('audits each refusal with its code and the room when the body names a valid one, then rethrows', async () => {
    const { issue, records } = setup();
    const refusals: [unknown, string, Record<string, unknown>][] = [
      [{ strRoomId: 'bob-private-1on1' }, 'ROOM_FORBIDDEN', { strRoomId: 'bob-private-1on1' }],
      [{ roomId: 7 }, 'ROOM_FORBIDDEN', { roomId: 7 }],
      [
        { strRoomId: 'class-42', privileges: ['sendAudio'] },
        'ENTER_ROOM_REQUIRED',
        { strRoomId: 'class-42' },
      ],
      [{ strRoomId: 'a/b' }, 'INVALID_ROOM', {}],
      [{ strRoomId: 'class-42', shoeSize: 44 }, 'INVALID_REQUEST', { strRoomId: 'class-42' }],
      [{ strRoomId: 'class-42', userId: 'bob' }, 'USER_MISMATCH', { strRoomId: 'class-42' }],
    ];
    for (const [body, code] of refusals) {
      await expect(issue(body)).rejects.toMatchObject({ code });
    }
    expect(records()).toEqual(
      refusals.map(([, code, room]) => ({
        level: 'warn',
        time: expect.any(String),
        message: 'room ticket refused',
        userId: 'alice',
        ...room,
        code,
      })),
    );
  });

  it('audits a hook failure as ROOM_HOOK_UNAVAILABLE', async () => {
    const { issue, records } = setup(async () => {
      throw new RoomHookError('TIMEOUT', 'late', { retryAfterSeconds: 1 });
    });
    await expect(issue({ roomId: 9 })).rejects.toBeInstanceOf(RoomHookError);
    expect(records()).toEqual([
      expect.objectContaining({ message: 'room ticket refused', roomId: 9, code: 'ROOM_HOOK_UNAVAILABLE' }),
    ]);
  });

  it('passes policy errors through unchanged', async () => {
    const { issue } = setup();
    await expect(issue({ roomId: 7 })).rejects.toBeInstanceOf(PolicyError);
  });
});
