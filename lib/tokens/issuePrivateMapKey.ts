import type { Config, RoomPrivilege } from '../config';
import { assertSameUser, grantRoomPrivileges, parseRoom, type Room, resolveExpiry } from '../policy';
import type { TrtcSecret } from '../secrets/secretSchemas';
import type { Principal } from '../session/Principal';
import { genPrivateMapKey } from '../sign';
import type { PrivateMapKeyRequest } from './privateMapKeyRequest';
import { requireNow, type TokenTimes, tokenTimes } from './tokenTimes';

/**
 * Inputs of {@link issuePrivateMapKey}.
 *
 * @example
 * ```ts
 * const input: IssuePrivateMapKeyInput = { principal, request, secret, config, now };
 * ```
 */
export interface IssuePrivateMapKeyInput {
  /** The signed-in caller; its `role` selects the allowed privileges. */
  readonly principal: Principal;
  readonly request: PrivateMapKeyRequest;
  readonly secret: TrtcSecret;
  readonly config: Pick<Config, 'expiry' | 'rooms'>;
  /** Current Unix time in whole seconds, read once by the caller. */
  readonly now: number;
}

/**
 * Response of `POST /v1/privatemapkey` (JSON-ready); carries `roomId` or `strRoomId`, as requested.
 *
 * @example
 * ```ts
 * const response: PrivateMapKeyResponse = {
 *   sdkAppId: 1400000000, userId: 'alice', privateMapKey: 'eJw...', roomId: 10000,
 *   privilegeMap: 0x2a, privileges: ['enterRoom', 'receiveAudio', 'receiveVideo'],
 *   expiresAt: 1700000300, serverTime: 1700000000, refreshAfter: 1700000240,
 * };
 * ```
 */
export type PrivateMapKeyResponse = {
  readonly sdkAppId: number;
  readonly userId: string;
  readonly privateMapKey: string;
  readonly privilegeMap: number;
  readonly privileges: RoomPrivilege[];
} & Room &
  TokenTimes;

/**
 * Issues a TRTC privateMapKey (room permission ticket) for the signed-in user.
 *
 * Order: the body's `userId` must match the principal, then lifetime, room and privilege policy, then
 * signing. The room expiry inside the ticket equals `expiresAt`.
 *
 * @throws {PolicyError} `USER_MISMATCH`, `INVALID_EXPIRE`, `EXPIRE_TOO_LONG`, `INVALID_ROOM`,
 * `ROLE_UNKNOWN`, `UNKNOWN_PRIVILEGE`, `PRIVILEGES_EXCEEDED`.
 * @throws {TypeError} for a malformed principal or clock (bugs upstream).
 *
 * @example
 * ```ts
 * const response = issuePrivateMapKey({
 *   principal: { userId: 'alice', role: 'anchor' },
 *   request: parsePrivateMapKeyRequest({ roomId: 10000, privileges: ['enterRoom', 'sendAudio'] }),
 *   secret: { sdkAppId: 1400000000, secretKey },
 *   config,
 *   now: Math.floor(Date.now() / 1000),
 * });
 * ```
 */
export function issuePrivateMapKey(input: IssuePrivateMapKeyInput): PrivateMapKeyResponse {
  const { principal, request, secret, config } = input;
  assertSameUser(principal, request.userId);
  const now = requireNow(input.now);
  const expire = resolveExpiry(request.expire, config.expiry.privateMapKey);
  const room = parseRoom(request);
  const { privilegeMap, privileges } = grantRoomPrivileges({
    role: principal.role,
    requested: request.privileges,
    roles: config.rooms.roles,
    defaultRole: config.rooms.defaultRole,
  });
  const privateMapKey = genPrivateMapKey({
    sdkAppId: secret.sdkAppId,
    secretKey: secret.secretKey,
    userId: principal.userId,
    expire,
    now,
    privilegeMap,
    ...room,
  });
  return {
    sdkAppId: secret.sdkAppId,
    userId: principal.userId,
    privateMapKey,
    ...room,
    privilegeMap,
    privileges,
    ...tokenTimes(now, expire),
  };
}
