import * as v from 'valibot';
import { BODY_MESSAGE, ExpireField, JsonObject, UserIdField } from './commonFields';
import { parseRequestBody } from './parseRequestBody';

/**
 * Body of `POST /v1/cos/credentials`: `{ expire?, userId? }`. What the credentials may do is server-side
 * policy (the configured actions on the caller's prefix), so there is nothing else to ask for.
 *
 * @example
 * ```ts
 * v.parse(CosCredentialsRequestSchema, { expire: 900 }); // { expire: 900 }
 * ```
 */
export const CosCredentialsRequestSchema = v.pipe(
  JsonObject,
  v.strictObject({ expire: ExpireField, userId: UserIdField }, BODY_MESSAGE),
);

/**
 * A `POST /v1/cos/credentials` body whose JSON types are checked (not yet its policy).
 *
 * @example
 * ```ts
 * const request: CosCredentialsRequest = { expire: 900 };
 * ```
 */
export type CosCredentialsRequest = v.InferOutput<typeof CosCredentialsRequestSchema>;

/**
 * Checks a `POST /v1/cos/credentials` body.
 *
 * @throws {HttpError} `INVALID_REQUEST` naming each bad or unknown field (never its value).
 *
 * @example
 * ```ts
 * const request = parseCosCredentialsRequest({ expire: 900 });
 * ```
 */
export function parseCosCredentialsRequest(body: unknown): CosCredentialsRequest {
  return parseRequestBody(CosCredentialsRequestSchema, body);
}
