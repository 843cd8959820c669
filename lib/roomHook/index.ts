// The app's room hook: an AWS Lambda function that decides rooms the claims and rules do not grant.
// The only part of the service that bundles the Lambda client: imported by the privateMapKey function.

export { cacheRoomHook, type RoomHookCacheOptions } from './cacheRoomHook';
export { type ConfiguredRoomPolicyDeps, createConfiguredRoomPolicy } from './createConfiguredRoomPolicy';
export { createLambdaClient } from './createLambdaClient';
export { createLambdaRoomHook, type LambdaRoomHookOptions } from './createLambdaRoomHook';
export { RoomHookError, type RoomHookErrorReason } from './RoomHookError';
