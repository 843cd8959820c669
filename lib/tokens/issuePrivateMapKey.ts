import type { Config } from '../config';
import { assertSameUser, PolicyError, parseRoom, type Room, type RoomPolicy, resolveExpiry } from '../policy';
import type { RoomPolicyKind } from '../policy/createRoomPolicy';
import type { RoomPrivilege } from '../policy/roomPrivileges';
import type { TrtcSecret } from '../secrets/secretSchemas';
import type { Principal } from '../session/Principal';
import { genPrivateMapKey, genPrivateMapKeyV1 } from '../sign';
import type { PrivateMapKeyRequest } from './privateMapKeyRequest';
import { requireNow, type TokenTimes, tokenTimes } from './tokenTimes';

/**
 * Inputs of {@link issuePrivateMapKey}.
 *
 * @example
 * ```ts
 * const input: IssuePrivateMapKeyInput = { principal, request, secret, config, roomPolicy, now };
 * ```
 */
export interface IssuePrivateMapKeyInput {
  /** The signed-in caller: its session claims and role feed the room policy. */
  readonly principal: Principal;
  readonly request: PrivateMapKeyRequest;
  readonly secret: TrtcSecret;
  readonly config: Pick<Config, 'expiry' | 'ticketVersion'>;
  /** Decides the room and its privileges (see createRoomPolicy). */
  readonly roomPolicy: RoomPolicy;
  /** Current Unix time in whole seconds, read once by the caller. */
  readonly now: number;
}

/**
 * Response of `POST /v1/privatemapkey` (JSON-ready); carries `roomId` or `strRoomId`, as requested, and
 * the ticket's TLS sig `version`.
 *
 * @example
 * ```ts
 * const response: PrivateMapKeyResponse = {
 *   version: 2, sdkAppId: 1400000000, userId: 'alice', privateMapKey: 'eJw...', roomId: 10000,
 *   privilegeMap: 0x2a, privileges: ['enterRoom', 'receiveAudio', 'receiveVideo'],
 *   expiresAt: 1700000300, serverTime: 1700000000, refreshAfter: 1700000240,
 * };
 * ```
 */
export type PrivateMapKeyResponse = {
  readonly version: 1 | 2;
  readonly sdkAppId: number;
  readonly userId: string;
  readonly privateMapKey: string;
  readonly privilegeMap: number;
  readonly privileges: RoomPrivilege[];
} & Room &
  TokenTimes;

/**
 * An issued ticket: the response, and which policy kinds granted it (for the audit log, not the client).
 *
 * @example
 * ```ts
 * const { response, grantedBy } = await issuePrivateMapKey(input); // grantedBy: ['claims']
 * ```
 */
export interface IssuedPrivateMapKey {
  readonly response: PrivateMapKeyResponse;
  readonly grantedBy: readonly RoomPolicyKind[];
}

/**
 * Issues a TRTC privateMapKey (room permission ticket) for the signed-in user, for a room the room
 * policy lets them enter, with privileges within what it allows.
 *
 * Order: the body's `userId` must match the principal, then lifetime, room, the ticket version's room
 * kinds (v1 tickets have numeric rooms only), the room policy, then signing. The room expiry inside the
 * ticket equals `expiresAt`.
 *
 * @throws {PolicyError} `USER_MISMATCH`, `INVALID_EXPIRE`, `EXPIRE_TOO_LONG`, `INVALID_ROOM`,
 * `UNKNOWN_PRIVILEGE`, `ENTER_ROOM_REQUIRED`, `ROOM_FORBIDDEN`, `PRIVILEGES_EXCEEDED`, `ROLE_UNKNOWN`.
 * @throws {RoomHookError} when the policy needed the app's hook and it could not answer (a 503).
 * @throws {TypeError} for a malformed principal or clock, or a v1 configuration without a key (bugs upstream).
 *
 * @example
 * ```ts
 * const { response } = await issuePrivateMapKey({
 *   principal: { userId: 'alice', claims: { trtc_rooms: { 'class-42': 'anchor' } } },
 *   request: parsePrivateMapKeyRequest({ strRoomId: 'class-42', privileges: ['enterRoom', 'sendAudio'] }),
 *   secret: { sdkAppId: 1400000000, secretKey },
 *   config,
 *   roomPolicy,
 *   now: Math.floor(Date.now() / 1000),
 * });
 * ```
 */
export async function issuePrivateMapKey(input: IssuePrivateMapKeyInput): Promise<IssuedPrivateMapKey> {
  const { principal, request, secret, config } = input;
  assertSameUser(principal, request.userId);
  const now = requireNow(input.now);
  const expire = resolveExpiry(request.expire, config.expiry.privateMapKey);
  const room = parseRoom(request);
  const version = config.ticketVersion;
  if (version === 1 && room.roomId === undefined) {
    throw new PolicyError(
      'INVALID_ROOM',
      'this service issues v1 tickets, which have numeric rooms only: use roomId',
    );
  }
  const { privilegeMap, privileges, grantedBy } = await input.roomPolicy.decide({
    principal,
    room,
    requested: request.privileges,
  });
  const base = { sdkAppId: secret.sdkAppId, userId: principal.userId, expire, now, privilegeMap };
  let privateMapKey: string;
  if (version === 1) {
    if (secret.privateKeyPem === undefined)
      throw new TypeError('a v1 configuration needs secret.privateKeyPem');
    privateMapKey = genPrivateMapKeyV1({
      ...base,
      privateKeyPem: secret.privateKeyPem,
      roomId: room.roomId as number,
    });
  } else {
    privateMapKey = genPrivateMapKey({ ...base, secretKey: secret.secretKey, ...room });
  }
  const response: PrivateMapKeyResponse = {
    version,
    sdkAppId: secret.sdkAppId,
    userId: principal.userId,
    privateMapKey,
    ...room,
    privilegeMap,
    privileges,
    ...tokenTimes(now, expire),
  };
  return { response, grantedBy };
}
