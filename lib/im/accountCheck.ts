// Tencent IM REST `account_check`: the cheapest authenticated call that tells whether Tencent accepts a
// TRTC/IM app key. The admin userSig travels in the query string (Tencent's REST convention), so a URL
// built here must never be logged, and errors never carry it.

/** IM REST endpoints per data-centre region (Tencent IM "REST API overview"). */
export const IM_REST_ENDPOINTS = Object.freeze({
  china: 'https://console.tim.qq.com',
  singapore: 'https://adminapisgp.im.qcloud.com',
  korea: 'https://adminapikr.im.qcloud.com',
  germany: 'https://adminapiger.im.qcloud.com',
  usa: 'https://adminapiusa.im.qcloud.com',
  indonesia: 'https://adminapiidn.im.qcloud.com',
});

/** The path of the call, below an endpoint. */
export const ACCOUNT_CHECK_PATH = '/v4/im_open_login_svc/account_check';

/**
 * Inputs of {@link accountCheck}.
 *
 * @example
 * ```ts
 * const request: AccountCheckRequest = {
 *   endpoint: IM_REST_ENDPOINTS.singapore, sdkAppId: 1400000000, adminUserId: 'administrator',
 *   adminUserSig, checkUserIds: ['administrator'], random: 123456,
 * };
 * ```
 */
export interface AccountCheckRequest {
  /** Base URL (scheme and host, optionally a port), e.g. `https://console.tim.qq.com`. */
  readonly endpoint: string;
  readonly sdkAppId: number;
  /** The app administrator account the ticket is for (`identifier`). */
  readonly adminUserId: string;
  /** A userSig for `adminUserId`, signed with the key under test. */
  readonly adminUserSig: string;
  /** Accounts to look up (1 to 100); any id works to test a key. */
  readonly checkUserIds: readonly string[];
  /** The 32-bit request nonce Tencent wants in `random`. */
  readonly random: number;
  /** Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Abort after this long. Default 3000 ms. */
  readonly timeoutMs?: number;
}

/**
 * What Tencent answered. `errorCode` 0 means the key works; anything else is explained by
 * `explainTencentCode`.
 *
 * @example
 * ```ts
 * const answer: AccountCheckAnswer = { ok: false, errorCode: 70009, errorInfo: 'sig check failed', accounts: [] };
 * ```
 */
export interface AccountCheckAnswer {
  readonly ok: boolean;
  readonly errorCode: number;
  /** Tencent's own message, shortened to 200 characters. */
  readonly errorInfo: string;
  readonly accounts: readonly { readonly userId: string; readonly imported: boolean }[];
}

/** Why no answer could be read. */
export type AccountCheckErrorCode = 'IM_REST_UNREACHABLE' | 'IM_REST_BAD_RESPONSE';

/**
 * The IM REST API could not be reached, or answered something that is not its JSON. The message never
 * contains the request URL (which carries the admin userSig).
 *
 * @example
 * ```ts
 * if (error instanceof AccountCheckError && error.code === 'IM_REST_UNREACHABLE') retryLater();
 * ```
 */
export class AccountCheckError extends Error {
  override readonly name = 'AccountCheckError';
  readonly code: AccountCheckErrorCode;

  constructor(code: AccountCheckErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

const DEFAULT_TIMEOUT_MS = 3000;

/**
 * Calls `account_check` once: `POST <endpoint>/v4/im_open_login_svc/account_check?sdkappid=…&identifier=…
 * &usersig=…&random=…&contenttype=json` with `{"CheckItem":[{"UserID":…}]}`.
 *
 * @throws {TypeError} for malformed arguments.
 * @throws {AccountCheckError} when there is no usable answer (network, timeout, non-JSON, HTTP error).
 *
 * @example
 * ```ts
 * const answer = await accountCheck({ endpoint, sdkAppId, adminUserId: 'administrator',
 *   adminUserSig: genUserSig({ sdkAppId, secretKey, userId: 'administrator', expire: 300, now }),
 *   checkUserIds: ['administrator'], random: crypto.randomInt(2 ** 32) });
 * if (!answer.ok) console.log(explainTencentCode(answer.errorCode)?.fix);
 * ```
 */
export async function accountCheck(request: AccountCheckRequest): Promise<AccountCheckAnswer> {
  const url = accountCheckUrl(request);
  const ids = request.checkUserIds;
  if (!Array.isArray(ids) || ids.length < 1 || ids.length > 100 || ids.some((id) => typeof id !== 'string')) {
    throw new TypeError('checkUserIds must list 1 to 100 user ids');
  }
  const doFetch = request.fetch ?? fetch;
  let response: Response;
  let text: string;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ CheckItem: ids.map((UserID) => ({ UserID })) }),
      signal: AbortSignal.timeout(request.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    text = await response.text();
  } catch (error) {
    // Only the error's name: some fetch implementations put the URL into the message.
    const name = error instanceof Error ? error.name : typeof error;
    throw new AccountCheckError('IM_REST_UNREACHABLE', `IM REST API unreachable (${name})`);
  }
  if (!response.ok) {
    throw new AccountCheckError('IM_REST_BAD_RESPONSE', `IM REST API answered HTTP ${response.status}`);
  }
  return parseAnswer(text);
}

/**
 * The request URL of {@link accountCheck}. It carries the admin userSig: never log it.
 *
 * @example
 * ```ts
 * accountCheckUrl({ endpoint: 'https://console.tim.qq.com', sdkAppId: 1400000000, adminUserId: 'admin',
 *   adminUserSig: 'eJw…', random: 7 }).pathname; // '/v4/im_open_login_svc/account_check'
 * ```
 */
export function accountCheckUrl(
  request: Pick<AccountCheckRequest, 'endpoint' | 'sdkAppId' | 'adminUserId' | 'adminUserSig' | 'random'>,
): URL {
  const { endpoint, sdkAppId, adminUserId, adminUserSig, random } = request;
  if (typeof endpoint !== 'string' || !/^https?:\/\/[^/?#]+\/?$/.test(endpoint)) {
    throw new TypeError('endpoint must be a scheme and host such as https://console.tim.qq.com');
  }
  if (!Number.isSafeInteger(sdkAppId) || sdkAppId < 1)
    throw new TypeError('sdkAppId must be a positive integer');
  if (typeof adminUserId !== 'string' || adminUserId === '')
    throw new TypeError('adminUserId must be a string');
  if (typeof adminUserSig !== 'string' || adminUserSig === '') {
    throw new TypeError('adminUserSig must be a string');
  }
  if (!Number.isSafeInteger(random) || random < 0 || random > 0xffffffff) {
    throw new TypeError('random must be a 32-bit unsigned integer');
  }
  const url = new URL(ACCOUNT_CHECK_PATH, endpoint);
  url.search = new URLSearchParams({
    sdkappid: String(sdkAppId),
    identifier: adminUserId,
    usersig: adminUserSig,
    random: String(random),
    contenttype: 'json',
  }).toString();
  return url;
}

function parseAnswer(text: string): AccountCheckAnswer {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AccountCheckError('IM_REST_BAD_RESPONSE', 'IM REST API answered something that is not JSON');
  }
  if (typeof json !== 'object' || json === null) {
    throw new AccountCheckError(
      'IM_REST_BAD_RESPONSE',
      'IM REST API answered a JSON value that is not an object',
    );
  }
  const { ActionStatus, ErrorCode, ErrorInfo, ResultItem } = json as Record<string, unknown>;
  if (typeof ErrorCode !== 'number' || !Number.isSafeInteger(ErrorCode)) {
    throw new AccountCheckError('IM_REST_BAD_RESPONSE', 'IM REST API answer has no ErrorCode');
  }
  const accounts = Array.isArray(ResultItem)
    ? ResultItem.flatMap((item: unknown) => {
        if (typeof item !== 'object' || item === null) return [];
        const { UserID, AccountStatus } = item as Record<string, unknown>;
        return typeof UserID === 'string' ? [{ userId: UserID, imported: AccountStatus === 'Imported' }] : [];
      })
    : [];
  return {
    ok: ErrorCode === 0 && ActionStatus === 'OK',
    errorCode: ErrorCode,
    errorInfo: typeof ErrorInfo === 'string' ? ErrorInfo.slice(0, 200) : '',
    accounts,
  };
}
