import { describe, expect, it } from 'vitest';
import { roomMatches } from '../../lib/policy/roomPattern';
import { parseRoomRules } from '../../lib/policy/roomRules';

const roles = ['anchor', 'audience'];

function problemsOf(json: unknown): readonly string[] {
  const result = parseRoomRules(json, roles);
  return 'problems' in result ? result.problems : [];
}

describe('parseRoomRules', () => {
  it('compiles string and numeric rules with their roles', () => {
    const result = parseRoomRules(
      [
        { strRoomId: 'u.{userId}.*', role: 'anchor' },
        { roomId: '{userId}', role: 'anchor' },
        { strRoomId: 'lobby', role: 'audience' },
      ],
      roles,
    );
    if (!('rules' in result)) throw new Error(result.problems.join('; '));
    const [own, numeric, lobby] = result.rules;
    expect(own?.role).toBe('anchor');
    expect(own && roomMatches(own.pattern, { strRoomId: 'u.bob.1' }, 'bob')).toBe(true);
    expect(numeric && roomMatches(numeric.pattern, { roomId: 42 }, '42')).toBe(true);
    expect(lobby && roomMatches(lobby.pattern, { roomId: 42 }, 'lobby')).toBe(false);
  });

  it('accepts an empty list (the rules kind then grants nothing)', () => {
    expect(parseRoomRules([], roles)).toEqual({ rules: [] });
  });

  it('names every bad rule by position: shape, kind, pattern, role', () => {
    const problems = problemsOf([
      { strRoomId: 'u_{userId}_*', role: 'anchor' },
      { strRoomId: 'ok', roomId: '1', role: 'anchor' },
      { strRoomId: 'ok' },
      { strRoomId: 'ok', role: 'director' },
      { roomId: 12, role: 'anchor' },
      { strRoomId: 'ok', role: 'anchor', note: 'x' },
      'lobby',
    ]);
    expect(problems).toEqual([
      expect.stringMatching(/^rule 0 strRoomId must follow \{userId\}/),
      'rule 1 must have exactly one of strRoomId and roomId, and role',
      'rule 2 role must name a role of ROOM_ROLES',
      'rule 3 role must name a role of ROOM_ROLES',
      'rule 4 roomId must be a string',
      'rule 5 must have exactly one of strRoomId and roomId, and role',
      'rule 6 must be an object { strRoomId | roomId, role }',
    ]);
  });

  it('refuses anything but an array, and more than 100 rules', () => {
    for (const json of [undefined, null, {}, 'lobby']) {
      expect(problemsOf(json)).toEqual(['must be a JSON array of rules']);
    }
    expect(problemsOf(Array.from({ length: 101 }, () => ({ strRoomId: 'a', role: 'anchor' })))).toEqual([
      'must have at most 100 rules',
    ]);
  });

  it('does not find a role through Object.prototype', () => {
    expect(problemsOf([{ strRoomId: 'a', role: 'constructor' }])).toEqual([
      'rule 0 role must name a role of ROOM_ROLES',
    ]);
  });
});
