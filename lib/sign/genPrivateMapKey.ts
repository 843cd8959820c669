import { checkUserSigV2Input, sealUserSigV2 } from './genUserSig';
import { requireInteger, requireSignableText, UINT32_MAX } from './inputGuards';
import { encodePrivateMapUserBuf } from './privateMapUserBuf';
import { SignError } from './SignError';

/** Inputs of {@link genPrivateMapKey}: exactly one of `roomId` and `strRoomId`. */
export type GenPrivateMapKeyParams = {
  readonly sdkAppId: number;
  readonly secretKey: string;
  readonly userId: string;
  /** Validity in seconds relative to `now`; `now + expire` must fit in 32 bits. */
  readonly expire: number;
  /** Current Unix time in whole seconds, read once: it gives both `TLS.time` and the room expiry. */
  readonly now: number;
  /** Permission bits, 0 .. 255 (0xff all, 0xab audience). */
  readonly privilegeMap: number;
} & (
  | { readonly roomId: number; readonly strRoomId?: undefined }
  | { readonly strRoomId: string; readonly roomId?: undefined }
);

/** TRTC's documented numeric room range; 0 would be indistinguishable from "no room" elsewhere. */
export const MAX_ROOM_ID = 4_294_967_294;
const MAX_ROOM_BYTES = 0xffff;

/** Validates the room and privilege part shared by the v1 and v2 privateMapKey generators. */
export function checkRoom(params: Record<string, unknown>): { roomId?: number; strRoomId?: string } {
  const hasRoomId = params.roomId !== undefined;
  const hasStrRoomId = params.strRoomId !== undefined;
  if (hasRoomId === hasStrRoomId) {
    throw new SignError('ERR_INPUT', 'exactly one of roomId and strRoomId must be given');
  }
  if (hasRoomId) return { roomId: requireInteger('roomId', params.roomId, 1, MAX_ROOM_ID) };
  const strRoomId = requireSignableText('strRoomId', params.strRoomId, MAX_ROOM_BYTES);
  // The official libraries disagree on "": one writes a string-room layout, the others room 0.
  if (strRoomId.length === 0) throw new SignError('ERR_INPUT', 'strRoomId must not be empty');
  return { strRoomId };
}

/**
 * Generates a TRTC privateMapKey (room permission ticket): a v2 userSig whose userbuf names the room,
 * the permission bits and the absolute expiry `now + expire`.
 *
 * Compatible with `genPrivateMapKey` / `genPrivateMapKeyWithStringRoomID` of `tls-sig-api-v2` for
 * ASCII ids; ids are written as UTF-8 (as the Go, PHP and C++ libraries do).
 *
 * @throws TypeError when an argument has the wrong type.
 * @throws SignError `ERR_INPUT` for an empty `strRoomId`, both or neither room fields, a room id
 * outside 1 .. 4294967294, a privilege map above 255, or `now + expire` beyond 32 bits.
 *
 * @example
 * ```ts
 * const privateMapKey = genPrivateMapKey({
 *   sdkAppId: 1400000000,
 *   secretKey: process.env.TRTC_SECRET_KEY!,
 *   userId: 'xiaojun',
 *   expire: 300,
 *   now: Math.floor(Date.now() / 1000),
 *   roomId: 10000,
 *   privilegeMap: 0xab,
 * });
 * ```
 */
export function genPrivateMapKey(params: GenPrivateMapKeyParams): string {
  const input = checkUserSigV2Input(params);
  const room = checkRoom(params as unknown as Record<string, unknown>);
  const privilegeMap = requireInteger('privilegeMap', params.privilegeMap, 0, 0xff);
  const expiresAt = input.now + input.expire;
  if (expiresAt > UINT32_MAX) throw new SignError('ERR_INPUT', 'now + expire must fit in 32 bits');
  const userBuf = encodePrivateMapUserBuf({
    userId: input.userId,
    sdkAppId: input.sdkAppId,
    ...room,
    expiresAt,
    privilegeMap,
  });
  return sealUserSigV2(input, userBuf);
}
