import { parseRoomPattern, type RoomPattern } from './roomPattern';

// The `rules` kind of the room policy: room name templates from configuration (ROOM_RULES), matched
// against the caller, each with the role it gives. `{"strRoomId": "u.{userId}.*", "role": "anchor"}`
// makes every user an anchor of the string rooms named after them; `{"roomId": "{userId}", ...}` the
// numeric room equal to a numeric user id; `{"strRoomId": "lobby", "role": "audience"}` lets everyone
// watch the lobby. See roomPattern.ts for the syntax and why `{userId}` needs a separator after it.

/** One compiled rule. */
export interface RoomRule {
  readonly pattern: RoomPattern;
  readonly role: string;
}

const MAX_RULES = 100;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Compiles the rules of `ROOM_RULES` (already JSON-parsed). Every rule is checked: its room kind, its
 * pattern, and its role, which must be one of `roles`.
 *
 * @returns the rules, or the list of problems (each naming the rule by position, never quoting it).
 *
 * @example
 * ```ts
 * parseRoomRules([{ strRoomId: 'u.{userId}.*', role: 'anchor' }], ['anchor', 'audience']); // { rules: [...] }
 * parseRoomRules([{ strRoomId: 'u_{userId}_*', role: 'anchor' }], ['anchor']); // { problems: ['rule 0 ...'] }
 * ```
 */
export function parseRoomRules(
  json: unknown,
  roles: readonly string[],
): { readonly rules: readonly RoomRule[] } | { readonly problems: readonly string[] } {
  if (!Array.isArray(json)) return { problems: ['must be a JSON array of rules'] };
  if (json.length > MAX_RULES) return { problems: [`must have at most ${MAX_RULES} rules`] };
  const problems: string[] = [];
  const rules: RoomRule[] = [];
  json.forEach((rule: unknown, index) => {
    const where = `rule ${index}`;
    if (!isPlainObject(rule)) {
      problems.push(`${where} must be an object { strRoomId | roomId, role }`);
      return;
    }
    const keys = Object.keys(rule);
    const kinds = keys.filter((key) => key === 'strRoomId' || key === 'roomId');
    if (kinds.length !== 1 || keys.some((key) => key !== 'role' && key !== kinds[0])) {
      problems.push(`${where} must have exactly one of strRoomId and roomId, and role`);
      return;
    }
    const kind = kinds[0] as 'strRoomId' | 'roomId';
    const source = rule[kind];
    const pattern =
      typeof source === 'string' ? parseRoomPattern(kind, source, { templates: true }) : 'must be a string';
    if (typeof pattern === 'string') problems.push(`${where} ${kind} ${pattern}`);
    const role = rule.role;
    if (typeof role !== 'string' || !roles.includes(role)) {
      problems.push(`${where} role must name a role of ROOM_ROLES`);
    }
    if (typeof pattern !== 'string' && typeof role === 'string' && roles.includes(role)) {
      rules.push(Object.freeze({ pattern, role }));
    }
  });
  return problems.length > 0 ? { problems } : { rules };
}
