import { loadPrivateKey } from './ecKeys';
import { MAX_ID_BYTES } from './genUserSig';
import {
  requireInteger,
  requireObject,
  requireSignableText,
  requireUserBuf,
  UINT32_MAX,
} from './inputGuards';
import { sealUserSigV1, type UserSigV1Fields, V1_VERSION_TLS_SIG_API } from './userSigV1Content';

/** Inputs of {@link genUserSigV1}. */
export interface GenUserSigV1Params {
  readonly sdkAppId: number;
  /** The console's EC private key (PEM: SEC1 or PKCS#8; prime256v1 or secp256k1). */
  readonly privateKeyPem: string;
  readonly userId: string;
  /** Validity in seconds relative to `now` (`TLS.expire_after`). */
  readonly expire: number;
  /** Current Unix time in whole seconds. */
  readonly now: number;
  /** `TLS.account_type` (default 0). */
  readonly accountType?: number;
  /** Optional opaque bytes in `TLS.userbuf`, covered by the signature. Not empty. */
  readonly userBuf?: Uint8Array;
}

export interface UserSigV1Input {
  readonly sdkAppId: number;
  readonly userId: string;
  readonly expire: number;
  readonly now: number;
  readonly accountType: number;
}

export function checkUserSigV1Input(params: unknown): UserSigV1Input {
  requireObject('params', params);
  return {
    sdkAppId: requireInteger('sdkAppId', params.sdkAppId, 1, UINT32_MAX),
    userId: requireSignableText('userId', params.userId, MAX_ID_BYTES),
    expire: requireInteger('expire', params.expire, 0, UINT32_MAX),
    now: requireInteger('now', params.now, 0, UINT32_MAX),
    accountType:
      params.accountType === undefined ? 0 : requireInteger('accountType', params.accountType, 0, UINT32_MAX),
  };
}

/**
 * Generates a legacy TLS signature v1 userSig: ECDSA-SHA256 with the console's private key, as the
 * official `tls-sig-api` libraries do. ECDSA is randomized, so two calls give different strings;
 * both verify.
 *
 * @throws TypeError when an argument has the wrong type.
 * @throws SignError `ERR_INPUT` for an unusable key (not PEM, not EC, another curve) or bad values.
 *
 * @example
 * ```ts
 * const userSig = genUserSigV1({
 *   sdkAppId: 1400001052,
 *   privateKeyPem: fs.readFileSync('private_key', 'utf8'),
 *   userId: 'xiaojun',
 *   expire: 86400,
 *   now: Math.floor(Date.now() / 1000),
 * });
 * ```
 */
export function genUserSigV1(params: GenUserSigV1Params): string {
  const input = checkUserSigV1Input(params);
  const privateKey = loadPrivateKey(params.privateKeyPem);
  const userBuf = params.userBuf === undefined ? undefined : requireUserBuf(params.userBuf);
  const userBufBase64 = userBuf && Buffer.from(userBuf).toString('base64');
  return sealUserSigV1(userSigV1Fields(input, userBufBase64), V1_VERSION_TLS_SIG_API, privateKey);
}

/** The v1 ticket's string fields from validated input (appid_at_3rd is always "0"). */
export function userSigV1Fields(input: UserSigV1Input, userBufBase64: string | undefined): UserSigV1Fields {
  return {
    accountType: String(input.accountType),
    userId: input.userId,
    appIdAt3rd: '0',
    sdkAppId: String(input.sdkAppId),
    expireAfter: String(input.expire),
    time: String(input.now),
    userBufBase64,
  };
}
