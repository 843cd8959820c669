import { answerCallRoom, type HookAnswerJson } from '../lib/roomHook/answerCallRoom';
import { logger } from '../lib/runtime/coldStart';

// The example room hook (ROOM_POLICY=hook, ROOM_HOOK_FUNCTION): invoked by the privateMapKey function
// with the Lambda Invoke API, never routed. It lets the callee of a 1:1 call room in (see
// lib/roomHook/answerCallRoom.ts). Replace it with your app's own function of the same contract.

/**
 * Answers one room question (`{ version: 1, userId, role, roomId | strRoomId, privileges, claims }`).
 *
 * @example
 * ```ts
 * await handler({ version: 1, userId: 'bob', role: null, strRoomId: 'call.alice.bob', privileges: null, claims: {} });
 * ```
 */
export async function handler(question: unknown): Promise<HookAnswerJson> {
  const answer = answerCallRoom(question);
  logger.info('room hook answered', { allow: answer.allow });
  return answer;
}
