// Plain-words explanations of the error codes an app sees when a Tencent IM/TRTC login or an IM REST
// call fails. One table, read by the key health check (functions/checkTrtcKey.ts), the command-line tool
// (`explain`, `verify`) and the README's troubleshooting section, so a code is explained the same way
// everywhere. The meanings follow Tencent's documents; causes and fixes are ours, written for this
// service. Sources:
// - IM error codes: https://www.tencentcloud.com/document/product/1047/34348,
//   https://cloud.tencent.com/document/product/269/1671 (account codes 70xxx, REST codes 60xxx)
// - TRTC native SDK codes (TXLiteAVCode.h): https://cloud.tencent.com/document/product/647/32257,
//   https://cloud.tencent.com/document/product/647/38313 (-3317..-3320, -100006, -100013, -100018, -102xxx)
// - TRTC Web SDK 4.x error codes (account and room-entry errors):
//   https://intl.cloud.tencent.com/document/product/647/41665

/** Where a code comes from. */
export type TencentCodeSource = 'im-login' | 'im-rest' | 'trtc-sdk' | 'trtc-web-sdk';

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
  /** The SDK's constant for the code, where it has one (`ERR_TRTC_USER_SIG_CHECK_FAILED`). */
  readonly name?: string;
  /** What Tencent says, in a few words. */
  readonly meaning: string;
  /** Why it usually happens. */
  readonly cause: string;
  /** What to do about it. */
  readonly fix: string;
}

type Entry = Omit<TencentCodeExplanation, 'code'>;

// Tencent reports several stages of its ticket parser with codes of their own and one advice; one text.
const TICKET_CHECK_FAILED: Entry = {
  source: 'im-login',
  meaning: 'userSig check failed',
  cause:
    'the ticket decodes but a field does not hold what its version requires: a hand-made ticket, or a library that wrote a null or string expire (the official Node v2 library does so when genUserSig is called without an expire)',
  fix: 'check the ticket with `tencent-token-issuer verify`, and issue tickets only from POST /v1/usersig',
};
const TICKET_UNREADABLE: Entry = {
  source: 'im-login',
  meaning: 'userSig malformed',
  cause:
    'the ticket was truncated, URL-decoded or re-encoded on the way (the Tencent base64 alphabet uses * - _), or it is not a userSig at all',
  fix: 'pass the userSig string exactly as issued; decode it with `tencent-token-issuer decode` to see what arrived',
};
const TRY_AGAIN: Pick<Entry, 'cause' | 'fix'> = {
  cause: 'a transient failure inside Tencent',
  fix: 'retry with backoff; if it persists, contact Tencent support with the request time',
};

const CODES: Readonly<Record<number, Entry>> = {
  70001: {
    source: 'im-login',
    meaning: 'userSig expired',
    cause:
      'the ticket is older than its expire (TLS.time + TLS.expire is in the past), or the device clock is far off',
    fix: 'fetch a new userSig from POST /v1/usersig before refreshAfter; in IM, handle onUserSigExpired by fetching a new one and logging in again',
  },
  70002: {
    source: 'im-login',
    meaning: 'userSig is empty',
    cause:
      'the app logged in with an empty string: the ticket request failed, or the app read the wrong field of the response',
    fix: 'check that POST /v1/usersig answered 200 and pass its `userSig` field as it is',
  },
  70003: TICKET_UNREADABLE,
  70004: TICKET_UNREADABLE,
  70005: TICKET_CHECK_FAILED,
  70006: TICKET_CHECK_FAILED,
  70007: TICKET_CHECK_FAILED,
  70008: TICKET_CHECK_FAILED,
  70009: {
    source: 'im-login',
    meaning: 'userSig signature check failed',
    cause:
      'the ticket was signed with a key other than the app key Tencent holds: a stale key after a console change, the key of another app, or a v1 (ECDSA) ticket for an app that uses the HMAC key (or the reverse)',
    fix: 'compare the SDKSecretKey in the console with the secret the service reads; after a change in the console, rotate the TRTC secret (see the rotation runbook) and refetch tickets',
  },
  70010: TICKET_CHECK_FAILED,
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
  70015: {
    source: 'im-login',
    meaning: 'no verification method for this SDKAppID and account type',
    cause:
      'a legacy v1 ticket carries an account type (TLS.account_type) the app was never set up for, or the app uses the other ticket generation',
    fix: 'issue v2 tickets (the default of this service), or v1 tickets with account type 0 for apps still on the ECDSA key pair',
  },
  70016: {
    source: 'im-login',
    meaning: 'no key for this SDKAppID',
    cause:
      'Tencent holds no verification key for the app: the app was just created, its key was deleted, or the SDKAppID is wrong',
    fix: 'check the SDKAppID and open the app in the console to create or show its SDKSecretKey; a new key can take minutes to reach every data centre',
  },
  70017: { source: 'im-login', meaning: 'third-party ticket check timed out inside Tencent', ...TRY_AGAIN },
  70018: { source: 'im-login', meaning: 'third-party ticket check failed inside Tencent', ...TRY_AGAIN },
  70019: {
    source: 'im-login',
    meaning: 'ticket field is empty',
    cause: 'the login request carried no userSig (the same mistake as 70002, seen by another login path)',
    fix: 'pass the `userSig` field of POST /v1/usersig as it is',
  },
  70020: {
    source: 'im-login',
    meaning: 'SDKAppID not found',
    cause:
      'the SDKAppID does not exist, or exists in another data centre than the one the request reached (an app created in Singapore, called through the China endpoint)',
    fix: "check the sdkAppId in the TRTC secret against the console, and use the endpoint of the app's data centre",
  },
  70050: {
    source: 'im-login',
    meaning: 'too many failed ticket checks',
    cause: 'repeated logins with bad tickets triggered a lock for this user',
    fix: 'wait one minute before retrying, and fix the cause of the earlier failures first',
  },
  70051: {
    source: 'im-login',
    meaning: 'account is on the blocklist',
    cause: 'the user id was blocked (console or REST API)',
    fix: 'remove the account from the blocklist before it logs in again',
  },
  70052: {
    source: 'im-login',
    meaning: 'userSig invalid',
    cause: 'Tencent no longer accepts this ticket (for example after the app key changed)',
    fix: 'fetch a new userSig and log in again',
  },
  70107: {
    source: 'im-rest',
    meaning: 'account not imported',
    cause: 'a REST call named a user id that has never logged in and was never imported',
    fix: 'import the account first (REST account_import), or let the user log in once with the SDK',
  },
  70114: {
    source: 'im-login',
    meaning: 'restricted for security reasons',
    cause: "Tencent's risk control blocked the request",
    fix: 'contact Tencent support with the SDKAppID and the request time',
  },
  70221: {
    source: 'im-login',
    meaning: 'login state invalid',
    cause: "the SDK's session is no longer valid (after a key change or a forced logout)",
    fix: 'fetch a new userSig and log in again',
  },
  70346: {
    source: 'im-login',
    meaning: 'ticket check failed',
    cause: 'the ticket does not verify for the parameters of the request',
    fix: 'check the ticket with `tencent-token-issuer verify` against the SDKAppID and user id the app sends',
  },
  70347: {
    source: 'im-login',
    meaning: 'ticket expired',
    cause: 'the same as 70001, reported by another login path',
    fix: 'fetch a new userSig before refreshAfter and log in again',
  },
  70398: {
    source: 'im-login',
    meaning: 'account limit reached',
    cause: 'the app has as many accounts as its IM package allows (the free edition has a low limit)',
    fix: 'upgrade the IM package or delete unused accounts',
  },
  70500: { source: 'im-login', meaning: 'internal server error at Tencent', ...TRY_AGAIN },
  60002: {
    source: 'im-rest',
    meaning: 'HTTP request could not be parsed',
    cause: 'the request URL is malformed',
    fix: 'build the URL as `<endpoint>/v4/<service>/<command>?sdkappid=…&identifier=…&usersig=…&random=…&contenttype=json`',
  },
  60003: {
    source: 'im-rest',
    meaning: 'JSON body could not be parsed',
    cause: 'the body is not valid JSON',
    fix: 'send a JSON body with `Content-Type: application/json`',
  },
  60004: {
    source: 'im-rest',
    meaning: 'account or signature error in the request',
    cause:
      'the identifier or usersig of the URL is wrong: the usersig was signed for another account, another app or with another key',
    fix: 'sign the admin ticket for the identifier of the URL with the app key (`tencent-token-issuer key test --check` does exactly that)',
  },
  60005: {
    source: 'im-rest',
    meaning: 'account or signature error in the request',
    cause: 'the same as 60004, for an account named in the body',
    fix: 'check the accounts of the body and the admin ticket of the URL',
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
  60007: {
    source: 'im-rest',
    meaning: 'REST call rate limit exceeded',
    cause: 'too many calls per second for this app',
    fix: 'slow down (account_check is limited to 100 calls per second) and retry with backoff',
  },
  60010: {
    source: 'im-rest',
    meaning: 'requires the app administrator',
    cause: 'the identifier of the URL is not an administrator account of the app',
    fix: 'sign the ticket for the administrator account shown in the console (by default `administrator`)',
  },
  60011: {
    source: 'im-rest',
    meaning: 'SDKAppID request rate exceeded',
    cause: 'the app sends more REST calls than its limit',
    fix: 'slow down and retry with backoff',
  },
  60012: {
    source: 'im-rest',
    meaning: 'SDKAppID missing from the request',
    cause: 'the URL has no sdkappid parameter',
    fix: 'add `sdkappid=<SDKAppID>` to the URL',
  },
  60020: {
    source: 'im-rest',
    meaning: 'IM package expired',
    cause: 'the paid IM package of the app has expired and was stopped',
    fix: 'renew the package in the console; it takes effect after about five minutes',
  },
  60021: {
    source: 'im-rest',
    meaning: 'caller IP not allowed',
    cause: 'the app has an IP allowlist for REST calls and the caller is not on it',
    fix: 'add the egress IP of the caller (for Lambda: the NAT gateway) to the allowlist, or remove the allowlist',
  },
  [-3317]: {
    source: 'trtc-sdk',
    name: 'ERR_TRTC_INVALID_SDK_APPID',
    meaning: 'room entry parameter sdkAppId is invalid',
    cause: 'TRTCParams.sdkAppId is empty or 0',
    fix: 'pass the `sdkAppId` returned by the service',
  },
  [-3318]: {
    source: 'trtc-sdk',
    name: 'ERR_TRTC_INVALID_ROOM_ID',
    meaning: 'room entry parameter roomId is invalid',
    cause:
      'TRTCParams.roomId and strRoomId are both empty, or a string room was passed as a number (they are different rooms)',
    fix: 'enter the room the privateMapKey names: `roomId` for numeric rooms, `strRoomId` for string rooms',
  },
  [-3319]: {
    source: 'trtc-sdk',
    name: 'ERR_TRTC_INVALID_USER_ID',
    meaning: 'room entry parameter userId is invalid',
    cause: 'TRTCParams.userId is empty',
    fix: 'pass the `userId` returned by the service together with the userSig',
  },
  [-3320]: {
    source: 'trtc-sdk',
    name: 'ERR_TRTC_INVALID_USER_SIG',
    meaning: 'room entry parameter userSig is empty',
    cause: 'TRTCParams.userSig is empty: the ticket request failed or its result was not passed on',
    fix: 'pass the `userSig` field of POST /v1/usersig as it is',
  },
  [-100006]: {
    source: 'trtc-sdk',
    name: 'ERR_TRTC_INVALID_PRIVATE_MAPKEY',
    meaning: 'privateMapKey check failed (advanced permission control)',
    cause:
      'the app has advanced permission control on and the privateMapKey is missing, names another room (numeric and string rooms differ) or another user, has expired, or was signed with another key',
    fix: 'fetch a privateMapKey from POST /v1/privatemapkey for exactly the room being entered, and check it with `tencent-token-issuer verify --room-id` (or `--str-room-id`)',
  },
  [-100013]: {
    source: 'trtc-sdk',
    name: 'ERR_TRTC_SERVICE_SUSPENDED',
    meaning: 'TRTC service suspended',
    cause: 'the package has no minutes left or the Tencent Cloud account is in arrears',
    fix: 'check the package and the billing of the account in the console',
  },
  [-100018]: {
    source: 'trtc-sdk',
    name: 'ERR_TRTC_USER_SIG_CHECK_FAILED',
    meaning: 'userSig check failed',
    cause:
      "TRTC's version of the IM login failures: the ticket expired (70001), was signed with another key (70009), or names another user (70013) or app (70014)",
    fix: 'run `tencent-token-issuer verify <userSig> --sdk-app-id <id> --user <userId>` with the app key: it names the exact cause',
  },
  [-102010]: {
    source: 'trtc-sdk',
    name: 'ERR_SERVER_CENTER_NO_PRIVILEDGE_CREATE_ROOM',
    meaning: 'no permission to create the room',
    cause: 'the privateMapKey lacks the createRoom bit (0x01) and the room does not exist yet',
    fix: 'grant createRoom to the role in ROOM_ROLES, or let a user whose role has it enter first',
  },
  [-102011]: {
    source: 'trtc-sdk',
    name: 'ERR_SERVER_CENTER_NO_PRIVILEDGE_ENTER_ROOM',
    meaning: 'no permission to enter the room',
    cause: 'the privateMapKey lacks the enterRoom bit (0x02)',
    fix: 'ask for enterRoom in the privileges of POST /v1/privatemapkey (every default role has it)',
  },
  [-102013]: {
    source: 'trtc-sdk',
    name: 'ERR_SERVER_CENTER_NO_PRIVILEDGE_PUSH_VIDEO',
    meaning: 'no permission to send video',
    cause: 'the privateMapKey lacks the sendVideo bit (0x10): an audience ticket used to publish',
    fix: 'give the user a role with sendVideo (anchor) and fetch a new privateMapKey before switching to anchor',
  },
  [-102015]: {
    source: 'trtc-sdk',
    name: 'ERR_SCREEN_SHARE_NOT_AUTHORIZED',
    meaning: 'no permission to send the sub-stream (screen sharing)',
    cause: 'the privateMapKey lacks the sendSubStream bit (0x40)',
    fix: 'give the user a role with sendSubStream and fetch a new privateMapKey',
  },
  [-102019]: {
    source: 'trtc-sdk',
    name: 'ERR_SERVER_CENTER_NO_PRIVILEDGE_REQUEST_VIDEO',
    meaning: 'no permission to receive video',
    cause: 'the privateMapKey lacks the receiveVideo bit (0x20)',
    fix: 'ask for receiveVideo in the privileges of POST /v1/privatemapkey',
  },
  10006: {
    source: 'trtc-web-sdk',
    meaning: 'TRTC service suspended',
    cause: 'the account is in arrears or the TRTC application is disabled',
    fix: 'check the application status and the billing in the TRTC console',
  },
  [-10012]: {
    source: 'trtc-web-sdk',
    meaning: 'room id missing or invalid',
    cause: 'no roomId was passed, or a string room was used without `useStringRoomId: true`',
    fix: 'pass the room the privateMapKey names; for string rooms create the client with useStringRoomId',
  },
  [-10013]: {
    source: 'trtc-web-sdk',
    meaning: 'userSig check failed',
    cause: "the Web SDK's version of -100018: expired, wrong key, another user or another app",
    fix: 'run `tencent-token-issuer verify` on the userSig with the app key to find out which',
  },
  [-10018]: {
    source: 'trtc-web-sdk',
    meaning: 'privateMapKey missing',
    cause: 'advanced permission control is on but client.join carried no privateMapKey',
    fix: 'fetch a privateMapKey from POST /v1/privatemapkey and pass it to join',
  },
  [-10019]: {
    source: 'trtc-web-sdk',
    meaning: 'privateMapKey invalid',
    cause: 'the privateMapKey names another room or user, has expired, or was signed with another key',
    fix: 'check it with `tencent-token-issuer verify --room-id` (or `--str-room-id`) against the room being joined',
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
