import * as v from 'valibot';

// Fields shared by every token request. They check JSON types only; ranges and meaning belong to
// lib/policy, so that each rule has one home and one error code (EXPIRE_TOO_LONG, USER_MISMATCH...).

/**
 * `expire`: requested lifetime in seconds; `resolveExpiry` applies the default and the cap.
 *
 * @example
 * ```ts
 * const Schema = v.strictObject({ expire: ExpireField });
 * ```
 */
export const ExpireField = v.exactOptional(v.number('must be a number of seconds'));

/**
 * `userId`: optional; when given it must equal the signed-in user (`assertSameUser`). Tokens are never
 * issued for the body's user id.
 *
 * @example
 * ```ts
 * const Schema = v.strictObject({ userId: UserIdField });
 * ```
 */
export const UserIdField = v.exactOptional(v.string('must be a string'));

/**
 * The message for a body that is not a JSON object (it follows "the body").
 *
 * @example
 * ```ts
 * const Schema = v.strictObject({ expire: ExpireField }, BODY_MESSAGE);
 * ```
 */
export const BODY_MESSAGE = 'must be a JSON object';

/**
 * Plain objects only. valibot's object schemas accept arrays (`[]` would pass as a body without
 * fields, `[1]` would report a field named "0"), so every top-level schema starts with this.
 *
 * @example
 * ```ts
 * const Schema = v.pipe(JsonObject, v.strictObject({ expire: ExpireField }));
 * ```
 */
export const JsonObject = v.custom<Record<string, unknown>>(isPlainObject, BODY_MESSAGE);

/**
 * True for `{}`-style objects (what `JSON.parse` makes), false for arrays, `null`, class instances.
 *
 * @example
 * ```ts
 * isPlainObject(JSON.parse('{"a":1}')); // true
 * isPlainObject([]); // false
 * ```
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
