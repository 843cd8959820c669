import type { Principal } from './Principal';

/**
 * The configured context claims that a verified token carries, as `{ claims }` (or `{}` when it carries
 * none), to spread into a Principal. Values are kept as the token has them (any JSON): the room policy
 * checks the ones it reads, the hook receives the others as they are.
 *
 * @example
 * ```ts
 * selectContextClaims({ sub: 'alice', trtc_rooms: ['lobby'] }, ['trtc_rooms']); // { claims: { trtc_rooms: ['lobby'] } }
 * selectContextClaims({ sub: 'alice' }, ['trtc_rooms']); // {}
 * ```
 */
export function selectContextClaims(
  payload: Readonly<Record<string, unknown>>,
  names: readonly string[] | undefined,
): Pick<Principal, 'claims'> {
  const present = (names ?? []).filter((name) => Object.hasOwn(payload, name));
  if (present.length === 0) return {};
  // fromEntries defines own properties: a claim named like an Object.prototype member stays data.
  return { claims: Object.freeze(Object.fromEntries(present.map((name) => [name, payload[name]]))) };
}
