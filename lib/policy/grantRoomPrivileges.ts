import { ROOM_PRIVILEGES, type RoomPrivilege } from '../config';
import { PolicyError } from './PolicyError';

/**
 * Inputs of {@link grantRoomPrivileges}.
 *
 * @example
 * ```ts
 * const input: GrantRoomPrivilegesInput = {
 *   role: principal.role,
 *   requested: ['enterRoom', 'receiveAudio'],
 *   roles: config.rooms.roles,
 *   defaultRole: config.rooms.defaultRole,
 * };
 * ```
 */
export interface GrantRoomPrivilegesInput {
  /** The principal's role claim; `undefined` means the default role. */
  readonly role?: string | undefined;
  /** Privilege names the client asks for; `undefined` means "everything my role allows". */
  readonly requested?: readonly string[] | undefined;
  /** Server-side policy: role name -> the privileges that role may receive. */
  readonly roles: Readonly<Record<string, readonly RoomPrivilege[]>>;
  readonly defaultRole: string;
}

/**
 * What a privateMapKey grants: the bit mask and the same bits by name, in bit order.
 *
 * @example
 * ```ts
 * const grant: RoomGrant = { privilegeMap: 0x0a, privileges: ['enterRoom', 'receiveAudio'] };
 * ```
 */
export interface RoomGrant {
  readonly privilegeMap: number;
  readonly privileges: RoomPrivilege[];
}

const NAMES_IN_BIT_ORDER = (Object.keys(ROOM_PRIVILEGES) as RoomPrivilege[]).sort(
  (a, b) => ROOM_PRIVILEGES[a] - ROOM_PRIVILEGES[b],
);
const KNOWN_NAMES = NAMES_IN_BIT_ORDER.join(', ');

function isRoomPrivilege(name: string): name is RoomPrivilege {
  // hasOwn, not `in`: "toString" or "__proto__" must not count as privileges.
  return Object.hasOwn(ROOM_PRIVILEGES, name);
}

/**
 * Decides the TRTC privilege bits of a privateMapKey: the role's allowed bits (from server-side
 * policy), or the subset the client asks for. A client may ask for less, never more.
 *
 * @throws {TypeError} when `role` or `requested` has the wrong type (the schema checked them).
 * @throws {PolicyError} `ROLE_UNKNOWN` (403) when the role is not in the policy; `UNKNOWN_PRIVILEGE`
 * (400) for a name that is not a TRTC privilege; `PRIVILEGES_EXCEEDED` (403) when any requested bit is
 * outside the role.
 *
 * @example
 * ```ts
 * grantRoomPrivileges({
 *   role: 'audience',
 *   requested: ['enterRoom', 'receiveVideo'],
 *   roles: { audience: ['createRoom', 'enterRoom', 'receiveAudio', 'receiveVideo', 'receiveSubStream'] },
 *   defaultRole: 'audience',
 * }); // { privilegeMap: 0x22, privileges: ['enterRoom', 'receiveVideo'] }
 * ```
 */
export function grantRoomPrivileges(input: GrantRoomPrivilegesInput): RoomGrant {
  const role = input.role ?? input.defaultRole;
  if (typeof role !== 'string') throw new TypeError('role must be a string');
  // hasOwn: a role claim of "constructor" must not find Object.prototype.constructor.
  const allowedNames = Object.hasOwn(input.roles, role) ? input.roles[role] : undefined;
  if (allowedNames === undefined) {
    throw new PolicyError('ROLE_UNKNOWN', 'the signed-in user has no room role that this service knows');
  }
  let allowed = 0;
  for (const name of allowedNames) allowed |= ROOM_PRIVILEGES[name];

  if (input.requested === undefined) return grantOf(allowed);
  if (!Array.isArray(input.requested)) throw new TypeError('requested must be an array of strings');

  let wanted = 0;
  input.requested.forEach((name: unknown, index) => {
    if (typeof name !== 'string') throw new TypeError('requested must be an array of strings');
    // The message names the position, not the value: client text is never echoed.
    if (!isRoomPrivilege(name)) {
      throw new PolicyError(
        'UNKNOWN_PRIVILEGE',
        `privileges[${index}] is not a privilege name (one of ${KNOWN_NAMES})`,
      );
    }
    wanted |= ROOM_PRIVILEGES[name];
  });
  if ((wanted & ~allowed) !== 0) {
    const excess = namesOf(wanted & ~allowed).join(', ');
    throw new PolicyError('PRIVILEGES_EXCEEDED', `the signed-in user's role does not allow: ${excess}`);
  }
  return grantOf(wanted);
}

function namesOf(mask: number): RoomPrivilege[] {
  return NAMES_IN_BIT_ORDER.filter((name) => (mask & ROOM_PRIVILEGES[name]) !== 0);
}

function grantOf(privilegeMap: number): RoomGrant {
  return { privilegeMap, privileges: namesOf(privilegeMap) };
}
