import { type ApiResponse, type Route, sessionSettings, TOKEN_FIELDS } from '../../e2e/support/client';
import {
  cosPrefixOf,
  E2E_COS_HOST,
  E2E_COS_SECRET,
  E2E_TRTC_SECRET,
  ERROR_CODE_STATUS,
} from '../../e2e/support/fixtures';
import { expectIssuedTo } from '../../e2e/support/tokens';
import { MODEL_ALLOWLIST, MODEL_OPERATIONS, MODEL_UPLOAD_TYPES, modelHeaderAllowed } from './cosNames';
import { type AuthSpec, CONTENT_TYPES, type FuzzCase, type RoomsClaimSpec } from './hostileRequests';
import { type ModelRoom, modelRoomGrant, ROLE_PRIVILEGES } from './roomPolicyModel';

// Judges one response of the fuzz suite. Invariants, on every response:
//  1. no 5xx; no stack trace and no secret value in the body or a header;
//  2. a refusal is exactly { "error": { "code", "message" } } with a documented code and that code's
//     status, and carries no token field;
//  3. what the contract fixes before any route logic, exactly: no Authorization header at the gateway ->
//     the gateway's own 401 {"message":"Unauthorized"}; no valid session -> 401 (a valid session whose
//     subject is no Tencent user id -> 403 USER_ID_UNMAPPABLE); a body over
//     4096 bytes -> 413; a non-empty body that is not JSON by its Content-Type -> 415; bytes that are not
//     UTF-8 JSON -> 400 INVALID_JSON; JSON that is not an object -> 400 INVALID_REQUEST;
//  4. a 200 only for a well-formed request (a model of the README's API: necessary conditions only),
//     never for a body that names another user, and its token belongs to the principal and verifies
//     with the service's key; its lifetime is the one asked for (or the default);
//  5. zero room tickets for rooms outside the room policy (./roomPolicyModel.ts), and exactly the
//     privileges the model grants;
//  6. a COS signature covers only names of the README's default allowlist (and the operation's own
//     sub-resources), under the principal's prefix, made with a temporary key confined to that prefix.
// Known service bugs (see KNOWN_ISSUES) are counted and reported, not failed, and pinned by
// knownIssues.fuzz.test.ts.

/**
 * Service bugs the fuzz suite found. Responses that match one are counted as that issue instead of
 * failing the run, each exactly as narrowly as described here.
 */
export const KNOWN_ISSUES: Readonly<Record<string, string>> = {
  // K1 (a non-string body was a 500) and K2 (duplicate keys were accepted, the last one winning) were
  // found by this suite and fixed in lib/http/parseJsonBody.ts; knownIssues.fuzz.test.ts pins the fixes.
};
export type KnownIssue = string;

/** The caller a request authenticates as, or `undefined` when it must be a 401. */
export interface Principal {
  readonly userId: string;
  readonly role?: string;
  readonly rooms?: RoomsClaimSpec;
}

export function principalOf(auth: AuthSpec): Principal | undefined {
  if (auth.kind !== 'session') return undefined;
  return {
    userId: auth.userId,
    ...(auth.role === undefined ? {} : { role: auth.role }),
    ...(auth.rooms === undefined ? {} : { rooms: auth.rooms }),
  };
}

/** The body as the function receives it. */
type Delivered =
  | { readonly kind: 'none' }
  | { readonly kind: 'bytes'; readonly bytes: Buffer; readonly contentType: string }
  | { readonly kind: 'nonString' };

const EMULATOR_PARSED_TYPES = ['application/json', 'application/vnd.api+json'];
const EMULATOR_BINARY_TYPES = ['multipart/form-data', 'application/octet-stream'];

function bytesOf(body: string | Uint8Array | undefined): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
}

/**
 * What the function gets: through the Lambda Invoke API, the bytes as sent (base64); through
 * serverless-offline's HTTP API emulation, what it makes of them (LambdaProxyIntegrationEventV2.js and
 * HttpServer.js of serverless-offline 14): without a Content-Type it adds `application/json`; a JSON
 * media type is parsed by the emulator, and a JSON string is handed over as its content (`"{}"` arrives
 * as `{}`), `null` and `""` as no body, `0` and `false` as themselves (not strings); binary media types
 * arrive base64-encoded; anything else as its UTF-8 text.
 */
function delivered(c: FuzzCase): Delivered {
  const bytes = bytesOf(c.body);
  if (c.channel === 'invoke') {
    return bytes.length === 0 ? { kind: 'none' } : { kind: 'bytes', bytes, contentType: c.contentType ?? '' };
  }
  if (bytes.length === 0) return { kind: 'none' };
  const sent = c.contentType ?? '';
  const contentType = sent === '' ? 'application/json' : sent;
  if (EMULATOR_BINARY_TYPES.some((type) => sent.includes(type))) return { kind: 'bytes', bytes, contentType };
  const text = bytes.toString('utf8');
  const mime = (sent.split(';')[0] ?? '').trim().toLowerCase() || 'application/json';
  if (EMULATOR_PARSED_TYPES.includes(mime)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { kind: 'bytes', bytes, contentType };
    }
    if (value === null || value === '') return { kind: 'none' };
    if (value === 0 || value === false) return { kind: 'nonString' };
    if (typeof value === 'string') return { kind: 'bytes', bytes: Buffer.from(value, 'utf8'), contentType };
  }
  return { kind: 'bytes', bytes, contentType };
}

const MAX_BODY_BYTES = 4096;
const JSON_CONTENT_TYPES = new Set(CONTENT_TYPES.filter(([, kind]) => kind === 'json').map(([type]) => type));

/** The outcome the contract fixes before any route logic: an error code, or the parsed body. */
type Gate = { readonly code: string } | { readonly body: Record<string, unknown> };

/** Whether the gateway sees no Authorization header at all (its identity source): it answers 401 itself. */
function withoutAuthorizationHeader(c: FuzzCase): boolean {
  if (c.channel !== 'gateway') return false;
  // fetch trims header values: a blank one is sent empty, which the gateway treats as missing.
  return c.auth.kind === 'none' || (c.auth.kind === 'raw' && c.auth.value.trim() === '');
}

/** The refusal of a request without a usable principal. */
function unauthenticatedCode(auth: AuthSpec): string {
  // A valid session whose subject cannot be mapped to a Tencent user id.
  return auth.kind === 'broken' && auth.how === 'badSub' ? 'USER_ID_UNMAPPABLE' : 'UNAUTHENTICATED';
}

function gate(c: FuzzCase, principal: Principal | undefined, body: Delivered, duplicateKeys: boolean): Gate {
  if (principal === undefined) return { code: unauthenticatedCode(c.auth) };
  if (body.kind === 'none') return { body: {} };
  if (body.kind === 'nonString') throw new Error('no gate for a non-string body');
  if (body.bytes.length > MAX_BODY_BYTES) return { code: 'PAYLOAD_TOO_LARGE' };
  if (!JSON_CONTENT_TYPES.has(body.contentType)) return { code: 'UNSUPPORTED_MEDIA_TYPE' };
  let value: unknown;
  try {
    // UTF-8, strictly; a leading byte order mark is allowed (RFC 8259, 8.1).
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body.bytes));
  } catch {
    return { code: 'INVALID_JSON' };
  }
  // A key repeated within one object is refused as ambiguous.
  if (duplicateKeys) return { code: 'INVALID_JSON' };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { code: 'INVALID_REQUEST' };
  return { body: value as Record<string, unknown> };
}

const GATE_CODES = new Set([
  'UNAUTHENTICATED',
  'USER_ID_UNMAPPABLE',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'INVALID_JSON',
]);

const PRIVILEGE_NAMES = ROLE_PRIVILEGES.anchor as readonly string[];
const DEFAULT_EXPIRE: Record<Route, number> = {
  '/v1/usersig': 7200,
  '/v1/privatemapkey': 300,
  '/v1/cos/sign': 600,
  '/v1/cos/credentials': 1800,
};
const MAX_EXPIRE: Record<Route, number> = {
  '/v1/usersig': 86_400,
  '/v1/privatemapkey': 3600,
  '/v1/cos/sign': 3600,
  '/v1/cos/credentials': 7200,
};
const MAX_UPLOAD_BYTES = 104_857_600;
const SUBRESOURCES = ['uploads', 'uploadId', 'partNumber'];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInteger(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function stringsOrNumbers(value: unknown): boolean {
  return (
    isPlainObject(value) &&
    Object.values(value).every((entry) => typeof entry === 'string' || typeof entry === 'number')
  );
}

/** Why the model of the README's COS allowlist rules out signing a v5 request (necessary conditions). */
function whyNotSignable(
  method: string,
  headers: Record<string, unknown>,
  query: Record<string, unknown>,
): string | undefined {
  const subresources = Object.keys(query).filter((name) => SUBRESOURCES.includes(name));
  const operation = subresources.sort().join('&');
  if (!(MODEL_OPERATIONS[method] ?? []).includes(operation))
    return `no signable operation ${method} ${operation}`;
  for (const name of Object.keys(query)) {
    if (SUBRESOURCES.includes(name)) continue;
    if (!(MODEL_ALLOWLIST[method]?.query ?? []).includes(name.toLowerCase())) return `parameter ${name}`;
  }
  const header = (wanted: string) =>
    Object.entries(headers).find(([name]) => name.toLowerCase() === wanted)?.[1] as
      | string
      | number
      | undefined;
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'user-agent') continue;
    if (lower === 'host') {
      if (headers[name] !== E2E_COS_HOST) return 'another Host';
      continue;
    }
    if (!modelHeaderAllowed(method, name)) return `header ${name}`;
  }
  const length = header('content-length');
  const uploads = (method === 'PUT' && operation === '') || (method === 'POST' && operation === 'uploads');
  if (
    (method === 'PUT' && length === undefined) ||
    (length !== undefined && !(/^(0|[1-9]\d*)$/.test(String(length)) && Number(length) <= MAX_UPLOAD_BYTES))
  ) {
    return 'no Content-Length within the limit';
  }
  if (uploads) {
    const type =
      String(header('content-type') ?? '')
        .split(';')[0]
        ?.trim()
        .toLowerCase() ?? '';
    if (!MODEL_UPLOAD_TYPES.includes(type)) return 'no allowlisted Content-Type';
  }
  return undefined;
}

/** What a v5 signature covers (from its Authorization), against the model's allowlist. */
function signedOutsideAllowlist(json: Record<string, unknown>): string[] {
  const authorization = String(json.authorization);
  const list = (field: string) =>
    (new RegExp(`${field}=([^&]*)`).exec(authorization)?.[1] ?? '').split(';').filter(Boolean);
  const method = String(json.method);
  const problems: string[] = [];
  for (const name of list('q-header-list')) {
    if (name !== 'host' && !modelHeaderAllowed(method, name)) problems.push(`signed header ${name}`);
  }
  for (const name of list('q-url-param-list')) {
    const allowed = [
      ...SUBRESOURCES.map((sub) => sub.toLowerCase()),
      ...(MODEL_ALLOWLIST[method]?.query ?? []),
    ];
    if (!allowed.includes(name)) problems.push(`signed parameter ${name}`);
  }
  return problems;
}

/**
 * Why the README's API rules out a 200 for `body` from `principal` (`undefined`: a 200 is possible).
 * Necessary conditions only: the service may refuse more (key shapes, header values, ...).
 */
export function whyNot200(
  route: Route,
  body: Record<string, unknown>,
  principal: Principal,
): string | undefined {
  const only = (...names: string[]) => {
    const unknown = Object.keys(body).filter((name) => !names.includes(name));
    return unknown.length === 0 ? undefined : `unknown fields ${JSON.stringify(unknown)}`;
  };
  if (body.userId !== undefined && body.userId !== principal.userId) return 'userId names another user';
  if (body.expire !== undefined && !isInteger(body.expire, 1, MAX_EXPIRE[route]))
    return 'expire out of range';
  switch (route) {
    case '/v1/usersig':
      return only('expire', 'userId');
    case '/v1/privatemapkey': {
      if ((body.roomId === undefined) === (body.strRoomId === undefined)) return 'not exactly one room';
      if (body.roomId !== undefined && !isInteger(body.roomId, 1, 4_294_967_294)) return 'bad roomId';
      if (
        body.strRoomId !== undefined &&
        !(typeof body.strRoomId === 'string' && /^[\x20-\x7e]{1,64}$/.test(body.strRoomId))
      ) {
        return 'bad strRoomId';
      }
      const { privileges } = body;
      if (
        privileges !== undefined &&
        !(
          Array.isArray(privileges) &&
          privileges.length >= 1 &&
          privileges.every((name) => typeof name === 'string' && PRIVILEGE_NAMES.includes(name))
        )
      ) {
        return 'not a list of privilege names';
      }
      if (Array.isArray(privileges) && !privileges.includes('enterRoom'))
        return 'privileges without enterRoom';
      const grant = modelRoomGrant(principal, body as ModelRoom, privileges as string[] | undefined);
      if ('refused' in grant) return grant.refused;
      return only('roomId', 'strRoomId', 'privileges', 'expire', 'userId');
    }
    case '/v1/cos/sign': {
      const prefix = cosPrefixOf(principal.userId);
      if (!(typeof body.key === 'string' && body.key.startsWith(prefix) && body.key.length > prefix.length)) {
        return 'key outside the prefix';
      }
      if (body.version === 'v4') {
        if (body.type !== 'once' && body.type !== 'reusable') return 'bad v4 type';
        if (body.type === 'once') return 'v4 one-time signatures are disabled';
        return only('version', 'type', 'key', 'expire', 'userId');
      }
      if (body.version !== undefined && body.version !== 'v5') return 'bad version';
      if (!(typeof body.method === 'string' && /^[A-Za-z]+$/.test(body.method))) return 'method not allowed';
      if (body.headers !== undefined && !stringsOrNumbers(body.headers)) return 'bad headers';
      if (body.query !== undefined && !stringsOrNumbers(body.query)) return 'bad query';
      const why = whyNotSignable(
        body.method.toUpperCase(),
        isPlainObject(body.headers) ? body.headers : {},
        isPlainObject(body.query) ? body.query : {},
      );
      if (why !== undefined) return `not in the allowlist: ${why}`;
      return only('version', 'method', 'key', 'headers', 'query', 'expire', 'userId');
    }
    case '/v1/cos/credentials':
      return only('expire', 'userId');
  }
}

/** What a 200 must say about the token it carries. */
function checkIssued(
  route: Route,
  json: Record<string, unknown>,
  body: Record<string, unknown>,
  principal: Principal,
): string[] {
  const problems: string[] = [];
  try {
    expectIssuedTo(
      route,
      json,
      principal.userId,
      isPlainObject(body.query)
        ? {
            query: Object.fromEntries(
              Object.entries(body.query).map(([name, value]) => [name, String(value)]),
            ),
          }
        : {},
    );
  } catch (error) {
    problems.push(
      `the token is not the principal's or does not verify: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  const once = route === '/v1/cos/sign' && body.version === 'v4' && body.type === 'once';
  const lifetime = once ? null : ((body.expire as number | undefined) ?? DEFAULT_EXPIRE[route]);
  const actual = json.expiresAt === null ? null : (json.expiresAt as number) - (json.serverTime as number);
  if (actual !== lifetime) problems.push(`lifetime ${actual}, asked for ${lifetime}`);
  if (route === '/v1/privatemapkey') {
    const granted = json.privileges as string[];
    const grant = modelRoomGrant(principal, body as ModelRoom, body.privileges as string[] | undefined);
    const asked = 'names' in grant ? grant.names : [];
    const sameRoom =
      body.roomId === undefined
        ? json.strRoomId === body.strRoomId && json.roomId === undefined
        : json.roomId === body.roomId && json.strRoomId === undefined;
    if (!sameRoom) problems.push('another room than asked for');
    if (!(granted.every((name) => asked.includes(name)) && asked.every((name) => granted.includes(name)))) {
      problems.push(`privileges ${JSON.stringify(granted)}, asked for ${JSON.stringify(asked)}`);
    }
  }
  if (route === '/v1/cos/sign' && json.key !== body.key) problems.push('another key than asked for');
  if (route === '/v1/cos/sign' && json.version === 'v5') problems.push(...signedOutsideAllowlist(json));
  return problems;
}

/** A line of a V8 stack trace ("    at fn (file:1:2)"), also inside a JSON string ("\\n    at ..."). */
const STACK_TRACE = /(^|\n|\\n)\s+at \S/;

function leaks(route: Route, response: ApiResponse): string[] {
  const problems: string[] = [];
  const everything = [
    response.text,
    ...[...response.headers].map(([name, value]) => `${name}: ${value}`),
  ].join('\n');
  if (STACK_TRACE.test(everything)) problems.push('a stack trace');
  const secrets = [E2E_TRTC_SECRET.secretKey, E2E_COS_SECRET.secretKey, sessionSettings().hs256Secret];
  // The COS secret id is public by design in a COS signature (q-ak=); anywhere else it is a leak.
  if (!(route === '/v1/cos/sign' && response.status === 200)) secrets.push(E2E_COS_SECRET.secretId);
  for (const secret of secrets)
    if (everything.includes(secret)) problems.push(`a secret value (${secret.slice(0, 8)}...)`);
  return problems;
}

/** The verdict on one response. */
export interface Verdict {
  readonly violations: readonly string[];
  /** A known issue this response is an instance of (then not a violation). */
  readonly known?: KnownIssue;
  /** The error code, or `OK` for a 200, or `-` when the body is not the error shape. */
  readonly code: string;
  /** For a refusal of a body the model would accept: the code (to spot over-strict rules). */
  readonly refusedThoughModelAccepts?: string;
}

export function judge(c: FuzzCase, response: ApiResponse): Verdict {
  const violations: string[] = [...leaks(c.route, response)];
  const principal = principalOf(c.auth);
  const body = delivered(c);
  const json = response.json;
  const error = isPlainObject(json) && isPlainObject(json.error) ? json.error : undefined;
  const code = response.status === 200 ? 'OK' : typeof error?.code === 'string' ? error.code : '-';

  if (withoutAuthorizationHeader(c)) {
    // API Gateway's own answer, not the service's error shape; no function ran.
    if (response.status !== 401 || JSON.stringify(json) !== '{"message":"Unauthorized"}') {
      violations.push(`without an Authorization header: ${response.status} ${response.text.slice(0, 120)}`);
    }
    return { violations, code: 'GATEWAY_401' };
  }

  if (response.status !== 200) {
    const exact =
      isPlainObject(json) &&
      Object.keys(json).join() === 'error' &&
      error !== undefined &&
      Object.keys(error).sort().join() === 'code,message' &&
      typeof error.message === 'string';
    if (!exact)
      violations.push(
        `a ${response.status} that is not exactly {error:{code,message}}: ${response.text.slice(0, 120)}`,
      );
    else if (ERROR_CODE_STATUS[code] === undefined) violations.push(`undocumented code ${code}`);
    else if (ERROR_CODE_STATUS[code] !== response.status)
      violations.push(`${code} with status ${response.status}`);
    for (const field of TOKEN_FIELDS) {
      if (response.text.includes(`"${field}"`)) violations.push(`a ${response.status} carries ${field}`);
    }
  }

  if (body.kind === 'nonString' && principal !== undefined) {
    if (response.status === 200) violations.push('a 200 for a body that is not a JSON object');
    if (response.status >= 500) violations.push(`status ${response.status}`);
    return { violations, code };
  }
  if (response.status >= 500) violations.push(`status ${response.status} ${code}`);

  const expected = gate(c, principal, body, c.refusals.includes('duplicate keys'));
  if ('code' in expected) {
    if (code !== expected.code) violations.push(`expected ${expected.code}, got ${response.status} ${code}`);
    return { violations, code };
  }
  if (GATE_CODES.has(code))
    violations.push(`a well-formed JSON object body from a valid session got ${code}`);

  const why = whyNot200(c.route, expected.body, principal as Principal);
  if (response.status !== 200) {
    return why === undefined ? { violations, code, refusedThoughModelAccepts: code } : { violations, code };
  }
  const issued = checkIssued(c.route, json as Record<string, unknown>, expected.body, principal as Principal);
  violations.push(...issued);
  if (why !== undefined) violations.push(`a 200 although ${why}`);
  if (c.refusals.includes('names another user')) violations.push('a 200 for a body naming another user');
  if (c.refusals.includes('duplicate keys')) violations.push('a 200 for a body with duplicate keys');
  return { violations, code };
}
