import { isDeepStrictEqual } from 'node:util';
import { E2E_ROOMS } from '../../e2e/support/fixtures';
import type { ClaimEntrySpec, RoomsClaimSpec } from './hostileRequests';

// An independent model of the stack's room policy (E2E_ROOMS: the rooms claim, four rules, the example
// 1:1-call hook) for the fuzz oracle: which privileges a session gets in a room, or why none. Written
// from the README's description, not from lib/policy, so that the two can disagree.

/** The service's default roles (ROOM_ROLES unset). */
export const ROLE_PRIVILEGES: Readonly<Record<string, readonly string[]>> = {
  anchor: [
    'createRoom',
    'enterRoom',
    'sendAudio',
    'receiveAudio',
    'sendVideo',
    'receiveVideo',
    'sendSubStream',
    'receiveSubStream',
  ],
  audience: ['createRoom', 'enterRoom', 'receiveAudio', 'receiveVideo', 'receiveSubStream'],
};
const BIT_ORDER = ROLE_PRIVILEGES.anchor as readonly string[];
/** What the example hook gives the callee of a 1:1 call room. */
const CALLEE = ['enterRoom', 'sendAudio', 'receiveAudio', 'sendVideo', 'receiveVideo'];

// The model hard-codes the stack's rules: fail loudly when the fixture changes without it.
const MODELLED_RULES = [
  { strRoomId: 'u.{userId}.*', role: 'anchor' },
  { strRoomId: 'call.{userId}.*', role: 'anchor' },
  { roomId: '{userId}', role: 'anchor' },
  { strRoomId: 'lobby', role: 'audience' },
];
if (E2E_ROOMS.policy !== 'claims,rules,hook' || !isDeepStrictEqual([...E2E_ROOMS.rules], MODELLED_RULES)) {
  throw new Error('roomPolicyModel.ts models another room policy than E2E_ROOMS: update the model');
}

/** Who asks, as the model needs it. */
export interface ModelPrincipal {
  readonly userId: string;
  readonly role?: string;
  readonly rooms?: RoomsClaimSpec;
}

/** A room of a request body. */
export type ModelRoom = { readonly roomId: number } | { readonly strRoomId: string };

function entryMatches(entry: ClaimEntrySpec, room: ModelRoom): boolean {
  if (entry.kind === 'num') return 'roomId' in room && room.roomId === entry.roomId;
  if (!('strRoomId' in room)) return false;
  return entry.star ? room.strRoomId.startsWith(entry.text) : room.strRoomId === entry.text;
}

/**
 * The privileges the stack grants `principal` in `room` for a request naming `requested` (valid names,
 * enterRoom among them) or none (`undefined`): the names in bit order, or why nothing is issued.
 */
export function modelRoomGrant(
  principal: ModelPrincipal,
  room: ModelRoom,
  requested: readonly string[] | undefined,
): { readonly names: readonly string[] } | { readonly refused: string } {
  const granted = new Set<string>();
  const entries = principal.rooms?.entries ?? [];
  if (entries === 'malformed') return { refused: 'a malformed rooms claim' };
  for (const entry of entries) {
    if (!entryMatches(entry, room)) continue;
    const names = ROLE_PRIVILEGES[entry.role ?? principal.role ?? 'audience'];
    if (names === undefined || !Object.hasOwn(ROLE_PRIVILEGES, entry.role ?? principal.role ?? 'audience')) {
      return { refused: 'a matching claim with an unknown role' };
    }
    for (const name of names) granted.add(name);
  }
  const id = principal.userId;
  const add = (role: string) => {
    for (const name of ROLE_PRIVILEGES[role] ?? []) granted.add(name);
  };
  if ('strRoomId' in room) {
    if (room.strRoomId.startsWith(`u.${id}.`) || room.strRoomId.startsWith(`call.${id}.`)) add('anchor');
    if (room.strRoomId === 'lobby') add('audience');
  } else if (String(room.roomId) === id) {
    add('anchor');
  }
  // The hook is asked only when claims and rules do not cover the request.
  const covered =
    requested === undefined ? granted.has('enterRoom') : requested.every((name) => granted.has(name));
  if (!covered && 'strRoomId' in room) {
    const call = /^call\.([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]{1,32})$/.exec(room.strRoomId);
    if (call !== null && call[2] === id && call[1] !== id) for (const name of CALLEE) granted.add(name);
  }
  if (!granted.has('enterRoom')) return { refused: 'a room the policy does not grant' };
  if (requested !== undefined && !requested.every((name) => granted.has(name))) {
    return { refused: 'privileges beyond the room grant' };
  }
  const names = requested ?? [...granted];
  return { names: BIT_ORDER.filter((name) => names.includes(name)) };
}
