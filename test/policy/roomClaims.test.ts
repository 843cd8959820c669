import { describe, expect, it } from 'vitest';
import type { Room } from '../../lib/policy/parseRoom';
import { parseRoomClaim } from '../../lib/policy/roomClaims';
import { roomMatches } from '../../lib/policy/roomPattern';
import { expectPolicyError } from './expectPolicyError';

/** The entries of a claim that match `room` for `userId`, as [role] (undefined: the session's). */
const matching = (claim: unknown, room: Room, userId = 'alice') =>
  parseRoomClaim(claim)
    .filter((entry) => roomMatches(entry.pattern, room, userId))
    .map((entry) => entry.role);

describe('parseRoomClaim', () => {
  it('reads the object form: string rooms (or patterns) -> role', () => {
    const claim = { 'class-42': 'anchor', lobby: 'audience', 'u.alice.*': 'anchor' };
    expect(matching(claim, { strRoomId: 'class-42' })).toEqual(['anchor']);
    expect(matching(claim, { strRoomId: 'lobby' })).toEqual(['audience']);
    expect(matching(claim, { strRoomId: 'u.alice.rehearsal' })).toEqual(['anchor']);
    expect(matching(claim, { strRoomId: 'class-43' })).toEqual([]);
  });

  it('reads the list form: strings are string rooms, numbers numeric rooms, both with the session role', () => {
    const claim = ['lobby', 1234, 'class-*'];
    expect(matching(claim, { strRoomId: 'lobby' })).toEqual([undefined]);
    expect(matching(claim, { roomId: 1234 })).toEqual([undefined]);
    expect(matching(claim, { strRoomId: 'class-7' })).toEqual([undefined]);
  });

  it('reads entry objects that name the room kind by its request field, with an optional role', () => {
    const claim = [
      { strRoomId: 'class-42', role: 'anchor' },
      { roomId: 1234 },
      { roomId: 99, role: 'audience' },
    ];
    expect(matching(claim, { strRoomId: 'class-42' })).toEqual(['anchor']);
    expect(matching(claim, { roomId: 1234 })).toEqual([undefined]);
    expect(matching(claim, { roomId: 99 })).toEqual(['audience']);
  });

  it('never confuses a numeric room with the string room of the same digits', () => {
    expect(matching({ '1234': 'anchor' }, { roomId: 1234 })).toEqual([]);
    expect(matching({ '1234': 'anchor' }, { strRoomId: '1234' })).toEqual(['anchor']);
    expect(matching(['1234'], { roomId: 1234 })).toEqual([]);
    expect(matching([1234], { strRoomId: '1234' })).toEqual([]);
    expect(matching([{ roomId: 1234 }], { strRoomId: '1234' })).toEqual([]);
    // No text prefix turns a string into a numeric room: "#1234" is a legal TRTC string room.
    expect(matching(['#1234', 'num:1234'], { roomId: 1234 })).toEqual([]);
    expect(matching(['#1234'], { strRoomId: '#1234' })).toEqual([undefined]);
  });

  it('accepts each form as JSON text, for identity providers whose custom claims are strings', () => {
    expect(matching('{"class-42":"anchor"}', { strRoomId: 'class-42' })).toEqual(['anchor']);
    expect(matching('[1234]', { roomId: 1234 })).toEqual([undefined]);
  });

  it('grants nothing for an absent or empty claim', () => {
    for (const claim of [undefined, {}, [], '[]', '{}']) expect(parseRoomClaim(claim)).toEqual([]);
  });

  it('refuses malformed claims as a whole (ROOM_FORBIDDEN), never granting what the valid part names', () => {
    const malformed: unknown[] = [
      null,
      true,
      1234,
      'lobby',
      '"lobby"',
      '[1234',
      ['lobby', null],
      ['lobby', ['nested']],
      ['lobby', true],
      [0],
      [1.5],
      [4_294_967_295],
      [-1],
      [{ strRoomId: 'a', roomId: 1 }],
      [{}],
      [{ strRoomId: 'a', role: 'anchor', extra: 1 }],
      [{ roomId: '1234' }],
      [{ strRoomId: 1234 }],
      [{ strRoomId: 'a', role: 7 }],
      [{ strRoomId: 'a', role: 'not a role' }],
      { lobby: 1 },
      { lobby: ['anchor'] },
      { lobby: null },
      { lobby: '' },
      { 'a/b': 'anchor' },
      { '': 'anchor' },
      ['a*b'],
      Array.from({ length: 101 }, (_, i) => `room-${i}`),
    ];
    for (const claim of malformed) {
      const error = expectPolicyError(() => parseRoomClaim(claim), 'ROOM_FORBIDDEN');
      expect(error.message).toMatch(/rooms claim is malformed/);
    }
  });

  it('refuses non-ASCII rooms, which TRTC string rooms cannot hold (no lookalike reaches a match)', () => {
    for (const claim of [
      ['лобби'],
      { lobbу: 'anchor' },
      ['ｌｏｂｂｙ'],
      ['room😀'],
      ['café'],
      [{ strRoomId: 'ŀobby' }],
    ]) {
      expectPolicyError(() => parseRoomClaim(claim), 'ROOM_FORBIDDEN');
    }
  });

  it('names the bad entry by position, never by its text', () => {
    const error = expectPolicyError(() => parseRoomClaim(['lobby', 'secret/room']), 'ROOM_FORBIDDEN');
    expect(error.message).toContain('entry 1');
    expect(error.message).not.toContain('secret/room');
  });

  it('keeps a room named like an Object.prototype member as a plain room', () => {
    const claim = JSON.parse('{"__proto__":"anchor","constructor":"audience"}') as unknown;
    expect(matching(claim, { strRoomId: '__proto__' })).toEqual(['anchor']);
    expect(matching(claim, { strRoomId: 'constructor' })).toEqual(['audience']);
  });
});
