import {
  requireInteger,
  requireObject,
  requireSecret,
  requireSignableText,
  requireUserBuf,
  UINT32_MAX,
} from './inputGuards';
import { sealTicket } from './ticketEnvelope';
import { userSigV2Json, userSigV2Mac } from './userSigV2Content';

/** Inputs of {@link genUserSig}. */
export interface GenUserSigParams {
  /** The application's SDKAppID (1 .. 4294967295). */
  readonly sdkAppId: number;
  /** The application's secret key from the console, used as the HMAC key exactly as given. */
  readonly secretKey: string;
  /** The user id. Tencent only accepts at most 32 bytes of `[A-Za-z0-9_-]`; enforce that in policy. */
  readonly userId: string;
  /** Validity in seconds, relative to `now` (0 .. 4294967295). */
  readonly expire: number;
  /** Current Unix time in whole seconds; the ticket's `TLS.time`. */
  readonly now: number;
  /** Optional opaque bytes carried in `TLS.userbuf` and covered by the signature. Not empty. */
  readonly userBuf?: Uint8Array;
}

// Ids end up in 16-bit length fields of the userbuf layouts; nothing longer is signable anywhere.
export const MAX_ID_BYTES = 0xffff;

/** Validated, normalised inputs shared by every v2 generator. */
export interface UserSigV2Input {
  readonly sdkAppId: number;
  readonly secretKey: string;
  readonly userId: string;
  readonly expire: number;
  readonly now: number;
}

export function checkUserSigV2Input(params: unknown): UserSigV2Input {
  requireObject('params', params);
  return {
    sdkAppId: requireInteger('sdkAppId', params.sdkAppId, 1, UINT32_MAX),
    secretKey: requireSecret('secretKey', params.secretKey),
    userId: requireSignableText('userId', params.userId, MAX_ID_BYTES),
    expire: requireInteger('expire', params.expire, 0, UINT32_MAX),
    now: requireInteger('now', params.now, 0, UINT32_MAX),
  };
}

/** Signs and seals a v2 ticket from already validated fields. */
export function sealUserSigV2(input: UserSigV2Input, userBuf: Uint8Array | undefined): string {
  const fields = {
    userId: input.userId,
    sdkAppId: input.sdkAppId,
    time: input.now,
    expire: input.expire,
    userBufBase64:
      userBuf === undefined
        ? undefined
        : Buffer.from(userBuf.buffer, userBuf.byteOffset, userBuf.byteLength).toString('base64'),
  };
  const signature = userSigV2Mac(input.secretKey, fields).toString('base64');
  return sealTicket(userSigV2Json(fields, signature));
}

/**
 * Generates a TLS signature v2 userSig (HMAC-SHA256), the login ticket of Tencent IM and TRTC.
 *
 * Byte-compatible with `genSig`/`genUserSig` of the official `tls-sig-api-v2` libraries: the same
 * inflated JSON and signature; with Node's own zlib the same whole string. The clock is an argument,
 * read once by the caller, so every time field agrees.
 *
 * @throws TypeError when an argument has the wrong type.
 * @throws SignError `ERR_INPUT` when a value cannot be signed unambiguously (out-of-range integer,
 * non-integer time, control character or unpaired surrogate in the id, empty userBuf).
 *
 * @example
 * ```ts
 * const userSig = genUserSig({
 *   sdkAppId: 1400000000,
 *   secretKey: '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e',
 *   userId: 'xiaojun',
 *   expire: 7200,
 *   now: Math.floor(Date.now() / 1000),
 * });
 * ```
 */
export function genUserSig(params: GenUserSigParams): string {
  const input = checkUserSigV2Input(params);
  return sealUserSigV2(input, params.userBuf === undefined ? undefined : requireUserBuf(params.userBuf));
}
