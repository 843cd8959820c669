import { describe, expect, it } from 'vitest';
import { parseRoom } from '../../lib/policy/parseRoom';
import { expectPolicyError } from './expectPolicyError';

// TRTC's 89-character string room set.
const STR_ROOM_CHARS =
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !#$%&()+-:;<=.>?@[]^_{}|~,';

describe('parseRoom', () => {
  it('accepts numeric rooms 1 and 4294967294', () => {
    expect(parseRoom({ roomId: 1 })).toEqual({ roomId: 1 });
    expect(parseRoom({ roomId: 4_294_967_294 })).toEqual({ roomId: 4_294_967_294 });
  });

  it.each([
    0,
    -1,
    4_294_967_295,
    2 ** 32,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    '123',
    null,
    true,
    [1],
  ])('refuses the numeric room %j', (roomId) => {
    expectPolicyError(() => parseRoom({ roomId }), 'INVALID_ROOM');
  });

  it('keeps a string of digits as a string room: never converted', () => {
    expect(parseRoom({ strRoomId: '123' })).toEqual({ strRoomId: '123' });
  });

  it('has exactly 89 allowed characters, all accepted', () => {
    expect(STR_ROOM_CHARS).toHaveLength(89);
    expect(new Set(STR_ROOM_CHARS).size).toBe(89);
    for (const char of STR_ROOM_CHARS) expect(parseRoom({ strRoomId: char })).toEqual({ strRoomId: char });
    expect(parseRoom({ strRoomId: 'class-2024_09.A' })).toEqual({ strRoomId: 'class-2024_09.A' });
  });

  it('accepts 64 bytes and refuses 65', () => {
    expect(parseRoom({ strRoomId: 'r'.repeat(64) })).toEqual({ strRoomId: 'r'.repeat(64) });
    expectPolicyError(() => parseRoom({ strRoomId: 'r'.repeat(65) }), 'INVALID_ROOM');
  });

  it('refuses an empty string room (the official libraries disagree on it)', () => {
    expectPolicyError(() => parseRoom({ strRoomId: '' }), 'INVALID_ROOM');
  });

  it.each([
    'a/b',
    'a*b',
    'a"b',
    "a'b",
    'a\\b',
    'a`b',
    'a\nb',
    'a\tb',
    'a\u0000b',
    'é',
    '房间',
    '😀',
    'a\uD800',
  ])('refuses the forbidden character in %j', (strRoomId) => {
    expectPolicyError(() => parseRoom({ strRoomId }), 'INVALID_ROOM');
  });

  it('refuses non-string string rooms', () => {
    for (const strRoomId of [123, null, ['a'], { a: 1 }]) {
      expectPolicyError(() => parseRoom({ strRoomId }), 'INVALID_ROOM');
    }
  });

  it('requires exactly one of roomId and strRoomId', () => {
    expectPolicyError(() => parseRoom({}), 'INVALID_ROOM');
    expectPolicyError(() => parseRoom({ roomId: 1, strRoomId: '1' }), 'INVALID_ROOM');
    expectPolicyError(() => parseRoom({ roomId: null, strRoomId: 'a' }), 'INVALID_ROOM');
  });

  it('does not echo the value in its message', () => {
    const error = expectPolicyError(() => parseRoom({ strRoomId: 'evil"/quote' }), 'INVALID_ROOM');
    expect(error.message).not.toContain('evil');
  });
});
