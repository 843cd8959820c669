import type { Room } from './parseRoom';

// Room patterns of the room policy (claims and rules). A pattern belongs to one room kind, named by the
// request field it matches: `roomId` (numeric rooms, matched on their decimal text) or `strRoomId`
// (string rooms). The kind is never inferred from the text: TRTC's string room alphabet contains every
// character a prefix such as `#1234` or `num:1234` would use, so only the JSON field (or JSON type)
// can tell a numeric room from a string room of the same digits.
//
// Syntax: literal characters, an optional trailing `*` (any suffix, the empty one included), and in
// rules only, `{userId}` placeholders. A placeholder must be followed by the end of the pattern or by a
// separator that cannot occur in a Tencent user id (anything but `[A-Za-z0-9_-]`): then the first
// separator after the placeholder ends the user id, so one pattern can match a room for at most one user
// (`u.{userId}.*` gives alice `u.alice.x`, never `u.alice_2.x`). `u_{userId}_*` is refused: for alice
// it would also match `u_alice_2_x`, a room of user `alice_2`.

/** A parsed pattern. `parts` are literal strings and {@link USER_ID} placeholders, in order. */
export interface RoomPattern {
  readonly kind: 'roomId' | 'strRoomId';
  readonly parts: readonly (string | typeof USER_ID)[];
  /** True when the pattern ends with `*`. */
  readonly prefix: boolean;
  /** The pattern as written, for messages and the audit log. */
  readonly source: string;
}

/** The `{userId}` placeholder in {@link RoomPattern.parts}. */
export const USER_ID: unique symbol = Symbol('userId');

const PLACEHOLDER = '{userId}';
/** TRTC's string room characters (see parseRoom.ts), `*` excluded: it is never part of a room id. */
const STR_ROOM_CHAR = /^[A-Za-z0-9 !#$%&()+\-:;<=.>?@[\]^_{}|~,]$/;
const USER_ID_CHAR = /^[A-Za-z0-9_-]$/;
const MAX_PATTERN_LENGTH = 64;
const MAX_ROOM_ID = 4_294_967_294;

/** Options of {@link parseRoomPattern}. */
export interface RoomPatternOptions {
  /** Whether `{userId}` is a placeholder (rules) or, in a string pattern, literal text (claims). */
  readonly templates: boolean;
}

/**
 * Parses one pattern, or returns why it is refused (a sentence that follows the pattern's name).
 *
 * @example
 * ```ts
 * parseRoomPattern('strRoomId', 'u.{userId}.*', { templates: true }); // a RoomPattern
 * parseRoomPattern('strRoomId', 'u_{userId}_*', { templates: true }); // 'must follow {userId} with ...'
 * ```
 */
export function parseRoomPattern(
  kind: RoomPattern['kind'],
  source: string,
  options: RoomPatternOptions,
): RoomPattern | string {
  if (typeof source !== 'string' || source === '') return 'must be a non-empty string';
  if (source.length > MAX_PATTERN_LENGTH + 1)
    return `must be at most ${MAX_PATTERN_LENGTH} characters and a *`;
  const prefix = source.endsWith('*');
  const body = prefix ? source.slice(0, -1) : source;
  if (body.includes('*')) return 'may hold * only at the end';
  if (body.length > MAX_PATTERN_LENGTH) return `must be at most ${MAX_PATTERN_LENGTH} characters and a *`;

  const parts: (string | typeof USER_ID)[] = [];
  let literal = '';
  for (let i = 0; i < body.length; ) {
    if (options.templates && body.startsWith('{', i)) {
      if (!body.startsWith(PLACEHOLDER, i)) return 'may use { } only in {userId}';
      if (literal !== '') parts.push(literal);
      literal = '';
      parts.push(USER_ID);
      i += PLACEHOLDER.length;
      continue;
    }
    const char = body[i] as string;
    if (options.templates && char === '}') return 'may use { } only in {userId}';
    const allowed = kind === 'roomId' ? /^[0-9]$/.test(char) : STR_ROOM_CHAR.test(char);
    if (!allowed) {
      return kind === 'roomId'
        ? 'must be digits (and {userId}, a trailing *)'
        : 'must use only TRTC string room characters (letters, digits, space and !#$%&()+-:;<=.>?@[]^_{}|~,)';
    }
    literal += char;
    i += 1;
  }
  if (literal !== '') parts.push(literal);

  for (const [index, part] of parts.entries()) {
    if (part !== USER_ID) continue;
    const next = parts[index + 1];
    if (kind === 'roomId') {
      // Every digit can belong to a user id: nothing may follow the placeholder in a numeric pattern.
      if (next !== undefined || prefix) return 'may hold {userId} only at the very end (no * after it)';
    } else if (next === undefined ? prefix : next === USER_ID || USER_ID_CHAR.test(next[0] as string)) {
      return 'must follow {userId} with the end of the pattern or a separator that cannot occur in a user id (not A-Z a-z 0-9 _ - or *), e.g. u.{userId}.*';
    }
  }
  if (kind === 'roomId') {
    const first = parts[0];
    if (typeof first === 'string' && first.startsWith('0')) return 'must not start with 0';
    if (!prefix && parts.length === 1 && typeof first === 'string' && Number(first) > MAX_ROOM_ID) {
      return `must be a room id from 1 to ${MAX_ROOM_ID}`;
    }
  }
  return Object.freeze({ kind, parts: Object.freeze(parts), prefix, source });
}

/**
 * Whether `room` matches `pattern` for the user `userId`. A numeric room is matched on its decimal text
 * (`1234`), a string room on its id; a pattern of the other kind never matches.
 *
 * @example
 * ```ts
 * const pattern = parseRoomPattern('strRoomId', 'u.{userId}.*', { templates: true }) as RoomPattern;
 * roomMatches(pattern, { strRoomId: 'u.alice.x' }, 'alice'); // true
 * roomMatches(pattern, { strRoomId: 'u.alice.x' }, 'bob'); // false
 * ```
 */
export function roomMatches(pattern: RoomPattern, room: Room, userId: string): boolean {
  let text: string;
  if (pattern.kind === 'roomId') {
    if (room.roomId === undefined) return false;
    text = String(room.roomId);
  } else {
    if (room.strRoomId === undefined) return false;
    text = room.strRoomId;
  }
  let expanded = '';
  for (const part of pattern.parts) expanded += part === USER_ID ? userId : part;
  return pattern.prefix ? text.startsWith(expanded) : text === expanded;
}
