import { timingSafeEqual } from 'node:crypto';
import { requireSecret } from './inputGuards';
import { userSigV2Mac } from './userSigV2Content';
import { checkVerifyInput, type VerifiedUserSig, verifyDocument } from './verifiedUserSig';

/** Inputs of {@link verifyUserSig}. */
export interface VerifyUserSigParams {
  readonly sdkAppId: number;
  readonly secretKey: string;
  /** The user the ticket must belong to. */
  readonly userId: string;
  readonly userSig: string;
  /** Current Unix time in whole seconds. */
  readonly now: number;
  /** Seconds of clock skew to tolerate past the expiry (default 0, at most 86400). */
  readonly leeway?: number;
}

/**
 * Verifies a v2 userSig or privateMapKey and returns its claims: the ticket must decode, belong to
 * `sdkAppId` and `userId`, carry a valid HMAC (compared in constant time) and not be expired
 * (valid while `now <= time + expire + leeway`; a privateMapKey's room expiry is checked too).
 *
 * @throws TypeError when an argument has the wrong type.
 * @throws SignError `ERR_MALFORMED` (not a v2 ticket), `ERR_MISMATCH` (another user or app),
 * `ERR_SIGNATURE` (wrong key or tampered), `ERR_EXPIRED`, `ERR_INPUT` (empty key, bad leeway).
 *
 * @example
 * ```ts
 * const claims = verifyUserSig({ sdkAppId, secretKey, userId: 'xiaojun', userSig, now, leeway: 30 });
 * if (claims.privateMap) console.log('room', claims.privateMap.roomId ?? claims.privateMap.strRoomId);
 * ```
 */
export function verifyUserSig(params: VerifyUserSigParams): VerifiedUserSig {
  const input = checkVerifyInput(params);
  const secretKey = requireSecret('secretKey', params.secretKey);
  return verifyDocument(input, 2, (doc) => {
    const expected = userSigV2Mac(secretKey, {
      userId: doc.userId,
      sdkAppId: doc.sdkAppId,
      time: doc.time,
      expire: doc.expire,
      // The userbuf line covers the base64 text as the signer wrote it.
      userBufBase64: doc.fields['TLS.userbuf'] as string | undefined,
    });
    return expected.length === doc.signature.length && timingSafeEqual(expected, doc.signature);
  });
}
