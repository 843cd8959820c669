import type { RoomPrivilege } from '../policy/roomPrivileges';

// The example room hook's decision (functions/exampleRoomHook.ts), a template for an app's own: 1:1
// calls. The app names a call room `call.<caller>.<callee>`; the rule `call.{userId}.*` lets the caller
// open it, and this hook lets the callee in. `.` cannot occur in a Tencent user id, so the room name
// splits into exactly one caller and one callee. A real app would also check its own records (is there
// a pending call from caller to callee?) before answering allow.

const CALL_ROOM = /^call\.([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]{1,32})$/;

/** What the callee may do: enter, talk and show video; no screen sharing, no creating the room. */
export const CALLEE_PRIVILEGES: readonly RoomPrivilege[] = Object.freeze([
  'enterRoom',
  'sendAudio',
  'receiveAudio',
  'sendVideo',
  'receiveVideo',
]);

/** A hook answer as it travels back (see createLambdaRoomHook.ts). */
export type HookAnswerJson =
  | { readonly allow: false }
  | { readonly allow: true; readonly privileges: readonly RoomPrivilege[] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Answers one room hook question for 1:1 call rooms: allow the callee of `call.<caller>.<callee>` (not
 * the caller calling themselves), deny everything else, including questions it does not understand.
 *
 * @example
 * ```ts
 * answerCallRoom({ version: 1, userId: 'bob', strRoomId: 'call.alice.bob' }); // { allow: true, privileges: [...] }
 * answerCallRoom({ version: 1, userId: 'eve', strRoomId: 'call.alice.bob' }); // { allow: false }
 * ```
 */
export function answerCallRoom(question: unknown): HookAnswerJson {
  if (!isRecord(question) || question.version !== 1) return { allow: false };
  const { userId, strRoomId } = question;
  if (typeof userId !== 'string' || typeof strRoomId !== 'string') return { allow: false };
  const match = CALL_ROOM.exec(strRoomId);
  if (match === null || match[2] !== userId || match[1] === userId) return { allow: false };
  return { allow: true, privileges: CALLEE_PRIVILEGES };
}
