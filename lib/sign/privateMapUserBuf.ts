// The binary room-permission structure that a privateMapKey carries in its userbuf. All integers are
// big-endian. Version 0 names a numeric room; version 1 appends a length-prefixed string room id and
// writes 0 as the numeric room. Ids are written as UTF-8 with their byte length, as the Go, PHP and
// C++ libraries do (the Node library writes the low byte of each UTF-16 code unit instead, which is
// only identical for ASCII).

/** What a privateMapKey grants, as decoded from its userbuf. */
export type PrivateMap = {
  /** Permission bits (0x01 create, 0x02 enter, 0x04 send audio, ... 0x80 receive sub-stream). */
  readonly privilegeMap: number;
  /** Absolute expiry of the room permission, Unix seconds. */
  readonly expiresAt: number;
} & (
  | { /** Numeric TRTC room id (layout version 0). */ readonly roomId: number; readonly strRoomId?: never }
  | { /** String TRTC room id (layout version 1). */ readonly strRoomId: string; readonly roomId?: never }
);

export interface PrivateMapFields {
  readonly userId: string;
  readonly sdkAppId: number;
  readonly roomId?: number;
  readonly strRoomId?: string;
  readonly expiresAt: number;
  readonly privilegeMap: number;
}

const FIXED_PART = 1 + 2 + 4 + 4 + 4 + 4 + 4;

export function encodePrivateMapUserBuf(fields: PrivateMapFields): Buffer {
  const accountLength = Buffer.byteLength(fields.userId, 'utf8');
  const roomLength = fields.strRoomId === undefined ? -1 : Buffer.byteLength(fields.strRoomId, 'utf8');
  const hasRoom = roomLength >= 0;
  // Every byte is written below, so the buffer need not be zero-filled first (hot path).
  const out = Buffer.allocUnsafe(FIXED_PART + accountLength + (hasRoom ? 2 + roomLength : 0));
  let at = out.writeUInt8(hasRoom ? 1 : 0, 0);
  at = out.writeUInt16BE(accountLength, at);
  at += out.write(fields.userId, at, 'utf8');
  at = out.writeUInt32BE(fields.sdkAppId, at);
  at = out.writeUInt32BE(hasRoom ? 0 : (fields.roomId ?? 0), at);
  at = out.writeUInt32BE(fields.expiresAt, at);
  at = out.writeUInt32BE(fields.privilegeMap, at);
  at = out.writeUInt32BE(0, at); // dwAccountType: always 0 in every official library
  if (hasRoom) {
    at = out.writeUInt16BE(roomLength, at);
    out.write(fields.strRoomId as string, at, 'utf8');
  }
  return out;
}

/**
 * Reads a userbuf as a privateMap layout. Returns undefined unless the bytes are exactly one
 * well-formed structure (no trailing bytes, valid UTF-8 room string), so an arbitrary userbuf is
 * never misread as a room permission.
 */
export function decodePrivateMapUserBuf(
  bytes: Uint8Array,
): (PrivateMap & { readonly account: Buffer; readonly sdkAppId: number }) | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < FIXED_PART) return undefined;
  const version = buf.readUInt8(0);
  if (version !== 0 && version !== 1) return undefined;
  const accountLength = buf.readUInt16BE(1);
  let at = 3 + accountLength;
  if (buf.length < at + 20) return undefined;
  const account = buf.subarray(3, at);
  const sdkAppId = buf.readUInt32BE(at);
  const roomId = buf.readUInt32BE(at + 4);
  const expiresAt = buf.readUInt32BE(at + 8);
  const privilegeMap = buf.readUInt32BE(at + 12);
  at += 20;
  if (version === 0) {
    if (at !== buf.length) return undefined;
    return { account, sdkAppId, roomId, privilegeMap, expiresAt };
  }
  if (buf.length < at + 2) return undefined;
  const roomLength = buf.readUInt16BE(at);
  at += 2;
  if (at + roomLength !== buf.length || roomId !== 0) return undefined;
  const roomBytes = buf.subarray(at);
  const strRoomId = roomBytes.toString('utf8');
  if (!Buffer.from(strRoomId, 'utf8').equals(roomBytes)) return undefined;
  return { account, sdkAppId, strRoomId, privilegeMap, expiresAt };
}
