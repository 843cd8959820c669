import { verify } from 'node:crypto';
import { loadPublicKey } from './ecKeys';
import { userSigV1Content } from './userSigV1Content';
import { checkVerifyInput, type VerifiedUserSig, verifyDocument } from './verifiedUserSig';

/** Inputs of {@link verifyUserSigV1}. */
export interface VerifyUserSigV1Params {
  readonly sdkAppId: number;
  /** The EC public key matching the console's private key (SPKI PEM). */
  readonly publicKeyPem: string;
  readonly userId: string;
  readonly userSig: string;
  /** Current Unix time in whole seconds. */
  readonly now: number;
  /** Seconds of clock skew to tolerate past the expiry (default 0, at most 86400). */
  readonly leeway?: number;
}

/**
 * Verifies a legacy v1 userSig or privateMapKey (ECDSA-SHA256, DER signature) and returns its claims.
 * Unlike the official Node and PHP v1 verifiers it also enforces the expiry, as the Go and C++ ones do.
 * Accepts both Tencent-escaped and plain base64 tickets (the latter from `sign_srv`).
 *
 * @throws TypeError when an argument has the wrong type.
 * @throws SignError `ERR_MALFORMED`, `ERR_MISMATCH`, `ERR_SIGNATURE`, `ERR_EXPIRED`, or `ERR_INPUT`
 * for an unusable public key.
 *
 * @example
 * ```ts
 * const claims = verifyUserSigV1({ sdkAppId: 1400001052, publicKeyPem, userId: 'xiaojun', userSig, now });
 * ```
 */
export function verifyUserSigV1(params: VerifyUserSigV1Params): VerifiedUserSig {
  const input = checkVerifyInput(params);
  const publicKey = loadPublicKey(params.publicKeyPem);
  return verifyDocument(input, 1, (doc) => {
    const f = doc.fields as Record<string, string | undefined>;
    const text = userSigV1Content({
      accountType: f['TLS.account_type'] as string,
      userId: doc.userId,
      appIdAt3rd: f['TLS.appid_at_3rd'],
      sdkAppId: f['TLS.sdk_appid'] as string,
      expireAfter: f['TLS.expire_after'] as string,
      time: f['TLS.time'] as string,
      userBufBase64: f['TLS.userbuf'],
    });
    try {
      return verify('sha256', Buffer.from(text, 'utf8'), publicKey, doc.signature);
    } catch {
      return false; // a DER structure the verifier cannot even parse is simply not a valid signature
    }
  });
}
