// What a principal may get: pure policy decisions, configuration passed in. No I/O, no clock.

export { assertCosMethod } from './assertCosMethod';
export { assertSameUser, requireTencentUserId } from './assertSameUser';
export { type GrantRoomPrivilegesInput, grantRoomPrivileges, type RoomGrant } from './grantRoomPrivileges';
export { PolicyError, type PolicyErrorCode } from './PolicyError';
export { parseRoom, type Room } from './parseRoom';
export { resolveExpiry } from './resolveExpiry';
export { type ScopeCosKeyInput, scopeCosKey } from './scopeCosKey';
