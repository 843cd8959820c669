// What a principal may get: pure policy decisions, configuration passed in. No I/O, no clock (the room
// hook is an injected function).

export { assertCosMethod } from './assertCosMethod';
export { assertSameUser, requireTencentUserId } from './assertSameUser';
export {
  type CheckCosRequestInput,
  type CosRequestPlan,
  type CosSignRules,
  checkCosRequest,
} from './checkCosRequest';
export {
  COS_METHODS,
  COS_OPERATION_NAMES,
  COS_OPERATIONS,
  COS_SUBRESOURCES,
  type CosMethod,
  type CosOperation,
  camActionOf,
  cosOperationOf,
  DEFAULT_COS_SIGN_OPERATIONS,
} from './cosOperations';
export {
  type CosMethodAllowlist,
  type CosSignAllowlist,
  DEFAULT_COS_SIGN_ALLOWLIST,
  DEFAULT_UPLOAD_CONTENT_TYPES,
  headerMatches,
  SERVER_OWNED_HEADERS,
} from './cosSignAllowlist';
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
export { type ScopeCosKeyInput, scopeCosKey, userKeyPrefix } from './scopeCosKey';
