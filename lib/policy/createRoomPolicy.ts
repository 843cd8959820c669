import type { Principal } from '../session/Principal';
import { PolicyError } from './PolicyError';
import type { Room } from './parseRoom';
import { parseRoomClaim } from './roomClaims';
import { roomMatches } from './roomPattern';
import {
  ENTER_ROOM,
  isRoomPrivilege,
  privilegeMask,
  privilegeNames,
  ROOM_PRIVILEGE_NAMES,
  type RoomPrivilege,
} from './roomPrivileges';
import type { RoomRule } from './roomRules';

// The room policy: which rooms a caller may enter, with which privileges. Deny by default: a room that
// no configured kind grants is refused. The kinds only ever add: claims and rules are evaluated first
// (pure, local); the hook is asked only when they do not already cover the request, so a hook outage
// never takes away rooms that claims or rules grant, and no kind can revoke what another granted.

/** A kind of room policy. */
export type RoomPolicyKind = 'claims' | 'rules' | 'hook';

/** What the app's hook is asked (the JSON payload of the Lambda invocation). */
export type RoomHookQuestion = {
  readonly userId: string;
  /** The session's role claim, `null` when the session has none. */
  readonly role: string | null;
  /** The privileges asked for, `null` when the request named none ("all the policy allows"). */
  readonly privileges: readonly RoomPrivilege[] | null;
  /** The session claims selected by ROOM_HOOK_CLAIMS (those the token carries). */
  readonly claims: Readonly<Record<string, unknown>>;
} & Room;

/** The hook's answer: deny, or allow with the privileges the user may have in that room. */
export interface RoomHookAnswer {
  readonly allow: boolean;
  readonly privileges: readonly RoomPrivilege[];
}

/** Asks the app's hook; rejects (never resolves to an allow) when the hook cannot answer. */
export type AskRoomHook = (question: RoomHookQuestion) => Promise<RoomHookAnswer>;

/** The policy's settings (from configuration). */
export interface RoomPolicySettings {
  readonly kinds: readonly RoomPolicyKind[];
  /** The session claim the `claims` kind reads. */
  readonly claim: string;
  readonly rules: readonly RoomRule[];
  /** The session claims passed on to the hook. */
  readonly hookClaims: readonly string[];
  readonly roles: Readonly<Record<string, readonly RoomPrivilege[]>>;
  /** Role of sessions without a role claim. */
  readonly defaultRole: string;
}

/** One request to enter a room. */
export interface RoomAccessRequest {
  readonly principal: Principal;
  readonly room: Room;
  /** Privilege names asked for; `undefined` means everything the policy allows in that room. */
  readonly requested?: readonly string[] | undefined;
}

/** What the policy grants: the mask, the names in bit order, and the kinds that granted bits. */
export interface RoomAccess {
  readonly privilegeMap: number;
  readonly privileges: RoomPrivilege[];
  readonly grantedBy: RoomPolicyKind[];
}

/** A compiled room policy. */
export interface RoomPolicy {
  readonly kinds: readonly RoomPolicyKind[];
  decide(request: RoomAccessRequest): Promise<RoomAccess>;
}

const KNOWN_NAMES = ROOM_PRIVILEGE_NAMES.join(', ');

function requestedMask(requested: readonly string[] | undefined): number | undefined {
  if (requested === undefined) return undefined;
  if (!Array.isArray(requested)) throw new TypeError('requested must be an array of strings');
  let mask = 0;
  requested.forEach((name: unknown, index) => {
    if (typeof name !== 'string') throw new TypeError('requested must be an array of strings');
    // The message names the position, not the value: client text is never echoed.
    if (!isRoomPrivilege(name)) {
      throw new PolicyError(
        'UNKNOWN_PRIVILEGE',
        `privileges[${index}] is not a privilege name (one of ${KNOWN_NAMES})`,
      );
    }
    mask |= privilegeMask([name]);
  });
  // A ticket without enterRoom cannot enter its room: refused rather than silently widened.
  if ((mask & ENTER_ROOM) === 0) {
    throw new PolicyError(
      'ENTER_ROOM_REQUIRED',
      'privileges must include enterRoom: a ticket without it cannot enter the room',
    );
  }
  return mask;
}

function roleMask(roles: RoomPolicySettings['roles'], role: string): number {
  // hasOwn: a role named "constructor" must not find Object.prototype.constructor.
  const names = Object.hasOwn(roles, role) ? roles[role] : undefined;
  if (names === undefined)
    throw new PolicyError(
      'ROLE_UNKNOWN',
      'the room role of the signed-in user is not one this service knows',
    );
  return privilegeMask(names);
}

/**
 * Compiles the room policy. `askHook` is required when the kinds include `hook`.
 *
 * `decide` refuses with a PolicyError: `UNKNOWN_PRIVILEGE` (400) and `ENTER_ROOM_REQUIRED` (400) for
 * the request itself, `ROOM_FORBIDDEN` (403) when no kind grants the room (or the rooms claim is
 * malformed), `PRIVILEGES_EXCEEDED` (403) when the request asks for more than the grant, `ROLE_UNKNOWN`
 * (403) when a matching claim, or the session, names a role that ROOM_ROLES lacks. A hook failure
 * rejects with whatever `askHook` rejects with.
 *
 * @example
 * ```ts
 * const policy = createRoomPolicy({ kinds: ['claims'], claim: 'trtc_rooms', rules: [], hookClaims: [], roles, defaultRole: 'audience' });
 * await policy.decide({
 *   principal: { userId: 'alice', claims: { trtc_rooms: { 'class-42': 'anchor' } } },
 *   room: { strRoomId: 'class-42' },
 *   requested: ['enterRoom', 'sendAudio'],
 * }); // { privilegeMap: 0x06, privileges: ['enterRoom', 'sendAudio'], grantedBy: ['claims'] }
 * ```
 */
export function createRoomPolicy(
  settings: RoomPolicySettings,
  deps: { askHook?: AskRoomHook } = {},
): RoomPolicy {
  const { kinds, roles, defaultRole } = settings;
  const useClaims = kinds.includes('claims');
  const useRules = kinds.includes('rules');
  const askHook = kinds.includes('hook') ? deps.askHook : undefined;
  if (kinds.includes('hook') && askHook === undefined) {
    throw new TypeError('createRoomPolicy: the hook kind needs askHook');
  }

  return {
    kinds,
    async decide({ principal, room, requested }) {
      const wanted = requestedMask(requested);
      const { userId } = principal;
      const sessionRole = principal.role ?? defaultRole;
      const grantedBy: RoomPolicyKind[] = [];
      let mask = 0;

      if (useClaims) {
        let claimMask = 0;
        for (const entry of parseRoomClaim(principal.claims?.[settings.claim])) {
          if (roomMatches(entry.pattern, room, userId))
            claimMask |= roleMask(roles, entry.role ?? sessionRole);
        }
        if (claimMask !== 0) grantedBy.push('claims');
        mask |= claimMask;
      }
      if (useRules) {
        let ruleMask = 0;
        for (const rule of settings.rules) {
          if (roomMatches(rule.pattern, room, userId)) ruleMask |= roleMask(roles, rule.role);
        }
        if (ruleMask !== 0) grantedBy.push('rules');
        mask |= ruleMask;
      }
      const covered = wanted === undefined ? (mask & ENTER_ROOM) !== 0 : (wanted & ~mask) === 0;
      if (askHook !== undefined && !covered) {
        const answer = await askHook({
          userId,
          role: principal.role ?? null,
          ...room,
          privileges: wanted === undefined ? null : privilegeNames(wanted),
          claims: selectClaims(principal, settings.hookClaims),
        });
        const hookMask = answer.allow ? privilegeMask(answer.privileges) : 0;
        if (hookMask !== 0) grantedBy.push('hook');
        mask |= hookMask;
      }

      if ((mask & ENTER_ROOM) === 0)
        throw new PolicyError(
          'ROOM_FORBIDDEN',
          'the room policy does not let the signed-in user enter this room',
        );
      if (wanted !== undefined && (wanted & ~mask) !== 0) {
        throw new PolicyError(
          'PRIVILEGES_EXCEEDED',
          `the room policy does not allow the signed-in user: ${privilegeNames(wanted & ~mask).join(', ')}`,
        );
      }
      const privilegeMap = wanted ?? mask;
      return { privilegeMap, privileges: privilegeNames(privilegeMap), grantedBy };
    },
  };
}

function selectClaims(principal: Principal, names: readonly string[]): Record<string, unknown> {
  const claims = principal.claims;
  // fromEntries defines own properties, so even a claim named __proto__ stays plain data.
  return Object.fromEntries(
    claims === undefined
      ? []
      : names.filter((name) => Object.hasOwn(claims, name)).map((name) => [name, claims[name]]),
  );
}
