import { decodeUserSig, SignError, type UserSigDocument, verifyUserSig, verifyUserSigV1 } from '../sign';
import { describeUserSig, type UserSigView } from './describeUserSig';

// Why would Tencent refuse this ticket? Every check a login (or a TRTC room entry) makes, each failure
// named with the code Tencent answers. The checks run in Tencent's order, so the first finding is the
// code the app would see; the others are listed too, because fixing only the first often reveals the
// next. Pure: keys and the clock are arguments.

/** The keys a ticket can be checked with: the v2 HMAC key, the v1 ECDSA public key, or both. */
export interface TicketKeys {
  readonly secretKey?: string;
  readonly publicKeyPem?: string;
}

/**
 * Inputs of {@link diagnoseUserSig}. `sdkAppId`, `userId` and `room` are what the app sends along
 * with the ticket; each is checked only when given.
 *
 * @example
 * ```ts
 * const input: DiagnoseUserSigInput = { userSig, keys: { secretKey }, sdkAppId: 1400000000, userId: 'alice', now };
 * ```
 */
export interface DiagnoseUserSigInput {
  readonly userSig: string;
  readonly keys: TicketKeys;
  readonly sdkAppId?: number;
  readonly userId?: string;
  /** The room the app enters with a privateMapKey (numeric and string rooms are different rooms). */
  readonly room?: { readonly roomId: number } | { readonly strRoomId: string };
  /** Unix seconds. */
  readonly now: number;
  /** Seconds of clock skew to allow past the expiry (default 0). */
  readonly leeway?: number;
}

/** What is wrong with a ticket, one kind per check. */
export type TicketProblem =
  | 'EMPTY'
  | 'MALFORMED'
  | 'OTHER_GENERATION'
  | 'OTHER_APP'
  | 'OTHER_USER'
  | 'EXPIRED'
  | 'BAD_SIGNATURE'
  | 'ROOM_FOR_OTHER_USER'
  | 'OTHER_ROOM'
  | 'ROOM_EXPIRED'
  | 'NOT_A_ROOM_TICKET';

/**
 * One failed check: the code Tencent answers for it and a sentence. `at` is the moment the sentence
 * ends with ("is expired" + " since <at>"), for printers that show times their own way.
 */
export interface TicketFinding {
  readonly problem: TicketProblem;
  readonly tencentCode: number;
  readonly message: string;
  readonly at?: number;
}

/**
 * The diagnosis. `valid` is true when no check failed; `validUntil` is the last valid second (the
 * earlier of the ticket's and the room permission's expiry), without the leeway.
 *
 * @example
 * ```ts
 * const diagnosis: UserSigDiagnosis = diagnoseUserSig(input);
 * if (!diagnosis.valid) console.log(diagnosis.findings[0]?.tencentCode);
 * ```
 */
export interface UserSigDiagnosis {
  readonly valid: boolean;
  readonly findings: readonly TicketFinding[];
  readonly ticket?: UserSigView;
  readonly validUntil?: number;
  /** The checks that could not run because their input was not given. */
  readonly unchecked: readonly ('sdkAppId' | 'userId' | 'room')[];
}

/**
 * Checks a userSig or privateMapKey the way Tencent does and names each failure with Tencent's code:
 * empty 70002, malformed 70003, a ticket of the other generation than the key 70009, another SDKAppID
 * 70014, another user 70013, expired 70001, wrong key 70009; for a privateMapKey also the room (-100006,
 * TRTC's privateMapKey check).
 *
 * @throws {TypeError} when no key is given or an argument has the wrong type.
 *
 * @example
 * ```ts
 * const { valid, findings } = diagnoseUserSig({ userSig, keys: { secretKey }, userId: 'alice', now });
 * // findings: [{ problem: 'EXPIRED', tencentCode: 70001, message: 'expired ...', at: 1700007200 }]
 * ```
 */
export function diagnoseUserSig(input: DiagnoseUserSigInput): UserSigDiagnosis {
  const { userSig, keys, now } = input;
  const leeway = input.leeway ?? 0;
  if (typeof userSig !== 'string') throw new TypeError('userSig must be a string');
  if (keys.secretKey === undefined && keys.publicKeyPem === undefined) {
    throw new TypeError('diagnoseUserSig needs a secretKey or a publicKeyPem');
  }
  const unchecked = [
    ...(input.sdkAppId === undefined ? (['sdkAppId'] as const) : []),
    ...(input.userId === undefined ? (['userId'] as const) : []),
  ];
  if (userSig.trim() === '') {
    return finish([{ problem: 'EMPTY', tencentCode: 70002, message: 'the ticket is empty' }], unchecked);
  }
  let doc: UserSigDocument;
  try {
    doc = decodeUserSig(userSig.trim());
  } catch (error) {
    if (!(error instanceof SignError)) throw error;
    return finish(
      [{ problem: 'MALFORMED', tencentCode: 70003, message: `the ticket is malformed: ${error.message}` }],
      unchecked,
    );
  }
  const ticket = describeUserSig(doc);
  const findings: TicketFinding[] = [];
  const key = doc.version === 2 ? keys.secretKey : keys.publicKeyPem;
  if (key === undefined) {
    findings.push({
      problem: 'OTHER_GENERATION',
      tencentCode: 70009,
      message:
        doc.version === 1
          ? 'this is a v1 (ECDSA) ticket, checked with a v2 (HMAC) key: an app whose key is the HMAC key refuses every v1 ticket'
          : 'this is a v2 (HMAC) ticket, checked with a v1 (ECDSA) public key: an app whose key is the ECDSA key pair refuses every v2 ticket',
    });
  }
  if (input.sdkAppId !== undefined && doc.sdkAppId !== input.sdkAppId) {
    findings.push({
      problem: 'OTHER_APP',
      tencentCode: 70014,
      message: `the ticket is for SDKAppID ${doc.sdkAppId}, not ${input.sdkAppId}`,
    });
  }
  if (input.userId !== undefined && doc.userId !== input.userId) {
    findings.push({
      problem: 'OTHER_USER',
      tencentCode: 70013,
      message: `the ticket is for user ${JSON.stringify(doc.userId)}, not ${JSON.stringify(input.userId)}`,
    });
  }
  if (now > doc.expiresAt + leeway) {
    findings.push({
      problem: 'EXPIRED',
      tencentCode: 70001,
      message: 'the ticket is expired',
      at: doc.expiresAt,
    });
  }
  if (key !== undefined && !signatureMatches(doc, userSig.trim(), key)) {
    findings.push({
      problem: 'BAD_SIGNATURE',
      tencentCode: 70009,
      message:
        doc.version === 2
          ? 'the signature does not match this key: the ticket was signed with another key (or altered)'
          : 'the signature does not verify with this public key: the ticket was signed with another private key (or altered)',
    });
  }
  findings.push(...roomFindings(ticket, input, now, leeway));
  const roomUnchecked =
    ticket.privateMap !== undefined && input.room === undefined ? (['room'] as const) : [];
  const validUntil = Math.min(ticket.expiresAt, ticket.privateMap?.expiresAt ?? Number.POSITIVE_INFINITY);
  return { ...finish(findings, [...unchecked, ...roomUnchecked]), ticket, validUntil };
}

function finish(
  findings: readonly TicketFinding[],
  unchecked: UserSigDiagnosis['unchecked'],
): UserSigDiagnosis {
  return { valid: findings.length === 0, findings, unchecked };
}

// Checks the signature alone: the ticket's own ids and issue time are passed as the expectation, so
// only the signature can fail. A room permission that expired before the ticket was issued makes the
// verifier report ERR_EXPIRED, which it only does for authentic tickets.
function signatureMatches(doc: UserSigDocument, userSig: string, key: string): boolean {
  const expectation = { sdkAppId: doc.sdkAppId, userId: doc.userId, userSig, now: doc.time };
  try {
    if (doc.version === 2) verifyUserSig({ ...expectation, secretKey: key });
    else verifyUserSigV1({ ...expectation, publicKeyPem: key });
    return true;
  } catch (error) {
    if (error instanceof SignError && error.code === 'ERR_EXPIRED') return true;
    if (error instanceof SignError && (error.code === 'ERR_SIGNATURE' || error.code === 'ERR_INPUT')) {
      // ERR_INPUT: an SDKAppID of 0 or a key that cannot be used; neither verifies anything.
      return false;
    }
    throw error;
  }
}

function roomFindings(
  ticket: UserSigView,
  input: DiagnoseUserSigInput,
  now: number,
  leeway: number,
): TicketFinding[] {
  const { privateMap } = ticket;
  const wanted = input.room;
  if (privateMap === undefined) {
    if (wanted === undefined) return [];
    return [
      {
        problem: 'NOT_A_ROOM_TICKET',
        tencentCode: -100006,
        message: 'a room was given, but this is a plain userSig, not a privateMapKey (it names no room)',
      },
    ];
  }
  const findings: TicketFinding[] = [];
  if (!privateMap.matchesTicket) {
    findings.push({
      problem: 'ROOM_FOR_OTHER_USER',
      tencentCode: -100006,
      message: `the room permission inside names user ${JSON.stringify(privateMap.userId)} of SDKAppID ${privateMap.sdkAppId}, not the ticket's own`,
    });
  }
  if (wanted !== undefined && roomLabel(wanted) !== roomLabel(privateMap.room)) {
    findings.push({
      problem: 'OTHER_ROOM',
      tencentCode: -100006,
      message: `the privateMapKey is for ${roomLabel(privateMap.room)}, not ${roomLabel(wanted)}`,
    });
  }
  if (now > privateMap.expiresAt + leeway) {
    findings.push({
      problem: 'ROOM_EXPIRED',
      tencentCode: -100006,
      message: 'the room permission is expired',
      at: privateMap.expiresAt,
    });
  }
  return findings;
}

/**
 * A room as people write it: `room 10000` (numeric) or `string room "class-A"`.
 *
 * @example
 * ```ts
 * roomLabel({ strRoomId: '10000' }); // 'string room "10000"'
 * ```
 */
export function roomLabel(room: { readonly roomId: number } | { readonly strRoomId: string }): string {
  return 'roomId' in room ? `room ${room.roomId}` : `string room ${JSON.stringify(room.strRoomId)}`;
}
