// Plain-words explanations of the error codes an app sees when a Tencent IM/TRTC login or an IM REST
// call fails. One table, read by the key health check (functions/checkTrtcKey.ts), the command-line tool
// (`explain`, `verify`) and the README's troubleshooting section, so a code is explained the same way
// everywhere. Sources: Tencent IM error codes (https://www.tencentcloud.com/document/product/1047/34348,
// https://cloud.tencent.com/document/product/269/1671) and TRTC error codes
// (https://cloud.tencent.com/document/product/647/32257).

/** Where a code comes from. */
export type TencentCodeSource = 'im-login' | 'im-rest' | 'trtc-sdk';

/**
 * The explanation of one Tencent error code.
 *
 * @example
 * ```ts
 * const explanation: TencentCodeExplanation = explainTencentCode(70009)!;
 * console.log(`${explanation.code} ${explanation.meaning}: ${explanation.fix}`);
 * ```
 */
export interface TencentCodeExplanation {
  readonly code: number;
  readonly source: TencentCodeSource;
  /** What Tencent says, in a few words. */
  readonly meaning: string;
  /** Why it usually happens. */
  readonly cause: string;
  /** What to do about it. */
  readonly fix: string;
}

type Entry = Omit<TencentCodeExplanation, 'code'>;

const CODES: Readonly<Record<number, Entry>> = {
  70001: {
    source: 'im-login',
    meaning: 'userSig expired',
    cause:
      'the ticket is older than its expire (TLS.time + TLS.expire is in the past), or the device clock is far off',
    fix: 'fetch a new userSig from POST /v1/usersig before refreshAfter; in IM, handle onUserSigExpired by fetching a new one and logging in again',
  },
  70003: {
    source: 'im-login',
    meaning: 'userSig malformed',
    cause:
      'the ticket was truncated, URL-decoded or re-encoded on the way (the Tencent base64 alphabet uses * - _), or it is not a userSig at all',
    fix: 'pass the userSig string exactly as issued; decode it with `tencent-token-issuer decode` to see what arrived',
  },
  70009: {
    source: 'im-login',
    meaning: 'userSig signature check failed',
    cause:
      'the ticket was signed with a key other than the app key Tencent holds: a stale key after a console change, the key of another app, or a v1 (ECDSA) ticket for an app that uses the HMAC key (or the reverse)',
    fix: 'compare the SDKSecretKey in the console with the secret the service reads; after a change in the console, rotate the TRTC secret (see the rotation runbook) and refetch tickets',
  },
  70013: {
    source: 'im-login',
    meaning: 'user id in the userSig does not match',
    cause: 'the app logs in as one user id with a ticket issued for another one',
    fix: 'log in with the userId the service returned together with the userSig (the mapped id, not the identity provider subject)',
  },
  70014: {
    source: 'im-login',
    meaning: 'SDKAppID in the userSig does not match',
    cause: "the app's SDKAppID differs from the sdkAppId in the TRTC secret",
    fix: 'use the sdkAppId returned by the service in the client SDK, or fix the sdkAppId in the TRTC secret',
  },
  70016: {
    source: 'im-login',
    meaning: 'no key for this SDKAppID',
    cause:
      'Tencent holds no verification key for the app: the app was just created, its key was deleted, or the SDKAppID is wrong',
    fix: 'check the SDKAppID and open the app in the console to create or show its SDKSecretKey',
  },
  70050: {
    source: 'im-login',
    meaning: 'too many failed ticket checks',
    cause: 'repeated logins with bad tickets triggered a lock for this user',
    fix: 'wait one minute before retrying, and fix the cause of the earlier failures first',
  },
  60006: {
    source: 'im-rest',
    meaning: 'SDKAppID invalid',
    cause: 'the SDKAppID of the REST call does not exist',
    fix: 'check the sdkAppId in the TRTC secret against the console',
  },
  60016: {
    source: 'im-rest',
    meaning: 'SDKAppID disabled',
    cause: 'the app is suspended (unpaid, expired trial, or disabled in the console)',
    fix: 'check the app status and billing in the console',
  },
};

/**
 * The explanation of a Tencent IM/TRTC error code, or `undefined` for a code this table does not know.
 *
 * @example
 * ```ts
 * explainTencentCode(70001)?.fix; // 'fetch a new userSig ...'
 * explainTencentCode(12345); // undefined
 * ```
 */
export function explainTencentCode(code: number): TencentCodeExplanation | undefined {
  if (!Number.isSafeInteger(code) || !Object.hasOwn(CODES, code)) return undefined;
  const entry = CODES[code] as Entry;
  return { code, ...entry };
}

/**
 * Every code {@link explainTencentCode} knows, in ascending order.
 *
 * @example
 * ```ts
 * for (const code of knownTencentCodes()) console.log(code);
 * ```
 */
export function knownTencentCodes(): number[] {
  return Object.keys(CODES)
    .map(Number)
    .sort((a, b) => a - b);
}
