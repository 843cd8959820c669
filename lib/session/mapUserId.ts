import { createHash } from 'node:crypto';
import type { UserIdMapping } from '../config';
import { TENCENT_USER_ID } from './Principal';

// Identity providers name users in ways Tencent does not accept: a Cognito `sub` is a 36-character UUID,
// an Auth0 `sub` looks like `auth0|64f1...`. Tencent user ids are at most 32 bytes of [A-Za-z0-9_-]. The
// mapping is chosen by configuration and is deterministic: the same subject always becomes the same
// Tencent user (IM history, friends and COS prefix follow it), and two subjects never share one.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The digest is at most 1 KB of subject: no identity provider issues longer ones, attackers might. */
const MAX_SUBJECT_LENGTH = 1024;

/**
 * Maps a session subject to a Tencent user id, or returns `undefined` when the subject cannot be mapped
 * (the caller answers 403 `USER_ID_UNMAPPABLE`).
 *
 * - `exact`: the subject itself, when it already is a Tencent user id (never trimmed or altered).
 * - `uuid`: a UUID subject in its compact form: 32 lower-case hex digits without hyphens. UUIDs are
 *   case-insensitive (RFC 9562), so `A1B2...` and `a1b2...` are the same user.
 * - `digest`: any subject, as the first 32 characters of the base64url SHA-256 of its UTF-8 bytes
 *   (192 bits: collisions are out of reach, and only `[A-Za-z0-9_-]` occurs).
 *
 * @example
 * ```ts
 * mapUserId('exact', 'alice'); // 'alice'
 * mapUserId('uuid', '3f2504e0-4f89-11d3-9a0c-0305e82c3301'); // '3f2504e04f8911d39a0c0305e82c3301'
 * mapUserId('digest', 'auth0|64f1c2d3e4'); // 32 characters of [A-Za-z0-9_-]
 * mapUserId('exact', 'auth0|64f1c2d3e4'); // undefined
 * ```
 */
export function mapUserId(mapping: UserIdMapping, subject: unknown): string | undefined {
  if (typeof subject !== 'string' || subject === '') return undefined;
  switch (mapping) {
    case 'exact':
      return TENCENT_USER_ID.test(subject) ? subject : undefined;
    case 'uuid':
      return UUID.test(subject) ? subject.replaceAll('-', '').toLowerCase() : undefined;
    case 'digest':
      if (subject.length > MAX_SUBJECT_LENGTH || !subject.isWellFormed()) return undefined;
      return createHash('sha256').update(subject, 'utf8').digest('base64url').slice(0, 32);
    default:
      throw new TypeError('mapUserId: mapping must be exact, uuid or digest');
  }
}
