import { describe, expect, it } from 'vitest';
import { answerCallRoom, CALLEE_PRIVILEGES } from '../../lib/roomHook/answerCallRoom';

const ask = (userId: unknown, strRoomId: unknown, extra: Record<string, unknown> = {}) =>
  answerCallRoom({ version: 1, userId, role: null, strRoomId, privileges: null, claims: {}, ...extra });

describe('answerCallRoom (the example hook)', () => {
  it('lets the callee of call.<caller>.<callee> in, with audio and video but no screen share or create', () => {
    expect(ask('bob', 'call.alice.bob')).toEqual({ allow: true, privileges: CALLEE_PRIVILEGES });
    expect(CALLEE_PRIVILEGES).toEqual([
      'enterRoom',
      'sendAudio',
      'receiveAudio',
      'sendVideo',
      'receiveVideo',
    ]);
    expect(ask('bob_2', 'call.alice_1.bob_2').allow).toBe(true);
  });

  it('denies the caller (a rule grants them), third parties, and users whose id only overlaps', () => {
    for (const [userId, room] of [
      ['alice', 'call.alice.bob'],
      ['eve', 'call.alice.bob'],
      ['bo', 'call.alice.bob'],
      ['bob', 'call.alice.bob2'],
      ['bob', 'call.bob.bob'],
      ['bob', 'call.alice.x.bob'],
      ['bob', 'Call.alice.bob'],
      ['bob', 'lobby'],
    ]) {
      expect(ask(userId, room), `${userId} in ${room}`).toEqual({ allow: false });
    }
  });

  it('denies numeric rooms and questions it does not understand', () => {
    expect(answerCallRoom({ version: 1, userId: 'bob', roomId: 1 })).toEqual({ allow: false });
    for (const question of [
      null,
      [],
      'bob',
      { version: 2, userId: 'bob', strRoomId: 'call.alice.bob' },
      { userId: 'bob', strRoomId: 'call.alice.bob' },
    ]) {
      expect(answerCallRoom(question)).toEqual({ allow: false });
    }
    expect(ask(7, 'call.alice.bob')).toEqual({ allow: false });
  });
});
