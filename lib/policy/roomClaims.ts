import { isSessionRole } from '../session/isSessionRole';
import { PolicyError } from './PolicyError';
import { parseRoomPattern, type RoomPattern } from './roomPattern';

// The `claims` kind of the room policy: the session names the rooms its user may enter. The claim's
// JSON types say which kind of room an entry names, exactly as in a request: a JSON number is a numeric
// room (`roomId`), a JSON string a string room (`strRoomId`); `"1234"` is the string room, never the
// numeric one. Accepted forms (see the README, "Room policy"):
//
//   {"class-42": "anchor", "lobby": "audience"}        string rooms (or patterns) -> role
//   ["lobby", 1234, "u.alice.*"]                       rooms taking the session's role
//   [{"strRoomId": "class-42", "role": "anchor"}, {"roomId": 1234}]
//
// or any of these as a JSON text (identity providers such as Cognito only carry string claims). Any
// other shape, an unknown field, a bad room or role refuses the whole request: a malformed claim never
// grants, and never counts as "no claim" either.

/** One room the claim grants: a pattern and its role (`undefined`: the session's role). */
export interface RoomClaimEntry {
  readonly pattern: RoomPattern;
  readonly role: string | undefined;
}

/** More entries than any session needs; an 8 KB session token cannot carry many more anyway. */
const MAX_ENTRIES = 100;
const MAX_ROOM_ID = 4_294_967_294;

function malformed(why: string): PolicyError {
  return new PolicyError('ROOM_FORBIDDEN', `the session's rooms claim is malformed: ${why}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function stringRoom(source: unknown, where: string): RoomPattern {
  const pattern = parseRoomPattern('strRoomId', source as string, { templates: false });
  if (typeof pattern === 'string') throw malformed(`${where} ${pattern}`);
  return pattern;
}

function numericRoom(value: unknown, where: string): RoomPattern {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_ROOM_ID) {
    throw malformed(`${where} must be a room id from 1 to ${MAX_ROOM_ID}`);
  }
  return Object.freeze({
    kind: 'roomId',
    parts: Object.freeze([String(value)]),
    prefix: false,
    source: String(value),
  });
}

function role(value: unknown, where: string): string {
  if (!isSessionRole(value)) throw malformed(`${where} must be a role name (1-32 of A-Z a-z 0-9 _ -)`);
  return value;
}

function entryOf(item: unknown, index: number): RoomClaimEntry {
  const where = `entry ${index}`;
  if (typeof item === 'string') return { pattern: stringRoom(item, where), role: undefined };
  if (typeof item === 'number') return { pattern: numericRoom(item, where), role: undefined };
  if (!isPlainObject(item)) throw malformed(`${where} must be a string room, a room id or an object`);
  const keys = Object.keys(item);
  if (keys.some((key) => key !== 'strRoomId' && key !== 'roomId' && key !== 'role')) {
    throw malformed(`${where} may only have strRoomId or roomId, and role`);
  }
  const hasString = Object.hasOwn(item, 'strRoomId');
  if (hasString === Object.hasOwn(item, 'roomId'))
    throw malformed(`${where} must have exactly one of strRoomId and roomId`);
  const pattern = hasString
    ? stringRoom(item.strRoomId, `${where} strRoomId`)
    : numericRoom(item.roomId, `${where} roomId`);
  return { pattern, role: Object.hasOwn(item, 'role') ? role(item.role, `${where} role`) : undefined };
}

/**
 * Reads the rooms claim of a session (its raw JSON value; `undefined` when the token has none) into
 * entries. An absent claim and an empty one (`{}`, `[]`) grant nothing.
 *
 * @throws {PolicyError} `ROOM_FORBIDDEN` for any malformed claim: the request is refused.
 *
 * @example
 * ```ts
 * parseRoomClaim({ 'class-42': 'anchor' }); // [{ pattern: <strRoomId class-42>, role: 'anchor' }]
 * parseRoomClaim([1234, 'lobby']); // the numeric room 1234 and the string room lobby, session role
 * parseRoomClaim(['lobby', null]); // throws ROOM_FORBIDDEN (entry 1 is malformed)
 * ```
 */
export function parseRoomClaim(value: unknown): readonly RoomClaimEntry[] {
  if (value === undefined) return [];
  let claim = value;
  if (typeof claim === 'string') {
    try {
      claim = JSON.parse(claim);
    } catch {
      throw malformed('a string claim must be JSON text');
    }
    if (typeof claim === 'string') throw malformed('must be an object or an array');
  }
  if (Array.isArray(claim)) {
    if (claim.length > MAX_ENTRIES) throw malformed(`must have at most ${MAX_ENTRIES} entries`);
    return claim.map(entryOf);
  }
  if (!isPlainObject(claim)) throw malformed('must be an object or an array');
  const entries = Object.entries(claim);
  if (entries.length > MAX_ENTRIES) throw malformed(`must have at most ${MAX_ENTRIES} entries`);
  return entries.map(([room, roleName], index) => ({
    pattern: stringRoom(room, `room ${index}`),
    role: role(roleName, `the role of room ${index}`),
  }));
}
