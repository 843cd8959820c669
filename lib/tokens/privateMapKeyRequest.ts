import * as v from 'valibot';
import { BODY_MESSAGE, ExpireField, JsonObject, UserIdField } from './commonFields';
import { parseRequestBody } from './parseRequestBody';

/** There are eight privilege names; a longer list can only repeat them. */
const MAX_PRIVILEGES = 8;

/**
 * Body of `POST /v1/privatemapkey`: `{ roomId | strRoomId, privileges?, expire?, userId? }`.
 *
 * `roomId` and `strRoomId` are typed `unknown` here on purpose: `parseRoom` owns TRTC's room rules
 * and reports every room problem with one code (`INVALID_ROOM`). `privileges`, when given, is a
 * non-empty list of names (an empty list would ask for a ticket that grants nothing); the names
 * themselves are checked by `grantRoomPrivileges`.
 *
 * @example
 * ```ts
 * v.parse(PrivateMapKeyRequestSchema, { roomId: 10000, privileges: ['enterRoom', 'receiveAudio'] });
 * ```
 */
export const PrivateMapKeyRequestSchema = v.pipe(
  JsonObject,
  v.strictObject(
    {
      roomId: v.exactOptional(v.unknown()),
      strRoomId: v.exactOptional(v.unknown()),
      privileges: v.exactOptional(
        v.pipe(
          v.array(v.string('must be a privilege name'), 'must be an array of privilege names'),
          v.minLength(1, 'must list at least one privilege (omit it to get all of your role)'),
          v.maxLength(MAX_PRIVILEGES, `must list at most ${MAX_PRIVILEGES} privileges`),
        ),
      ),
      expire: ExpireField,
      userId: UserIdField,
    },
    BODY_MESSAGE,
  ),
);

/**
 * A `POST /v1/privatemapkey` body whose JSON types are checked (not yet its policy).
 *
 * @example
 * ```ts
 * const request: PrivateMapKeyRequest = { strRoomId: 'lesson 7', expire: 600 };
 * ```
 */
export type PrivateMapKeyRequest = v.InferOutput<typeof PrivateMapKeyRequestSchema>;

/**
 * Checks a `POST /v1/privatemapkey` body.
 *
 * @throws {HttpError} `INVALID_REQUEST` naming each bad or unknown field (never its value).
 *
 * @example
 * ```ts
 * const request = parsePrivateMapKeyRequest({ roomId: 10000 });
 * ```
 */
export function parsePrivateMapKeyRequest(body: unknown): PrivateMapKeyRequest {
  return parseRequestBody(PrivateMapKeyRequestSchema, body);
}
