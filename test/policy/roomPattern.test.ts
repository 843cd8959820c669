import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Room } from '../../lib/policy/parseRoom';
import { parseRoomPattern, type RoomPattern, roomMatches } from '../../lib/policy/roomPattern';

const rule = (kind: RoomPattern['kind'], source: string) => {
  const pattern = parseRoomPattern(kind, source, { templates: true });
  if (typeof pattern === 'string') throw new Error(`${source}: ${pattern}`);
  return pattern;
};
const literal = (source: string) => {
  const pattern = parseRoomPattern('strRoomId', source, { templates: false });
  if (typeof pattern === 'string') throw new Error(`${source}: ${pattern}`);
  return pattern;
};
const refusal = (kind: RoomPattern['kind'], source: string, templates = true) => {
  const result = parseRoomPattern(kind, source, { templates });
  expect(typeof result, `${source} is refused`).toBe('string');
  return result as string;
};

describe('parseRoomPattern', () => {
  it('accepts exact rooms, trailing-* prefixes and {userId} placeholders followed by a separator', () => {
    expect(rule('strRoomId', 'lobby')).toMatchObject({ parts: ['lobby'], prefix: false });
    expect(rule('strRoomId', 'class-*')).toMatchObject({ parts: ['class-'], prefix: true });
    expect(rule('strRoomId', '*')).toMatchObject({ parts: [], prefix: true });
    expect(rule('strRoomId', 'u.{userId}.*').parts).toHaveLength(3);
    expect(rule('strRoomId', 'home {userId}').prefix).toBe(false);
    expect(rule('strRoomId', 'call:{userId}:{userId}').parts).toHaveLength(4);
    expect(rule('roomId', '1234')).toMatchObject({ parts: ['1234'], prefix: false });
    expect(rule('roomId', '9{userId}').parts).toHaveLength(2);
    expect(rule('roomId', '100*')).toMatchObject({ parts: ['100'], prefix: true });
  });

  it('refuses a {userId} that another user id could continue', () => {
    for (const source of [
      'u_{userId}_*',
      'u-{userId}-x',
      '{userId}*',
      'u.{userId}a',
      '{userId}{userId}',
      'x{userId}9',
    ]) {
      expect(refusal('strRoomId', source)).toMatch(/separator/);
    }
    // Every digit could belong to a numeric user id: nothing may follow the placeholder.
    for (const source of ['{userId}1', '{userId}*', '1{userId}2']) {
      expect(refusal('roomId', source)).toMatch(/very end/);
    }
  });

  it('refuses * anywhere but the end, stray braces, characters TRTC rooms cannot hold, and bad numbers', () => {
    expect(refusal('strRoomId', 'a*b')).toMatch(/only at the end/);
    expect(refusal('strRoomId', '**')).toMatch(/only at the end/);
    expect(refusal('strRoomId', 'a{user}b')).toMatch(/\{userId\}/);
    expect(refusal('strRoomId', 'a}b')).toMatch(/\{userId\}/);
    for (const source of ['a/b', 'quote"d', "it's", 'back\\slash', 'tab\t', 'lobbу', '房间', '']) {
      refusal('strRoomId', source);
    }
    refusal('strRoomId', 'r'.repeat(65));
    expect(rule('strRoomId', `${'r'.repeat(64)}*`).prefix).toBe(true);
    for (const source of ['12a', '-1', '1.5', '01', '0*', '4294967295', ' 1']) refusal('roomId', source);
    expect(rule('roomId', '4294967294').parts).toEqual(['4294967294']);
  });

  it('reads braces as literal room characters when templates are off (claims)', () => {
    const pattern = literal('{userId}');
    expect(roomMatches(pattern, { strRoomId: '{userId}' }, 'alice')).toBe(true);
    expect(roomMatches(pattern, { strRoomId: 'alice' }, 'alice')).toBe(false);
  });
});

describe('roomMatches', () => {
  it('keeps numeric and string rooms apart, whatever their text', () => {
    const numeric = rule('roomId', '1234');
    const string = rule('strRoomId', '1234');
    expect(roomMatches(numeric, { roomId: 1234 }, 'a')).toBe(true);
    expect(roomMatches(numeric, { strRoomId: '1234' }, 'a')).toBe(false);
    expect(roomMatches(string, { strRoomId: '1234' }, 'a')).toBe(true);
    expect(roomMatches(string, { roomId: 1234 }, 'a')).toBe(false);
    expect(roomMatches(rule('strRoomId', '*'), { roomId: 1 }, 'a')).toBe(false);
    expect(roomMatches(rule('roomId', '*'), { strRoomId: '1' }, 'a')).toBe(false);
  });

  it('matches exactly, or by prefix with a trailing * (the empty suffix included), case-sensitively', () => {
    expect(roomMatches(literal('lobby'), { strRoomId: 'lobby' }, 'a')).toBe(true);
    expect(roomMatches(literal('lobby'), { strRoomId: 'lobby2' }, 'a')).toBe(false);
    expect(roomMatches(literal('lobby'), { strRoomId: 'Lobby' }, 'a')).toBe(false);
    expect(roomMatches(literal('class-*'), { strRoomId: 'class-' }, 'a')).toBe(true);
    expect(roomMatches(literal('class-*'), { strRoomId: 'class-42' }, 'a')).toBe(true);
    expect(roomMatches(literal('class-*'), { strRoomId: 'class' }, 'a')).toBe(false);
    expect(roomMatches(rule('roomId', '100*'), { roomId: 100 }, 'a')).toBe(true);
    expect(roomMatches(rule('roomId', '100*'), { roomId: 1005 }, 'a')).toBe(true);
    expect(roomMatches(rule('roomId', '100*'), { roomId: 10 }, 'a')).toBe(false);
  });

  it('fills {userId} with the caller, so a template gives each user their own rooms only', () => {
    const own = rule('strRoomId', 'u.{userId}.*');
    expect(roomMatches(own, { strRoomId: 'u.alice.x' }, 'alice')).toBe(true);
    expect(roomMatches(own, { strRoomId: 'u.alice_2.x' }, 'alice')).toBe(false);
    expect(roomMatches(own, { strRoomId: 'u.alice.x' }, 'alice_2')).toBe(false);
    expect(roomMatches(own, { strRoomId: 'u.alice2.x' }, 'alice')).toBe(false);
    const numeric = rule('roomId', '{userId}');
    expect(roomMatches(numeric, { roomId: 10023 }, '10023')).toBe(true);
    expect(roomMatches(numeric, { roomId: 10023 }, '1002')).toBe(false);
    expect(roomMatches(numeric, { roomId: 10023 }, '010023')).toBe(false);
    expect(roomMatches(numeric, { roomId: 10023 }, 'alice')).toBe(false);
  });

  it('documents the claim semantics: a literal u_al* covers every room starting with u_al, u_alice2_x included', () => {
    // A claim is what the identity provider signed and is applied as written; only {userId} rules
    // (which a separator bounds) can say "the caller's own rooms".
    expect(roomMatches(literal('u_al*'), { strRoomId: 'u_alice2_x' }, 'al')).toBe(true);
  });
});

describe('a {userId} pattern never matches one room for two users (property)', () => {
  const userId = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
  const separator = fc.constantFrom('.', ':', '@', '#', ' ', '~', '|', '+');
  const text = fc.stringMatching(/^[A-Za-z0-9_.:@#~|+ -]{0,6}$/);
  // Random templates: literal pieces, placeholders, each placeholder followed by a separator or the end.
  const template = fc
    .tuple(
      text,
      fc.array(fc.tuple(separator, text), { minLength: 1, maxLength: 3 }),
      fc.boolean(),
      fc.boolean(),
    )
    .map(([head, pieces, endsWithPlaceholder, star]) => {
      let source = head;
      for (const [sep, tail] of pieces) source += `{userId}${sep}${tail}`;
      if (endsWithPlaceholder) source += '{userId}';
      return endsWithPlaceholder ? source : `${source}${star ? '*' : ''}`;
    });

  it('for random accepted templates, users and rooms built for either user', () => {
    let checked = 0;
    fc.assert(
      fc.property(template, userId, userId, text, fc.boolean(), (source, a, b, suffix, forA) => {
        fc.pre(a !== b);
        const pattern = parseRoomPattern('strRoomId', source, { templates: true });
        if (typeof pattern === 'string') return; // too long, or a refused shape: nothing to match
        // A room the pattern grants to one of the two users, plus anything after a trailing *.
        const owner = forA ? a : b;
        let strRoomId = pattern.parts.map((part) => (typeof part === 'string' ? part : owner)).join('');
        if (pattern.prefix) strRoomId += suffix;
        const room: Room = { strRoomId };
        expect(roomMatches(pattern, room, owner)).toBe(true);
        expect(roomMatches(pattern, room, forA ? b : a)).toBe(false);
        checked++;
      }),
      { numRuns: 2000 },
    );
    expect(checked).toBeGreaterThan(1000);
  });
});
