import { ROOM_PRIVILEGES, type RoomPrivilege } from '../policy/roomPrivileges';
import type { UserSigDocument } from '../sign';
import { decodePrivateMapUserBuf } from '../sign/privateMapUserBuf';

// What a decoded ticket says, in the terms a person checks: which kind of ticket, for whom, until when,
// and for a privateMapKey which room and which named privileges. Pure: the clock is not needed here
// (relative times are the printer's business).

/** The room permission a privateMapKey's userbuf grants, decoded. */
export interface PrivateMapView {
  /** Numeric room (layout version 0) or string room (version 1). */
  readonly room: { readonly roomId: number } | { readonly strRoomId: string };
  readonly privilegeMap: number;
  /** Names of the set bits, in bit order. */
  readonly privileges: readonly RoomPrivilege[];
  /** Bits set beyond the eight TRTC defines (0 for tickets from any official library). */
  readonly unknownBits: number;
  /** Absolute expiry of the room permission, Unix seconds. */
  readonly expiresAt: number;
  /** The user id and SDKAppID written inside the userbuf. */
  readonly userId: string;
  readonly sdkAppId: number;
  /** Whether the userbuf names the same user and app as the ticket itself (TRTC requires it). */
  readonly matchesTicket: boolean;
}

/**
 * A ticket as `decode` shows it.
 *
 * @example
 * ```ts
 * const view: UserSigView = describeUserSig(decodeUserSig(userSig));
 * ```
 */
export interface UserSigView {
  readonly kind: 'userSig' | 'privateMapKey';
  readonly version: 1 | 2;
  readonly userId: string;
  readonly sdkAppId: number;
  /** `TLS.time`. */
  readonly issuedAt: number;
  /** Seconds, relative to `issuedAt`. */
  readonly expire: number;
  readonly expiresAt: number;
  readonly privateMap?: PrivateMapView;
  /** Size of a userbuf that is not a room permission (opaque bytes), and its start in hex. */
  readonly userBuf?: { readonly bytes: number; readonly hexStart: string };
  /** Signature size in bytes: 32 (HMAC-SHA256) for v2, about 70-72 (DER ECDSA) for v1. */
  readonly signatureBytes: number;
  /** `TLS.account_type` of a v1 ticket. */
  readonly accountType?: string;
}

const PRIVILEGES_IN_BIT_ORDER = (Object.keys(ROOM_PRIVILEGES) as RoomPrivilege[]).sort(
  (a, b) => ROOM_PRIVILEGES[a] - ROOM_PRIVILEGES[b],
);
const KNOWN_BITS = PRIVILEGES_IN_BIT_ORDER.reduce((mask, name) => mask | ROOM_PRIVILEGES[name], 0);
const HEX_PREVIEW_BYTES = 32;

/**
 * The names of the TRTC privilege bits set in `privilegeMap`, in bit order.
 *
 * @example
 * ```ts
 * privilegeNames(0x2a); // ['enterRoom', 'receiveAudio', 'receiveVideo']
 * ```
 */
export function privilegeNames(privilegeMap: number): RoomPrivilege[] {
  return PRIVILEGES_IN_BIT_ORDER.filter((name) => (privilegeMap & ROOM_PRIVILEGES[name]) !== 0);
}

/**
 * Describes a decoded (not verified) ticket: kind, ids, times and, when the userbuf is a privateMap
 * layout, the room, the privilege names and whether the userbuf agrees with the ticket.
 *
 * @example
 * ```ts
 * const view = describeUserSig(decodeUserSig(privateMapKey));
 * view.privateMap?.privileges; // ['enterRoom', 'receiveAudio', 'receiveVideo']
 * ```
 */
export function describeUserSig(doc: UserSigDocument): UserSigView {
  const decoded = doc.userBuf === undefined ? undefined : decodePrivateMapUserBuf(doc.userBuf);
  const accountType = doc.fields['TLS.account_type'];
  const common = {
    version: doc.version,
    userId: doc.userId,
    sdkAppId: doc.sdkAppId,
    issuedAt: doc.time,
    expire: doc.expire,
    expiresAt: doc.expiresAt,
    signatureBytes: doc.signature.length,
    ...(typeof accountType === 'string' ? { accountType } : {}),
  };
  if (decoded === undefined) {
    if (doc.userBuf === undefined) return { kind: 'userSig', ...common };
    const bytes = Buffer.from(doc.userBuf);
    return {
      kind: 'userSig',
      ...common,
      userBuf: { bytes: bytes.length, hexStart: bytes.subarray(0, HEX_PREVIEW_BYTES).toString('hex') },
    };
  }
  const userId = decoded.account.toString('utf8');
  return {
    kind: 'privateMapKey',
    ...common,
    privateMap: {
      room: decoded.roomId === undefined ? { strRoomId: decoded.strRoomId } : { roomId: decoded.roomId },
      privilegeMap: decoded.privilegeMap,
      privileges: privilegeNames(decoded.privilegeMap),
      unknownBits: decoded.privilegeMap & ~KNOWN_BITS,
      expiresAt: decoded.expiresAt,
      userId,
      sdkAppId: decoded.sdkAppId,
      matchesTicket:
        decoded.sdkAppId === doc.sdkAppId && decoded.account.equals(Buffer.from(doc.userId, 'utf8')),
    },
  };
}
