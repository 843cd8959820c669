import { AccountCheckError, accountCheck } from '../im/accountCheck';
import { explainTencentCode, type TencentCodeExplanation } from '../im/tencentErrorCodes';
import type { TrtcSecret } from '../secrets/secretSchemas';
import { genUserSig } from '../sign';

// Asks Tencent whether it accepts a TRTC/IM key: an admin userSig signed with the key, sent to the IM
// REST API's account_check. Tencent checks the ticket's signature against the key it holds for the app,
// so ErrorCode 0 proves the key is the console's. The ticket lives five minutes, travels in the request
// URL only, and is never returned, logged or kept.

/** How long the admin ticket lives, in seconds: enough for one call. */
export const ADMIN_TICKET_SECONDS = 300;

/**
 * Inputs of {@link checkTrtcKey}.
 *
 * @example
 * ```ts
 * const input: TrtcKeyCheckInput = { secret, endpoint: 'https://adminapisgp.im.qcloud.com', adminUserId: 'administrator',
 *   now: Math.floor(Date.now() / 1000), random: 42 };
 * ```
 */
export interface TrtcKeyCheckInput {
  readonly secret: Pick<TrtcSecret, 'sdkAppId' | 'secretKey'>;
  readonly endpoint: string;
  /** An app administrator account (configured in the IM console). */
  readonly adminUserId: string;
  /** Unix seconds. */
  readonly now: number;
  /** The 32-bit nonce for `random`. */
  readonly random: number;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

/**
 * The answer, explained. `reason` is `OK`, `TENCENT_ERROR` (Tencent answered a non-zero code, see
 * `explanation`), or why no answer came (`IM_REST_UNREACHABLE`, `IM_REST_BAD_RESPONSE`).
 *
 * @example
 * ```ts
 * const result: TrtcKeyCheckResult = { ok: false, reason: 'TENCENT_ERROR', errorCode: 70009, explanation };
 * ```
 */
export interface TrtcKeyCheckResult {
  readonly ok: boolean;
  readonly reason: 'OK' | 'TENCENT_ERROR' | 'IM_REST_UNREACHABLE' | 'IM_REST_BAD_RESPONSE';
  readonly sdkAppId: number;
  readonly errorCode: number | null;
  readonly explanation: TencentCodeExplanation | undefined;
}

/**
 * Checks one key at Tencent. Never throws for Tencent's answers or an unreachable endpoint (the result
 * says which); a `TypeError` means bad arguments.
 *
 * @example
 * ```ts
 * const result = await checkTrtcKey(input);
 * if (!result.ok) console.log(result.explanation?.fix);
 * ```
 */
export async function checkTrtcKey(input: TrtcKeyCheckInput): Promise<TrtcKeyCheckResult> {
  const { secret, adminUserId, now } = input;
  const adminUserSig = genUserSig({
    sdkAppId: secret.sdkAppId,
    secretKey: secret.secretKey,
    userId: adminUserId,
    expire: ADMIN_TICKET_SECONDS,
    now,
  });
  const base = { sdkAppId: secret.sdkAppId };
  try {
    const answer = await accountCheck({
      endpoint: input.endpoint,
      sdkAppId: secret.sdkAppId,
      adminUserId,
      adminUserSig,
      checkUserIds: [adminUserId],
      random: input.random,
      ...(input.fetch === undefined ? {} : { fetch: input.fetch }),
      ...(input.timeoutMs === undefined ? {} : { timeoutMs: input.timeoutMs }),
    });
    if (answer.ok) return { ...base, ok: true, reason: 'OK', errorCode: 0, explanation: undefined };
    return {
      ...base,
      ok: false,
      reason: 'TENCENT_ERROR',
      errorCode: answer.errorCode,
      explanation: explainTencentCode(answer.errorCode),
    };
  } catch (error) {
    if (!(error instanceof AccountCheckError)) throw error;
    return { ...base, ok: false, reason: error.code, errorCode: null, explanation: undefined };
  }
}

/**
 * One sentence for logs and errors: the code, Tencent's meaning, the usual cause and the fix.
 *
 * @example
 * ```ts
 * describeKeyCheck(result); // 'Tencent answered 70009 (userSig signature check failed): ... Fix: ...'
 * ```
 */
export function describeKeyCheck(result: TrtcKeyCheckResult): string {
  if (result.ok) return `Tencent accepts the key of SDKAppID ${result.sdkAppId}`;
  if (result.reason !== 'TENCENT_ERROR') return `no answer from the IM REST API (${result.reason})`;
  const explanation = result.explanation;
  if (explanation === undefined)
    return `Tencent answered ${result.errorCode} (not in the table of known codes)`;
  return `Tencent answered ${explanation.code} (${explanation.meaning}): ${explanation.cause}. Fix: ${explanation.fix}`;
}
