import * as v from 'valibot';
import { BODY_MESSAGE, ExpireField, isPlainObject, JsonObject, UserIdField } from './commonFields';
import { parseRequestBody } from './parseRequestBody';

/** Header and query parameter names: the set on which the SDK's two sort orders agree (see lib/sign). */
const PARAM_NAME = /^[A-Za-z0-9._~-]{1,64}$/;
const MAX_PARAMS = 20;
const MAX_VALUE_LENGTH = 1024;
/**
 * Names that cannot be passed through: valibot's record drops these three silently (prototype
 * safety), which would sign a different request than the client described; refuse them instead.
 */
const RESERVED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);
/**
 * A header value that an HTTP client sends byte-for-byte as signed: visible ASCII with inner spaces or
 * tabs. HTTP strips leading/trailing whitespace (the SDK signs it), fetch refuses code points above
 * U+00FF, and Latin-1 would travel as one byte but be signed as two UTF-8 bytes.
 */
const HEADER_VALUE = /^[\x21-\x7e](?:[\x20-\x7e\t]*[\x21-\x7e])?$/;
/** The COS SDKs describe numeric headers and parameters (Content-Length, partNumber) as numbers. */
const NumericValue = v.pipe(v.number(), v.finite('must be a finite number'));

function params(kind: 'headers' | 'query', value: v.GenericSchema<string | number, string | number>) {
  const names = kind === 'headers' ? 'header names' : 'parameter names';
  return v.pipe(
    v.custom<Record<string, unknown>>(isPlainObject, 'must be an object of name -> string or number value'),
    v.check((object) => Object.keys(object).length <= MAX_PARAMS, `must have at most ${MAX_PARAMS} entries`),
    v.check(
      (object) => Object.keys(object).every((name) => !RESERVED_NAMES.has(name)),
      'must not use __proto__, prototype or constructor as names',
    ),
    v.check((object) => {
      const lower = Object.keys(object).map((name) => name.toLowerCase());
      return new Set(lower).size === lower.length;
    }, `must not repeat ${names} that differ only in case`),
    v.record(v.pipe(v.string(), v.regex(PARAM_NAME, `${names} must match [A-Za-z0-9._~-]{1,64}`)), value),
  );
}

const HeadersField = v.exactOptional(
  params(
    'headers',
    v.union(
      [
        v.pipe(
          v.string(),
          v.maxLength(MAX_VALUE_LENGTH, `must be at most ${MAX_VALUE_LENGTH} characters`),
          v.regex(HEADER_VALUE, 'must be visible ASCII, without leading or trailing whitespace'),
        ),
        NumericValue,
      ],
      'must be a string or a number',
    ),
  ),
);

const QueryField = v.exactOptional(
  params(
    'query',
    v.union(
      [
        v.pipe(
          v.string(),
          v.maxLength(MAX_VALUE_LENGTH, `must be at most ${MAX_VALUE_LENGTH} characters`),
          // No UTF-8 form: the signed bytes would not be the ones the client writes.
          v.check((s) => s.isWellFormed(), 'must not contain unpaired UTF-16 surrogates'),
        ),
        NumericValue,
      ],
      'must be a string or a number',
    ),
  ),
);

/**
 * Body of `POST /v1/cos/sign` for a COS XML API (v5) request signature:
 * `{ version?: 'v5', method, key, headers?, query?, expire?, userId? }`.
 *
 * This is the request description the COS SDKs pass to `getAuthorization` (`Method`, `Key`, `Query`,
 * `Headers`) under lower-case names. `headers`/`query`: at most 20 entries each, names
 * `[A-Za-z0-9._~-]{1,64}` unique ignoring case, values strings of at most 1024 characters or finite
 * numbers; header strings visible ASCII without surrounding whitespace. What may be signed (method,
 * names, values, `Host`) is decided by `checkCosRequest` and `scopeCosKey`.
 *
 * @example
 * ```ts
 * v.parse(CosSignV5RequestSchema, { method: 'PUT', key: 'users/alice/a.jpg', headers: { 'Content-Type': 'image/jpeg' } });
 * ```
 */
export const CosSignV5RequestSchema = v.strictObject(
  {
    version: v.exactOptional(v.literal('v5', 'must be "v5" or "v4"')),
    method: v.string('must be a string'),
    key: v.string('must be a string'),
    headers: HeadersField,
    query: QueryField,
    expire: ExpireField,
    userId: UserIdField,
  },
  BODY_MESSAGE,
);

/**
 * Body of `POST /v1/cos/sign` for a legacy COS JSON API (v4) signature:
 * `{ version: 'v4', type: 'once' | 'reusable', key, expire?, userId? }`.
 *
 * `key` is optional in the schema only so that its absence is reported as the policy refusal it is
 * (`SCOPE_TOO_WIDE`: a key-less reusable signature would be valid for the whole bucket). `expire` is
 * refused with `type: 'once'`, which has no lifetime: accepting and ignoring it would mislead.
 *
 * @example
 * ```ts
 * v.parse(CosSignV4RequestSchema, { version: 'v4', type: 'reusable', key: 'users/alice/a.jpg', expire: 600 });
 * ```
 */
export const CosSignV4RequestSchema = v.pipe(
  v.strictObject(
    {
      version: v.literal('v4', 'must be "v5" or "v4"'),
      type: v.picklist(['once', 'reusable'], 'must be "once" or "reusable"'),
      key: v.exactOptional(v.string('must be a string')),
      expire: ExpireField,
      userId: UserIdField,
    },
    BODY_MESSAGE,
  ),
  v.forward(
    v.partialCheck(
      [['type'], ['expire']],
      (body) => !(body.type === 'once' && body.expire !== undefined),
      'must be omitted for a one-time signature',
    ),
    ['expire'],
  ),
);

/**
 * Body of `POST /v1/cos/sign`: v5 when `version` is absent or `'v5'`, v4 when it is `'v4'`.
 *
 * @example
 * ```ts
 * const request = v.parse(CosSignRequestSchema, body);
 * if (request.version === 'v4') console.log(request.type);
 * ```
 */
export const CosSignRequestSchema = v.pipe(
  JsonObject,
  v.variant('version', [CosSignV5RequestSchema, CosSignV4RequestSchema], 'must be "v5" or "v4"'),
);

/**
 * A checked v5 `POST /v1/cos/sign` body.
 *
 * @example
 * ```ts
 * const request: CosSignV5Request = { method: 'GET', key: 'users/alice/a.txt' };
 * ```
 */
export type CosSignV5Request = v.InferOutput<typeof CosSignV5RequestSchema>;

/**
 * A checked v4 `POST /v1/cos/sign` body.
 *
 * @example
 * ```ts
 * const request: CosSignV4Request = { version: 'v4', type: 'once', key: 'users/alice/a.txt' };
 * ```
 */
export type CosSignV4Request = v.InferOutput<typeof CosSignV4RequestSchema>;

/**
 * A checked `POST /v1/cos/sign` body of either version.
 *
 * @example
 * ```ts
 * const request: CosSignRequest = parseCosSignRequest(body);
 * ```
 */
export type CosSignRequest = v.InferOutput<typeof CosSignRequestSchema>;

/**
 * Checks a `POST /v1/cos/sign` body (v5 or v4).
 *
 * @throws {HttpError} `INVALID_REQUEST` naming each bad or unknown field (never its value).
 *
 * @example
 * ```ts
 * const request = parseCosSignRequest({ method: 'GET', key: 'users/alice/a.txt' });
 * ```
 */
export function parseCosSignRequest(body: unknown): CosSignRequest {
  return parseRequestBody(CosSignRequestSchema, body);
}
