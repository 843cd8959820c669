import * as v from 'valibot';
import { BODY_MESSAGE, ExpireField, JsonObject, UserIdField } from './commonFields';
import { parseRequestBody } from './parseRequestBody';

/**
 * Body of `POST /v1/usersig`: `{ expire?, userId? }`. Unknown fields are refused, so a misspelt
 * `expires` is an error instead of a silently default lifetime.
 *
 * @example
 * ```ts
 * v.parse(UserSigRequestSchema, { expire: 3600 }); // { expire: 3600 }
 * ```
 */
export const UserSigRequestSchema = v.pipe(
  JsonObject,
  v.strictObject({ expire: ExpireField, userId: UserIdField }, BODY_MESSAGE),
);

/**
 * A `POST /v1/usersig` body whose JSON types are checked (not yet its policy).
 *
 * @example
 * ```ts
 * const request: UserSigRequest = { expire: 3600 };
 * ```
 */
export type UserSigRequest = v.InferOutput<typeof UserSigRequestSchema>;

/**
 * Checks a `POST /v1/usersig` body.
 *
 * @throws {HttpError} `INVALID_REQUEST` naming each bad or unknown field (never its value).
 *
 * @example
 * ```ts
 * const request = parseUserSigRequest(JSON.parse(event.body)); // { expire?: number, userId?: string }
 * ```
 */
export function parseUserSigRequest(body: unknown): UserSigRequest {
  return parseRequestBody(UserSigRequestSchema, body);
}
