import { loadPrivateKey } from './ecKeys';
import { checkRoom } from './genPrivateMapKey';
import { checkUserSigV1Input, userSigV1Fields } from './genUserSigV1';
import { requireInteger, UINT32_MAX } from './inputGuards';
import { encodePrivateMapUserBuf } from './privateMapUserBuf';
import { SignError } from './SignError';
import { sealUserSigV1, V1_VERSION_SIGN_SRV } from './userSigV1Content';

/** Inputs of {@link genPrivateMapKeyV1}. */
export interface GenPrivateMapKeyV1Params {
  readonly sdkAppId: number;
  /** The console's EC private key (PEM: SEC1 or PKCS#8; prime256v1 or secp256k1). */
  readonly privateKeyPem: string;
  readonly userId: string;
  /** Validity in seconds relative to `now`; `now + expire` must fit in 32 bits. */
  readonly expire: number;
  readonly now: number;
  /** Numeric TRTC room id, 1 .. 4294967294 (the v1 layout has no string rooms). */
  readonly roomId: number;
  /** Permission bits, 0 .. 255. */
  readonly privilegeMap: number;
  /** `TLS.account_type` of the ticket (default 0); the userbuf's account type is always 0. */
  readonly accountType?: number;
}

/**
 * Generates a legacy v1 privateMapKey: a v1 userSig (ECDSA-SHA256) whose userbuf is the version-0
 * room layout, as Tencent's WebRTC sample server `sign_srv` builds it, with the clock read once.
 *
 * @throws TypeError when an argument has the wrong type.
 * @throws SignError `ERR_INPUT` for an unusable key or out-of-range values.
 *
 * @example
 * ```ts
 * const privateMapKey = genPrivateMapKeyV1({
 *   sdkAppId: 1400188366,
 *   privateKeyPem,
 *   userId: 'test_username',
 *   expire: 300,
 *   now: Math.floor(Date.now() / 1000),
 *   roomId: 10000,
 *   privilegeMap: 0xff,
 * });
 * ```
 */
export function genPrivateMapKeyV1(params: GenPrivateMapKeyV1Params): string {
  const input = checkUserSigV1Input(params);
  if (params.roomId === undefined) throw new SignError('ERR_INPUT', 'roomId is required');
  const { roomId } = checkRoom({ roomId: params.roomId });
  const privilegeMap = requireInteger('privilegeMap', params.privilegeMap, 0, 0xff);
  const privateKey = loadPrivateKey(params.privateKeyPem);
  const expiresAt = input.now + input.expire;
  if (expiresAt > UINT32_MAX) throw new SignError('ERR_INPUT', 'now + expire must fit in 32 bits');
  const userBuf = encodePrivateMapUserBuf({
    userId: input.userId,
    sdkAppId: input.sdkAppId,
    ...(roomId === undefined ? {} : { roomId }),
    expiresAt,
    privilegeMap,
  });
  return sealUserSigV1(userSigV1Fields(input, userBuf.toString('base64')), V1_VERSION_SIGN_SRV, privateKey);
}
