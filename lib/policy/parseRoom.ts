import { PolicyError } from './PolicyError';

/**
 * A TRTC room: numeric or string id, never both. `123` and `"123"` are different rooms.
 *
 * @example
 * ```ts
 * const numeric: Room = { roomId: 10000 };
 * const named: Room = { strRoomId: 'class-2024_09.A' };
 * ```
 */
export type Room =
  | { readonly roomId: number; readonly strRoomId?: never }
  | { readonly strRoomId: string; readonly roomId?: never };

/** TRTC's documented numeric range (the dart/TRTCSwitchRoomConfig docs): 1 .. 2^32 - 2. */
const MAX_ROOM_ID = 4_294_967_294;
// TRTC's 89-character string room set, 1..64 characters. All ASCII, so characters are bytes, and the
// userbuf bytes are the same in every official library (they disagree on non-ASCII ids).
const STR_ROOM_ID = /^[A-Za-z0-9 !#$%&()+\-:;<=.>?@[\]^_{}|~,]{1,64}$/;

/**
 * Reads the room of a privateMapKey request: exactly one of `roomId` (an integer from 1 to
 * 4294967294) or `strRoomId` (1 to 64 characters from TRTC's set: letters, digits, space and
 * `! # $ % & ( ) + - : ; < = . > ? @ [ ] ^ _ { } | ~ ,`).
 *
 * Values are never converted: a string of digits in `roomId` is refused rather than read as a number,
 * since a numeric room and the string room of the same digits are different rooms.
 *
 * @throws {TypeError} when `body` is not an object.
 * @throws {PolicyError} `INVALID_ROOM` (400) for none, both, or a value outside the rules; `null`
 * counts as given.
 *
 * @example
 * ```ts
 * parseRoom({ roomId: 10000 }); // { roomId: 10000 }
 * parseRoom({ strRoomId: 'lesson 7' }); // { strRoomId: 'lesson 7' }
 * parseRoom({ roomId: '10000' }); // throws INVALID_ROOM
 * ```
 */
export function parseRoom(body: Readonly<{ roomId?: unknown; strRoomId?: unknown }>): Room {
  if (typeof body !== 'object' || body === null) throw new TypeError('body must be an object');
  const { roomId, strRoomId } = body;
  if ((roomId === undefined) === (strRoomId === undefined)) {
    throw new PolicyError('INVALID_ROOM', 'give exactly one of roomId and strRoomId');
  }
  if (roomId !== undefined) {
    if (typeof roomId !== 'number' || !Number.isInteger(roomId) || roomId < 1 || roomId > MAX_ROOM_ID) {
      throw new PolicyError('INVALID_ROOM', `roomId must be a whole number from 1 to ${MAX_ROOM_ID}`);
    }
    return { roomId };
  }
  if (typeof strRoomId !== 'string' || !STR_ROOM_ID.test(strRoomId)) {
    throw new PolicyError(
      'INVALID_ROOM',
      'strRoomId must be 1 to 64 characters of letters, digits, space and !#$%&()+-:;<=.>?@[]^_{}|~,',
    );
  }
  return { strRoomId };
}
