import fc from 'fast-check';
import { ROOM_PRIVILEGES } from '../../../lib/policy/roomPrivileges';
import type { Route } from '../../e2e/support/client';
import { cosPrefixOf, E2E_COS_HOST } from '../../e2e/support/fixtures';
import { COS_HEADER_NAMES, COS_QUERY_NAMES, caseVariant, cosValue, MODEL_UPLOAD_TYPES } from './cosNames';

// fast-check generators of hostile requests to one token route, as data (sent by the fuzz test, judged by
// ./oracle.ts): a principal (mostly a valid session, sometimes none or a broken one), a body (a valid one,
// or one of many kinds of damage), a content type, extra headers, and the channel: the gateway, or the
// Lambda Invoke API for bodies the gateway emulation cannot deliver (base64 bytes that are not UTF-8).

/** One entry of a generated rooms claim, as the oracle evaluates it (see lib/policy/roomClaims.ts). */
export type ClaimEntrySpec =
  | { readonly kind: 'str'; readonly text: string; readonly star: boolean; readonly role?: string }
  | { readonly kind: 'num'; readonly roomId: number; readonly role?: string };

/** The rooms claim of a session (`trtc_rooms`): the JSON it carries, and its meaning, or `malformed`. */
export interface RoomsClaimSpec {
  readonly json: unknown;
  readonly entries: readonly ClaimEntrySpec[] | 'malformed';
}

/** How the request authenticates. Only `session` is a principal; everything else must be a 401. */
export type AuthSpec =
  | {
      readonly kind: 'session';
      readonly userId: string;
      readonly role?: string;
      readonly rooms?: RoomsClaimSpec;
    }
  | { readonly kind: 'none' }
  /** `Authorization: <value>` verbatim (garbage). */
  | { readonly kind: 'raw'; readonly value: string }
  /** A session token of `userId` broken in one way. */
  | { readonly kind: 'broken'; readonly userId: string; readonly how: BrokenSession }
  /** Two valid `Authorization` values (the caller's and another user's), joined into one header. */
  | { readonly kind: 'doubled'; readonly userId: string; readonly other: string };

export type BrokenSession =
  | 'forged'
  | 'expired'
  | 'notYetValid'
  | 'wrongAudience'
  | 'wrongIssuer'
  | 'algNone'
  | 'badSub'
  | 'noSub'
  | 'badRole';

/** A header value, or `Bearer <a valid session token of that user>`. */
export type HeaderValue = string | { readonly bearerOf: string };

/** Why a request must not be a 200 whatever its last-wins JSON parse says. */
export type Refusal = 'duplicate keys' | 'names another user';

/** One generated request. */
export interface FuzzCase {
  readonly route: Route;
  /** The generator family (for the statistics). */
  readonly family: string;
  /** `invoke`: straight to the function (Lambda Invoke API) with a base64 body, as the gateway of AWS sends bytes. */
  readonly channel: 'gateway' | 'invoke';
  readonly auth: AuthSpec;
  /** `null`: no Content-Type header at all. */
  readonly contentType: string | null;
  /** Text (sent as UTF-8) or raw bytes; `undefined`: no body. */
  readonly body: string | Uint8Array | undefined;
  readonly headers: readonly (readonly [string, HeaderValue])[];
  readonly refusals: readonly Refusal[];
}

/**
 * Content types the generator sends, with whether the service must take them for UTF-8 JSON (README:
 * "a JSON body"). Only types that serverless-offline's hapi accepts: it answers an unparsable
 * Content-Type (`garbage`, `multipart/form-data` without a boundary) with a 400 of its own before any
 * function runs, which the HTTP API of AWS would not.
 */
export const CONTENT_TYPES: readonly (readonly [string, 'json' | 'other'])[] = [
  ['application/json', 'json'],
  ['application/json; charset=utf-8', 'json'],
  ['application/json;charset=UTF-8', 'json'],
  ['application/json; charset="utf-8"', 'json'],
  ['APPLICATION/JSON', 'json'],
  ['application/json; charset=latin1', 'other'],
  ['application/json; charset=utf-16', 'other'],
  ['application/json; charset', 'other'],
  ['text/plain', 'other'],
  ['text/plain; charset=utf-8', 'other'],
  ['text/json', 'other'],
  ['application/x-www-form-urlencoded', 'other'],
  ['multipart/form-data; boundary=----fuzz', 'other'],
  ['application/octet-stream', 'other'],
  ['application/vnd.api+json', 'other'],
  ['application/json-patch+json', 'other'],
  ['application/jsonp', 'other'],
];

const JSON_TYPES = CONTENT_TYPES.filter(([, kind]) => kind === 'json').map(([type]) => type);

const tencentUserId = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
// Now and then a numeric id: the stack's rule {"roomId":"{userId}"} gives such a user their numeric room.
const principalId = fc.oneof(
  { arbitrary: tencentUserId, weight: 9 },
  { arbitrary: fc.integer({ min: 1, max: 99_999 }).map(String), weight: 1 },
);
const sessionRole = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 3 },
  { arbitrary: fc.constantFrom('anchor', 'audience'), weight: 3 },
  // Well-formed, but a role the service does not know: ROLE_UNKNOWN where roles matter.
  { arbitrary: fc.constant('admin'), weight: 1 },
);

const PRIVILEGE_NAMES = Object.keys(ROOM_PRIVILEGES);

/** A user id that is not `principal` (and not equal to it ignoring case either, half of the time). */
function otherUser(principal: string): fc.Arbitrary<string> {
  const flipped = principal.replace(/[A-Za-z]/, (c) =>
    c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase(),
  );
  const derived =
    principal.length < 32
      ? `${principal}x`
      : `${principal.slice(0, 31)}${principal.endsWith('z') ? 'y' : 'z'}`;
  return fc.oneof(
    fc.constant(derived),
    tencentUserId.filter((id) => id !== principal),
    fc.constant(flipped === principal ? derived : flipped),
  );
}

// Arbitraries that do not depend on the principal are built once: fc.stringMatching is costly to build.
const strRoomId = fc.stringMatching(/^[A-Za-z0-9 !#$%&()+\-:;<=.>?@[\]^_{}|~,]{1,64}$/);
/** Headers a COS request may carry on any method (the SDK's own included). */
const sdkHeaders = fc.record(
  { 'User-Agent': fc.constant('cos-nodejs-sdk-v5-3.0.0'), Host: fc.constant(E2E_COS_HOST) },
  { requiredKeys: [] },
);
const readHeaders = fc.record(
  {
    Range: fc.constantFrom('bytes=0-9', 'bytes=5-'),
    'If-None-Match': fc.constant('"etag"'),
    'if-modified-since': fc.constant('Wed, 21 Oct 2015 07:28:00 GMT'),
  },
  { requiredKeys: [] },
);
const readQuery = fc.record(
  {
    'response-cache-control': fc.constantFrom('no-cache', 'max-age=60'),
    'response-content-disposition': fc.constantFrom('attachment', 'attachment; filename="a b.png"'),
    'Response-Expires': fc.constant('Wed, 21 Oct 2015 07:28:00 GMT'),
  },
  { requiredKeys: [] },
);
const contentLength = fc.oneof(
  fc.integer({ min: 0, max: 104_857_600 }),
  fc.integer({ min: 0, max: 99_999 }).map(String),
);
const uploadHeaders = fc.record(
  {
    'Content-Type': fc.constantFrom(...MODEL_UPLOAD_TYPES, 'image/png; charset=binary', 'TEXT/PLAIN'),
    'Content-Length': contentLength,
    'x-cos-meta-owner': fc.constantFrom('a', 'b c'),
    'Cache-Control': fc.constant('max-age=60'),
    'Content-Disposition': fc.constant('inline'),
  },
  { requiredKeys: ['Content-Type', 'Content-Length'] },
);
const uploadId = fc.stringMatching(/^[A-Za-z0-9]{8,40}$/);
/** The object operations the service signs, as the SDKs describe them. */
const cosOperation = fc.oneof(
  fc.record({ method: fc.constantFrom('GET', 'get'), headers: readHeaders, query: readQuery }),
  fc.record({ method: fc.constantFrom('HEAD', 'head'), headers: readHeaders }),
  fc.record({ method: fc.constantFrom('PUT', 'Put'), headers: uploadHeaders }),
  fc.record({
    method: fc.constant('POST'),
    query: fc.constant({ uploads: '' }),
    headers: uploadHeaders.map(({ 'Content-Length': _length, ...headers }) => headers),
  }),
  fc.record({
    method: fc.constant('PUT'),
    query: fc.record({
      partNumber: fc.oneof(fc.integer({ min: 1, max: 10_000 }), fc.constantFrom('1', '42')),
      uploadId,
    }),
    headers: fc.record({ 'Content-Length': contentLength }),
  }),
  fc.record({
    method: fc.constant('POST'),
    query: fc.record({ uploadId }),
    headers: fc.record({
      'Content-Type': fc.constant('application/xml'),
      'Content-Length': fc.integer({ min: 1, max: 9999 }),
    }),
  }),
  fc.record({ method: fc.constant('GET'), query: fc.record({ uploadId }) }),
  fc.record({ method: fc.constant('DELETE'), query: fc.record({ uploadId }) }),
);
const garbageAuthorization = fc.oneof(
  fc.constantFrom(
    'Bearer',
    'Bearer ',
    'bearer x',
    'Basic YWxpY2U6c2VjcmV0',
    'Bearer a.b.c',
    'Token abc',
    'Bearer eyJhbGciOiJIUzI1NiJ9..',
  ),
  fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,60}$/),
);

const keyTail = fc.stringMatching(
  /^[A-Za-z0-9_~-][A-Za-z0-9 ._~-]{0,19}(\/[A-Za-z0-9_~-][A-Za-z0-9 ._~-]{0,19}){0,2}$/,
);

/** A body the route accepts for `principal` with `role` (when the role may have a room at all). */
function validBody(
  route: Route,
  principal: string,
  role: string | undefined,
): fc.Arbitrary<Record<string, unknown>> {
  const self = fc.constant(principal);
  switch (route) {
    case '/v1/usersig':
      return fc.record({ expire: fc.integer({ min: 1, max: 86_400 }), userId: self }, { requiredKeys: [] });
    case '/v1/cos/credentials':
      return fc.record({ expire: fc.integer({ min: 60, max: 7200 }), userId: self }, { requiredKeys: [] });
    case '/v1/privatemapkey': {
      // Mostly with enterRoom (the room policy then decides), sometimes without (ENTER_ROOM_REQUIRED).
      const privileges = fc.oneof(
        {
          arbitrary: fc
            .subarray(
              role === 'anchor'
                ? PRIVILEGE_NAMES
                : PRIVILEGE_NAMES.filter((name) => !name.startsWith('send')),
            )
            .map((names) => (names.includes('enterRoom') ? names : ['enterRoom', ...names])),
          weight: 6,
        },
        { arbitrary: fc.subarray(PRIVILEGE_NAMES, { minLength: 1 }), weight: 1 },
      );
      return fc
        .record(
          {
            room: policyRoom(principal),
            privileges,
            expire: fc.integer({ min: 1, max: 3600 }),
            userId: self,
          },
          { requiredKeys: ['room'] },
        )
        .map(({ room, ...rest }) => ({ ...room, ...rest }));
    }
    case '/v1/cos/sign': {
      const key = keyTail.map((tail) => `${cosPrefixOf(principal)}${tail}`);
      const v5 = fc
        .record(
          {
            version: fc.constant('v5'),
            operation: cosOperation,
            sdk: sdkHeaders,
            key,
            expire: fc.integer({ min: 1, max: 3600 }),
            userId: self,
          },
          { requiredKeys: ['operation', 'sdk', 'key'] },
        )
        .map(({ operation, sdk, ...rest }) => {
          const headers = { ...('headers' in operation ? operation.headers : {}), ...sdk };
          const query = 'query' in operation ? operation.query : {};
          return {
            ...rest,
            method: operation.method,
            ...(Object.keys(headers).length > 0 ? { headers } : {}),
            ...(Object.keys(query).length > 0 ? { query } : {}),
          };
        });
      const v4 = fc.oneof(
        fc.record(
          { version: fc.constant('v4'), type: fc.constant('once'), key, userId: self },
          { requiredKeys: ['version', 'type', 'key'] },
        ),
        fc.record(
          {
            version: fc.constant('v4'),
            type: fc.constant('reusable'),
            key,
            expire: fc.integer({ min: 1, max: 3600 }),
            userId: self,
          },
          { requiredKeys: ['version', 'type', 'key'] },
        ),
      );
      return fc.oneof({ arbitrary: v5, weight: 3 }, { arbitrary: v4, weight: 1 });
    }
  }
}

/**
 * Rooms for the room policy of the stack (test/e2e/support/fixtures.ts, E2E_ROOMS): random ones (mostly
 * outside it), the lobby, the caller's own (`u.<id>.*`, `call.<id>.*`, the numeric room of a numeric
 * id), 1:1 calls to the caller (the example hook), and other users' rooms, ids that only extend the
 * caller's included (`u.<id>_2.x`).
 */
function policyRoom(principal: string): fc.Arbitrary<Record<string, unknown>> {
  const other = otherUser(principal);
  const tail = fc.stringMatching(/^[A-Za-z0-9_.-]{0,8}$/);
  const str = (room: fc.Arbitrary<string>) =>
    room.filter((id) => id.length >= 1 && id.length <= 64).map((strRoomId) => ({ strRoomId }));
  return fc.oneof(
    { arbitrary: fc.record({ roomId: fc.integer({ min: 1, max: 4_294_967_294 }) }), weight: 2 },
    { arbitrary: fc.record({ strRoomId }), weight: 2 },
    { arbitrary: fc.constant({ strRoomId: 'lobby' }), weight: 2 },
    { arbitrary: str(tail.map((t) => `u.${principal}.${t}`)), weight: 2 },
    { arbitrary: str(other.map((id) => `call.${principal}.${id}`)), weight: 1 },
    { arbitrary: str(other.map((id) => `call.${id}.${principal}`)), weight: 2 },
    { arbitrary: str(fc.tuple(other, other).map(([a, b]) => `call.${a}.${b}`)), weight: 1 },
    { arbitrary: str(fc.tuple(other, tail).map(([id, t]) => `u.${id}.${t}`)), weight: 1 },
    { arbitrary: str(tail.map((t) => `u.${principal}_2.${t}`)), weight: 1 },
    {
      arbitrary: /^[1-9][0-9]*$/.test(principal)
        ? fc.constant({ roomId: Number(principal) })
        : fc.constant({ strRoomId: principal }),
      weight: 1,
    },
  );
}

const claimRole = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 3 },
  { arbitrary: fc.constantFrom('anchor', 'audience'), weight: 3 },
  { arbitrary: fc.constant('admin'), weight: 1 },
);

/** Claims no reader may accept: they must refuse the request, never grant. */
const MALFORMED_CLAIMS: readonly unknown[] = [
  null,
  true,
  1234,
  'lobby',
  '[1234',
  [null],
  [['lobby']],
  [0],
  [1.5],
  [{ roomId: '7' }],
  [{ strRoomId: 'a', roomId: 1 }],
  [{ strRoomId: 'lobby', extra: true }],
  { lobby: 7 },
  { lobby: null },
  ['a/b'],
  ['lobb\u0443'],
  ['ro*om'],
];

/**
 * A rooms claim for a session asking for `body`'s room: none, one of entries (the room itself, a
 * prefix of it, other rooms; with or without a role; as an array, an object or a JSON text), or a
 * malformed one.
 */
function roomsClaim(body: Record<string, unknown>): fc.Arbitrary<RoomsClaimSpec | undefined> {
  const asked: ClaimEntrySpec[] = [];
  if (typeof body.roomId === 'number') asked.push({ kind: 'num', roomId: body.roomId });
  if (typeof body.strRoomId === 'string') {
    asked.push({ kind: 'str', text: body.strRoomId, star: false });
    asked.push({ kind: 'str', text: body.strRoomId.slice(0, 3), star: true });
  }
  const randomEntry = fc.oneof(
    fc.record({ kind: fc.constant('num' as const), roomId: fc.integer({ min: 1, max: 4_294_967_294 }) }),
    fc.record({ kind: fc.constant('str' as const), text: strRoomId, star: fc.boolean() }),
  );
  const entry = fc
    .tuple(
      asked.length > 0
        ? fc.oneof({ arbitrary: fc.constantFrom(...asked), weight: 3 }, { arbitrary: randomEntry, weight: 1 })
        : randomEntry,
      claimRole,
    )
    .map(([spec, role]): ClaimEntrySpec => (role === undefined ? spec : { ...spec, role }));
  const wellFormed = fc
    .record({ entries: fc.array(entry, { maxLength: 3 }), asText: fc.boolean(), asObject: fc.boolean() })
    .map(({ entries, asText, asObject }): RoomsClaimSpec => {
      const patternOf = (spec: Extract<ClaimEntrySpec, { kind: 'str' }>) =>
        `${spec.text}${spec.star ? '*' : ''}`;
      // The object form holds string rooms with a role each; one room per key, so no repeats.
      const objectForm =
        asObject &&
        entries.every((spec) => spec.kind === 'str' && spec.role !== undefined) &&
        new Set(entries.map((spec) => (spec.kind === 'str' ? patternOf(spec) : ''))).size === entries.length;
      const json = objectForm
        ? Object.fromEntries(
            entries.map((spec) => [patternOf(spec as Extract<ClaimEntrySpec, { kind: 'str' }>), spec.role]),
          )
        : entries.map((spec) => {
            const room = spec.kind === 'num' ? spec.roomId : patternOf(spec);
            if (spec.role === undefined) return room;
            return spec.kind === 'num'
              ? { roomId: room, role: spec.role }
              : { strRoomId: room, role: spec.role };
          });
      return { json: asText ? JSON.stringify(json) : json, entries };
    });
  return fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 1 },
    { arbitrary: wellFormed, weight: 8 },
    {
      arbitrary: fc
        .constantFrom(...MALFORMED_CLAIMS)
        .map((json): RoomsClaimSpec => ({ json, entries: 'malformed' })),
      weight: 1,
    },
  );
}

/** The fields of each route's body, by JSON type. */
const FIELDS: Record<Route, { numbers: string[]; strings: string[]; others: string[] }> = {
  '/v1/usersig': { numbers: ['expire'], strings: ['userId'], others: [] },
  '/v1/privatemapkey': {
    numbers: ['roomId', 'expire'],
    strings: ['strRoomId', 'userId'],
    others: ['privileges'],
  },
  '/v1/cos/sign': {
    numbers: ['expire'],
    strings: ['method', 'key', 'version', 'type', 'userId'],
    others: ['headers', 'query'],
  },
  '/v1/cos/credentials': { numbers: ['expire'], strings: ['userId'], others: [] },
};

function allFields(route: Route): string[] {
  const { numbers, strings, others } = FIELDS[route];
  return [...numbers, ...strings, ...others];
}

/**
 * `body` as JSON text with `field` set to `rawJson` (any text, valid JSON or not, e.g. `"\ud800"` with
 * the escape as written).
 */
function withRaw(body: Record<string, unknown>, field: string, rawJson: string): string {
  const placeholder = '\u0001RAW\u0001';
  const text = JSON.stringify({ ...body, [field]: placeholder });
  return text.replace(JSON.stringify(placeholder), rawJson);
}

/** Numbers as JSON text (and non-JSON spellings of numbers), for numeric fields. */
const ODD_NUMBERS = [
  '1e308',
  '-1e308',
  '1e400',
  '-0',
  '0',
  '-1',
  '0.5',
  '1.0',
  '1e2',
  '1E3',
  '2e-308',
  '5e-324',
  '9007199254740993',
  '9007199254740992',
  '4294967294',
  '4294967295',
  '86400',
  '86401',
  '3600',
  '3601',
  `1${'0'.repeat(400)}`,
  '"NaN"',
  '"Infinity"',
  '"-Infinity"',
  '"1e3"',
  '"600"',
  // Not JSON at all: INVALID_JSON.
  'NaN',
  'Infinity',
  '0x10',
  '01',
  '.5',
  '1.',
  '+1',
];

const CONTROL_CHARACTERS = [...Array.from({ length: 32 }, (_, code) => String.fromCharCode(code)), '\u007f'];

/** Hostile strings as JSON text: generated ones, lone surrogates as escapes, look-alikes of the principal. */
function hostileStringJson(principal: string): fc.Arbitrary<string> {
  const prefix = cosPrefixOf(principal);
  const generated = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc
      .array(fc.constantFrom(...CONTROL_CHARACTERS), { minLength: 1, maxLength: 4 })
      .map((characters) => characters.join('')),
    fc.constantFrom(
      `${principal}\u0000`,
      `${principal}\u200b`,
      ` ${principal}`,
      `${principal} `,
      principal.toUpperCase(),
      `${principal}/../x`,
      principal.replace(/[aeo]/, (c) => ({ a: '\u0430', e: '\u0435', o: '\u043e' })[c] ?? c),
      `${prefix}../x`,
      `${prefix}a/../../b`,
      `${prefix}./a`,
      `${prefix}a//b`,
      `${prefix}%2e%2e/a`,
      `${prefix}a\\b`,
      `${prefix}e\u0301`,
      `${prefix}\u202eexe.png`,
      `${prefix}a\u0000`,
      `${prefix}a\nb`,
      `/${prefix}a`,
      prefix,
      prefix.slice(0, -1),
      `\u0075sers/${principal}\uff0fa`,
      `us\u0435rs/${principal}/a`,
      `${prefix}${'a'.repeat(900)}`,
      'GET ',
      'DELETE',
      'g\u0435t',
      'v5\u0000',
      'V4',
      'once ',
      '',
    ),
  );
  return fc.oneof(
    { arbitrary: generated.map((text) => JSON.stringify(text)), weight: 4 },
    {
      arbitrary: fc.constantFrom(
        '"\\ud800"',
        '"\\udfff"',
        '"a\\ud800b"',
        '"\\udc00\\ud800"',
        `"${prefix}\\ud800"`,
        `"${prefix}a\\udbff"`,
        `"${principal}\\ud800"`,
        '"\\u0000"',
        '"\\u2028\\u2029"',
        '"\\ufeff"',
      ),
      weight: 1,
    },
  );
}

/** Some JSON value of the wrong type (or, by chance, the right one). */
const anyJsonValue = fc.jsonValue({ maxDepth: 2 });

/** Nested arrays or objects `depth` levels deep, as JSON text. */
const deepJson = fc
  .record({ depth: fc.integer({ min: 100, max: 3000 }), objects: fc.boolean() })
  .map(({ depth, objects }) =>
    objects ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`,
  );

/** Invalid UTF-8 sequences. */
const INVALID_UTF8: readonly number[][] = [
  [0xff],
  [0xfe],
  [0x80],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xe2, 0x82],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
];

/** Header names a confused deployment might take the user from. */
const IDENTITY_HEADERS = [
  'x-user-id',
  'x-amzn-oidc-identity',
  'x-forwarded-user',
  'x-remote-user',
  'x-authenticated-userid',
  'x-amz-user-id',
  'remote-user',
];
/** Header names that look like a second Authorization. */
const AUTHORIZATION_LIKE = [
  'x-authorization',
  'proxy-authorization',
  'x-forwarded-authorization',
  'x-amzn-oidc-data',
  'x-amz-security-token',
  'authorization2',
];

/** What one family of damage makes of a valid body. */
interface Damage {
  readonly family: string;
  readonly body: string | Uint8Array | undefined;
  readonly contentType?: string | null;
  readonly channel?: 'gateway' | 'invoke';
  readonly headers?: readonly (readonly [string, HeaderValue])[];
  readonly refusals?: readonly Refusal[];
}

function damages(route: Route, principal: string, valid: Record<string, unknown>): fc.Arbitrary<Damage> {
  const text = JSON.stringify(valid);
  const fields = allFields(route);
  const { numbers, strings } = FIELDS[route];
  const other = otherUser(principal);

  const untouched = fc
    .constantFrom<(body: Record<string, unknown>) => string>(
      (body) => JSON.stringify(body),
      (body) => JSON.stringify(body, null, 2),
      (body) => `\r\n\t ${JSON.stringify(Object.fromEntries(Object.entries(body).reverse()))} \n`,
    )
    .map((format): Damage => ({ family: 'valid', body: format(valid) }));

  const wrongType = fc.record({ field: fc.constantFrom(...fields), value: anyJsonValue }).map(
    ({ field, value }): Damage => ({
      family: 'wrong type',
      body: JSON.stringify({ ...valid, [field]: value }),
    }),
  );

  const unknownField = fc
    .record({
      name: fc.oneof(
        fc.constantFrom(
          'role',
          'trtc_role',
          'sub',
          'admin',
          'privilegeMap',
          'sdkAppId',
          'secretKey',
          'bucket',
          'constructor',
          'prototype',
          'userid',
          'UserId',
          ' userId',
          'userId\u0000',
        ),
        fc.string({ maxLength: 10 }),
      ),
      value: anyJsonValue,
    })
    .filter(({ name }) => !fields.includes(name))
    .map(
      ({ name, value }): Damage => ({
        family: 'unknown field',
        body: JSON.stringify({ ...valid, [name]: value }),
      }),
    );

  const protoField = fc
    .constantFrom('{"__proto__":{"expire":1}}', '{"__proto__":null}', '{"constructor":{"prototype":{}}}')
    .map((body): Damage => ({ family: 'unknown field', body }));

  const oddNumber = fc
    .record({ field: fc.constantFrom(...numbers), raw: fc.constantFrom(...ODD_NUMBERS) })
    .map(({ field, raw }): Damage => ({ family: 'odd number', body: withRaw(valid, field, raw) }));

  const oddString = fc
    .record({
      field: fc.constantFrom(
        ...strings,
        ...(route === '/v1/privatemapkey' ? ['privileges[0]'] : []),
        ...(route === '/v1/cos/sign' ? ['headers.x-cos-meta-a', 'query.a'] : []),
      ),
      raw: hostileStringJson(principal),
    })
    .map(({ field, raw }): Damage => {
      const [outer, inner] = field.split(/[[.]/);
      if (inner === undefined) return { family: 'odd string', body: withRaw(valid, field, raw) };
      const container = field.includes('[') ? `[${raw}]` : `{${JSON.stringify(inner)}:${raw}}`;
      return { family: 'odd string', body: withRaw(valid, outer as string, container) };
    });

  const deep = fc
    .record({ where: fc.constantFrom(...fields, 'nested', '(top level)'), nested: deepJson })
    .map(
      ({ where, nested }): Damage => ({
        family: 'deep nesting',
        body: where === '(top level)' ? nested : withRaw(valid, where, nested),
      }),
    );

  const duplicateKeys = fc
    .record({
      field: fc.constantFrom(...fields, 'userId'),
      otherValue: fc.oneof(other, anyJsonValue, fc.constantFrom(1, 'x', -1, null, 86_401)),
      // Where the second copy goes, and which copy is the valid one.
      validLast: fc.boolean(),
      at: fc.nat(),
    })
    .map(({ field, otherValue, validLast, at }): Damage => {
      const entries = Object.entries(valid).filter(([name]) => name !== field);
      const validValue = field === 'userId' ? principal : (valid[field] ?? otherValue);
      const pair = validLast ? [otherValue, validValue] : [validValue, otherValue];
      const parts = entries.map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`);
      const first = `${JSON.stringify(field)}:${JSON.stringify(pair[0])}`;
      const second = `${JSON.stringify(field)}:${JSON.stringify(pair[1])}`;
      parts.splice(Math.min(at % (parts.length + 1), parts.length), 0, first);
      parts.push(second);
      const namesOther =
        field === 'userId' && pair.some((value) => typeof value === 'string' && value !== principal);
      return {
        family: 'duplicate keys',
        body: `{${parts.join(',')}}`,
        refusals: namesOther ? ['duplicate keys', 'names another user'] : ['duplicate keys'],
      };
    });

  const rawDuplicates = fc
    .constantFrom(
      `{"userId":"${principal}x","userId":"${principal}"}`,
      `{"userId":"${principal}","userId":"${principal}x"}`,
      '{"roomId":1,"roomId":"x"}',
      '{"roomId":"x","roomId":1}',
      '{"expire":60,"expire":999999}',
      '{"expire":999999,"expire":60}',
    )
    .map(
      (body): Damage => ({
        family: 'duplicate keys',
        body:
          route === '/v1/cos/sign'
            ? body.replace('}', `,"method":"GET","key":"${cosPrefixOf(principal)}a"}`)
            : body,
        refusals: body.includes('"userId"') ? ['duplicate keys', 'names another user'] : ['duplicate keys'],
      }),
    );

  const bodyPrincipal = fc
    .record({
      other,
      shape: fc.constantFrom('userId', 'requestContext', 'principal', 'authorizer', 'sub', 'user'),
    })
    .map(({ other: otherId, shape }): Damage => {
      const value =
        shape === 'requestContext'
          ? { authorizer: { lambda: { userId: otherId } } }
          : shape === 'principal' || shape === 'authorizer'
            ? { userId: otherId, role: 'anchor' }
            : otherId;
      return {
        family: 'body names another user',
        body: JSON.stringify({ ...valid, [shape]: value }),
        refusals: ['names another user'],
      };
    });

  const oversized = fc
    .oneof(fc.constant(4096), fc.integer({ min: 4097, max: 4200 }), fc.integer({ min: 4097, max: 64_000 }))
    .chain((size) =>
      fc.constantFrom(
        { family: 'oversized', body: text.padEnd(size, ' ') },
        {
          family: 'oversized',
          body: withRaw(valid, 'pad', JSON.stringify('x'.repeat(Math.max(0, size - text.length - 10)))),
        },
        { family: 'oversized', body: `${'['.repeat(size / 2)}${']'.repeat(size / 2)}` },
      ),
    );

  const contentType = fc
    .oneof(
      { arbitrary: fc.constantFrom(...CONTENT_TYPES.map(([type]) => type)), weight: 6 },
      { arbitrary: fc.constantFrom(null, ''), weight: 1 },
    )
    .chain((type) =>
      fc.constantFrom<Damage>(
        { family: 'content type', body: text, contentType: type },
        { family: 'content type', body: new TextEncoder().encode(text), contentType: type },
        { family: 'content type', body: type === null ? undefined : '', contentType: type },
      ),
    );

  const invalidUtf8 = fc
    .record({
      inserts: fc.array(fc.record({ at: fc.nat(), bytes: fc.constantFrom(...INVALID_UTF8) }), {
        minLength: 1,
        maxLength: 3,
      }),
      viaGateway: fc.constantFrom(null, 'multipart/form-data; boundary=----fuzz', 'application/octet-stream'),
      type: fc.constantFrom(...JSON_TYPES),
    })
    .map(({ inserts, viaGateway, type }): Damage => {
      const bytes = [...new TextEncoder().encode(text)];
      for (const { at, bytes: bad } of inserts) bytes.splice(at % (bytes.length + 1), 0, ...bad);
      const body = Uint8Array.from(bytes);
      // The gateway emulation decodes a JSON body as UTF-8 itself (invalid bytes become U+FFFD) and
      // base64-encodes only binary media types; the Lambda Invoke API delivers the bytes as AWS does.
      return viaGateway === null
        ? { family: 'invalid UTF-8', body, contentType: type, channel: 'invoke' }
        : { family: 'invalid UTF-8', body, contentType: viaGateway };
    });

  const identityHeaders = fc
    .array(
      fc.oneof(
        fc.tuple(fc.constantFrom(...IDENTITY_HEADERS), other),
        fc.tuple(
          fc.constantFrom(...AUTHORIZATION_LIKE),
          other.map((id): HeaderValue => ({ bearerOf: id })),
        ),
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((headers): Damage => ({ family: 'identity headers', body: text, headers }));

  const topLevel = fc
    .constantFrom(
      '[]',
      '[{}]',
      '"x"',
      '""',
      '"{}"',
      '1',
      'true',
      'null',
      '0',
      'false',
      '-0',
      '0.0',
      '{}',
      ' ',
      '\u0000',
      '{',
      '}',
      '{"a":1,}',
      "{'a':1}",
      '\ufeff{}',
    )
    .map((body): Damage => ({ family: 'top level', body }));

  // COS's own header and sub-resource names, in random case, added to a valid request: the oracle
  // checks that no 200 signs a name outside the allowlist.
  const cosNames = fc
    .record({
      headers: fc.dictionary(caseVariant(COS_HEADER_NAMES), cosValue, { maxKeys: 3 }),
      query: fc.dictionary(caseVariant(COS_QUERY_NAMES), cosValue, { maxKeys: 3 }),
    })
    .map(({ headers, query }): Damage => {
      const merge = (current: unknown, extra: Record<string, string>) => {
        const base =
          typeof current === 'object' && current !== null ? (current as Record<string, unknown>) : {};
        // One spelling per name: a case variant replaces the original instead of being a duplicate.
        const kept = Object.fromEntries(
          Object.entries(base).filter(
            ([name]) => !Object.keys(extra).some((e) => e.toLowerCase() === name.toLowerCase()),
          ),
        );
        return { ...kept, ...extra };
      };
      return {
        family: 'cos names',
        body: JSON.stringify({
          ...valid,
          headers: merge(valid.headers, headers),
          query: merge(valid.query, query),
        }),
      };
    });

  // The same request as another operation: a method with a set of (exactly spelt) sub-resources.
  const cosOperations = fc
    .record({
      method: fc.constantFrom('GET', 'HEAD', 'PUT', 'POST', 'DELETE'),
      query: fc
        .subarray(['uploads', 'uploadId', 'partNumber'])
        .map((names) =>
          Object.fromEntries(
            names.map((name) => [name, name === 'uploads' ? '' : name === 'partNumber' ? 1 : 'u1']),
          ),
        ),
    })
    .map(
      ({ method, query }): Damage => ({
        family: 'cos operations',
        body: JSON.stringify({ ...valid, method, query }),
      }),
    );

  const randomJson = fc
    .oneof(
      fc.jsonValue(),
      fc.dictionary(fc.constantFrom(...fields, 'userId', 'x'), fc.jsonValue({ maxDepth: 2 })),
    )
    .map((value): Damage => ({ family: 'random JSON', body: JSON.stringify(value) ?? 'null' }));

  return fc.oneof(
    { arbitrary: untouched, weight: 24 },
    { arbitrary: randomJson, weight: 8 },
    { arbitrary: wrongType, weight: 9 },
    { arbitrary: unknownField, weight: 4 },
    { arbitrary: protoField, weight: 1 },
    { arbitrary: oddNumber, weight: 8 },
    { arbitrary: oddString, weight: 10 },
    { arbitrary: deep, weight: 4 },
    { arbitrary: duplicateKeys, weight: 5 },
    { arbitrary: rawDuplicates, weight: 2 },
    { arbitrary: bodyPrincipal, weight: 4 },
    { arbitrary: oversized, weight: 4 },
    { arbitrary: contentType, weight: 6 },
    { arbitrary: invalidUtf8, weight: 4 },
    { arbitrary: identityHeaders, weight: 5 },
    { arbitrary: topLevel, weight: 2 },
    ...(route === '/v1/cos/sign' && valid.version !== 'v4'
      ? [
          { arbitrary: cosNames, weight: 30 },
          { arbitrary: cosOperations, weight: 6 },
        ]
      : []),
  );
}

/** Whose session the request carries, or how it fails to carry one. */
function sessionOf(principal: string, role: string | undefined, rooms: RoomsClaimSpec | undefined): AuthSpec {
  return {
    kind: 'session',
    userId: principal,
    ...(role === undefined ? {} : { role }),
    ...(rooms === undefined ? {} : { rooms }),
  };
}

function authOf(
  principal: string,
  role: string | undefined,
  rooms: RoomsClaimSpec | undefined,
): fc.Arbitrary<AuthSpec> {
  return fc.oneof(
    { arbitrary: fc.constant(sessionOf(principal, role, rooms)), weight: 88 },
    { arbitrary: fc.constant<AuthSpec>({ kind: 'none' }), weight: 2 },
    {
      arbitrary: garbageAuthorization.map((value): AuthSpec => ({ kind: 'raw', value })),
      weight: 3,
    },
    {
      arbitrary: fc
        .constantFrom<BrokenSession>(
          'forged',
          'expired',
          'notYetValid',
          'wrongAudience',
          'wrongIssuer',
          'algNone',
          'badSub',
          'noSub',
          'badRole',
        )
        .map((how): AuthSpec => ({ kind: 'broken', userId: principal, how })),
      weight: 5,
    },
    {
      arbitrary: otherUser(principal).map(
        (other): AuthSpec => ({ kind: 'doubled', userId: principal, other }),
      ),
      weight: 2,
    },
  );
}

/**
 * Hostile requests to `route`: a principal and role, its authentication, and a damaged (or intact) body.
 *
 * @example
 * ```ts
 * const cases = fc.sample(hostileRequest('/v1/usersig'), { numRuns: 5000, seed: 42 });
 * ```
 */
export function hostileRequest(route: Route): fc.Arbitrary<FuzzCase> {
  return fc.record({ principal: principalId, role: sessionRole }).chain(({ principal, role }) =>
    validBody(route, principal, role).chain((valid) =>
      fc
        // Every route's sessions carry rooms claims, malformed ones included: only privatemapkey reads them.
        .record({ rooms: roomsClaim(valid), type: fc.constantFrom(...JSON_TYPES) })
        .chain(({ rooms, type }) =>
          fc.record({
            damage: damages(route, principal, valid),
            auth: authOf(principal, role, rooms),
            rooms: fc.constant(rooms),
            type: fc.constant(type),
          }),
        )
        .map(({ damage, auth, rooms, type }): FuzzCase => {
          const channel = damage.channel ?? 'gateway';
          return {
            route,
            family: damage.family,
            channel,
            // The Lambda Invoke API carries the authorizer's verdict, not a token: always the session.
            auth: channel === 'invoke' ? sessionOf(principal, role, rooms) : auth,
            contentType: damage.contentType === undefined ? type : damage.contentType,
            body: damage.body,
            headers: damage.headers ?? [],
            refusals: damage.refusals ?? [],
          };
        }),
    ),
  );
}
