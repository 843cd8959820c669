// What a principal may get: pure policy decisions, configuration passed in. No I/O, no clock (the room
// hook is an injected function).

export { assertCosMethod } from './assertCosMethod';
export { assertSameUser, requireTencentUserId } from './assertSameUser';
export {
  type AskRoomHook,
  createRoomPolicy,
  type RoomAccess,
  type RoomAccessRequest,
  type RoomHookAnswer,
  type RoomHookQuestion,
  type RoomPolicy,
  type RoomPolicyKind,
  type RoomPolicySettings,
} from './createRoomPolicy';
export { PolicyError, type PolicyErrorCode } from './PolicyError';
export { parseRoom, type Room } from './parseRoom';
export { resolveExpiry } from './resolveExpiry';
export { parseRoomClaim, type RoomClaimEntry } from './roomClaims';
export { parseRoomPattern, type RoomPattern, roomMatches } from './roomPattern';
export {
  ENTER_ROOM,
  isRoomPrivilege,
  privilegeMask,
  privilegeNames,
  ROOM_PRIVILEGE_NAMES,
  ROOM_PRIVILEGES,
  type RoomPrivilege,
} from './roomPrivileges';
export { parseRoomRules, type RoomRule } from './roomRules';
export { type ScopeCosKeyInput, scopeCosKey } from './scopeCosKey';
