// The public API of the signing core. Pure and synchronous: no I/O, no environment, no clock, no
// logger. Time and keys are arguments. Names and argument shapes are stable (see the README).

export { cosAuthorization } from './cosAuthorization';
export { cosV4Signature } from './cosV4Signature';
export { decodeUserSig, type UserSigDocument } from './decodeUserSig';
export { type GenPrivateMapKeyParams, genPrivateMapKey, MAX_ROOM_ID } from './genPrivateMapKey';
export { type GenPrivateMapKeyV1Params, genPrivateMapKeyV1 } from './genPrivateMapKeyV1';
export { type GenUserSigParams, genUserSig } from './genUserSig';
export { type GenUserSigV1Params, genUserSigV1 } from './genUserSigV1';
export type { PrivateMap } from './privateMapUserBuf';
export { SignError, type SignErrorCode } from './SignError';
export type { VerifiedUserSig } from './verifiedUserSig';
export { type VerifyUserSigParams, verifyUserSig } from './verifyUserSig';
export { type VerifyUserSigV1Params, verifyUserSigV1 } from './verifyUserSigV1';
