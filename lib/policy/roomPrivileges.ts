// The TRTC permission bits of a privateMapKey (the `dwPrivilegeMap` byte of the room userbuf), by name.
// A domain fact of the ticket format: configuration names roles in these terms, the policy computes
// with the masks, responses list the names in bit order.

/** The named TRTC permission bits (privilegeMap). */
export const ROOM_PRIVILEGES = Object.freeze({
  createRoom: 0x01,
  enterRoom: 0x02,
  sendAudio: 0x04,
  receiveAudio: 0x08,
  sendVideo: 0x10,
  receiveVideo: 0x20,
  sendSubStream: 0x40,
  receiveSubStream: 0x80,
});

/** One privilege name. */
export type RoomPrivilege = keyof typeof ROOM_PRIVILEGES;

/** Every privilege name, in bit order. */
export const ROOM_PRIVILEGE_NAMES: readonly RoomPrivilege[] = Object.freeze(
  (Object.keys(ROOM_PRIVILEGES) as RoomPrivilege[]).sort((a, b) => ROOM_PRIVILEGES[a] - ROOM_PRIVILEGES[b]),
);

/** The bit without which a ticket is useless: every issued ticket carries it. */
export const ENTER_ROOM = ROOM_PRIVILEGES.enterRoom;

/**
 * Whether a string names a privilege. `Object.hasOwn`, not `in`: `"toString"` or `"__proto__"` are not
 * privileges.
 *
 * @example
 * ```ts
 * isRoomPrivilege('sendAudio'); // true
 * isRoomPrivilege('constructor'); // false
 * ```
 */
export function isRoomPrivilege(name: unknown): name is RoomPrivilege {
  return typeof name === 'string' && Object.hasOwn(ROOM_PRIVILEGES, name);
}

/**
 * The mask of a list of privilege names (duplicates are harmless).
 *
 * @example
 * ```ts
 * privilegeMask(['enterRoom', 'receiveAudio']); // 0x0a
 * ```
 */
export function privilegeMask(names: readonly RoomPrivilege[]): number {
  let mask = 0;
  for (const name of names) mask |= ROOM_PRIVILEGES[name];
  return mask;
}

/**
 * The names of the bits set in `mask`, in bit order.
 *
 * @example
 * ```ts
 * privilegeNames(0x2a); // ['enterRoom', 'receiveAudio', 'receiveVideo']
 * ```
 */
export function privilegeNames(mask: number): RoomPrivilege[] {
  return ROOM_PRIVILEGE_NAMES.filter((name) => (mask & ROOM_PRIVILEGES[name]) !== 0);
}
