import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { SignJWT } from 'jose';
import { inject } from 'vitest';
import type { FakeLambdaCall, FakeLambdaFault } from '../../support/fakeLambda';
import type {
  FakeSecretsManagerCall,
  FakeSecretsManagerFault,
  FakeSecretsManagerOperation,
} from '../../support/fakeSecretsManager';
import type { FakeStsCall, FakeStsFault, FakeStsIssuedKey } from '../../support/fakeSts';
import {
  COS_SECRET_ID,
  E2E_COS_SECRET,
  E2E_SETTINGS,
  E2E_STAGE,
  E2E_TRTC_SECRET,
  TRTC_SECRET_ID,
} from './fixtures';

// What the e2e tests use to talk to the stack: the token API (every session token sent and every token
// received is recorded, so the last test can prove that none of them reached the logs), serverless-
// offline's Lambda Invoke API, the fake Secrets Manager's admin API, and the captured log.

const baseUrl = inject('e2eBaseUrl');
const lambdaUrl = inject('e2eLambdaUrl');
const secretsManagerUrl = inject('e2eSecretsManagerUrl');
const stsUrl = inject('e2eStsUrl');
const fakeLambdaUrl = inject('e2eFakeLambdaUrl');
const logFile = inject('e2eLogFile');
const recordFile = inject('e2eRecordFile');
const session = inject('e2eSession');

/** The token routes. */
export type Route = '/v1/usersig' | '/v1/privatemapkey' | '/v1/cos/sign' | '/v1/cos/credentials';
export const ROUTES: readonly Route[] = [
  '/v1/usersig',
  '/v1/privatemapkey',
  '/v1/cos/sign',
  '/v1/cos/credentials',
];

/** Response fields that carry an issued token (or a part of temporary credentials). */
export const TOKEN_FIELDS = [
  'userSig',
  'privateMapKey',
  'authorization',
  'signature',
  'securityToken',
  'TmpSecretId',
  'TmpSecretKey',
  'SecurityToken',
] as const;

/** A response of the token API. `json` is the parsed body, or `undefined` when it is not JSON. */
export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: unknown;
}

/**
 * Options of {@link post}.
 *
 * @example
 * ```ts
 * await post('/v1/usersig', { token, body: { expire: 600 }, headers: { Origin: 'https://app.example' } });
 * ```
 */
export interface PostOptions {
  /** Sent as `Authorization: Bearer <token>`; omitted when absent. */
  readonly token?: string;
  /** Sent as JSON (unless `rawBody` is given). */
  readonly body?: unknown;
  /** Sent byte for byte instead of `body`. */
  readonly rawBody?: string;
  /** Sent byte for byte instead of `body` and `rawBody` (for bytes that are not UTF-8). */
  readonly rawBytes?: Uint8Array;
  /** Default `application/json` when there is a body; `null` sends none. */
  readonly contentType?: string | null;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Added after everything else with `Headers.append`: a name that is already set (such as
   * `Authorization`) then travels as one header with both values joined by `, `.
   */
  readonly appendHeaders?: readonly (readonly [string, string])[];
  /** Another stack than the suite's (e.g. one started by a test file); default the suite's. */
  readonly baseUrl?: string;
}

/** Told about every response of {@link post} and {@link invokeRoute}. */
export type ResponseListener = (route: Route, response: ApiResponse) => void;

const responseListeners = new Set<ResponseListener>();

/**
 * Calls `listener` with every response this test file receives from now on (to check a whole suite,
 * e.g. that no request anywhere was answered with a 500). Returns the unsubscribe function.
 *
 * @example
 * ```ts
 * const statuses: number[] = [];
 * const stop = onResponse((_route, response) => statuses.push(response.status));
 * ```
 */
export function onResponse(listener: ResponseListener): () => void {
  responseListeners.add(listener);
  return () => {
    responseListeners.delete(listener);
  };
}

function notifyResponse(route: Route, response: ApiResponse): void {
  for (const listener of responseListeners) listener(route, response);
}

/**
 * POSTs to a token route through the gateway and records the tokens it sees.
 *
 * @example
 * ```ts
 * const response = await post('/v1/usersig', { token: await sessionToken('alice') });
 * expect(response.status).toBe(200);
 * ```
 */
export async function post(route: Route, options: PostOptions = {}): Promise<ApiResponse> {
  const headers = new Headers(options.headers);
  if (options.token !== undefined) {
    recordToken('session', options.token);
    headers.set('Authorization', `Bearer ${options.token}`);
  }
  let body: string | Uint8Array | undefined = options.rawBytes ?? options.rawBody;
  if (body === undefined && options.body !== undefined) body = JSON.stringify(options.body);
  const contentType =
    options.contentType === undefined && body !== undefined ? 'application/json' : options.contentType;
  if (contentType !== undefined && contentType !== null) headers.set('Content-Type', contentType);
  // fetch labels a string body text/plain by itself; bytes go without a Content-Type.
  if (contentType === null && typeof body === 'string') body = new TextEncoder().encode(body);
  for (const [name, value] of options.appendHeaders ?? []) headers.append(name, value);

  const response = await fetch(`${options.baseUrl ?? baseUrl}${route}`, {
    method: 'POST',
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  const json = parseJson(text);
  throwOnEmulatedFunctionError(json);
  recordIssuedTokens(json, options.baseUrl === undefined);
  const result = { status: response.status, headers: response.headers, text, json };
  notifyResponse(route, result);
  return result;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * serverless-offline answers an HTTP API (payload 2.0) request whose function threw or timed out with
 * **200** and the Lambda error document as the body (events/http/HttpServer.js wraps any result without a
 * statusCode), where API Gateway answers 500. A test must never mistake that for a success.
 */
function throwOnEmulatedFunctionError(json: unknown): void {
  if (typeof json !== 'object' || json === null) return;
  const { errorType, errorMessage } = json as Record<string, unknown>;
  if (typeof errorType === 'string' && typeof errorMessage === 'string') {
    throw new Error(
      `the function failed (serverless-offline still answers 200): ${errorType}: ${errorMessage}`,
    );
  }
}

/**
 * Options of {@link sessionToken}.
 *
 * @example
 * ```ts
 * await sessionToken('alice', { role: 'anchor', claims: { aud: 'someone-else' } });
 * ```
 */
export interface SessionTokenOptions {
  /** The `trtc_role` claim. */
  readonly role?: string;
  /** The rooms claim (`trtc_rooms`), any JSON. */
  readonly rooms?: unknown;
  /** Replace claims; a value of `undefined` removes the claim. */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** Sign with another secret (a forgery). */
  readonly secret?: string;
}

/**
 * A session token the stack accepts (HS256 with the stack's secret, issuer and audience, valid for ten
 * minutes), unless `options` break it on purpose. Recorded as used.
 *
 * @example
 * ```ts
 * const expired = await sessionToken('alice', { claims: { exp: nowSeconds() - 3600 } });
 * ```
 */
export async function sessionToken(userId: string, options: SessionTokenOptions = {}): Promise<string> {
  const now = nowSeconds();
  const claims: Record<string, unknown> = {
    iss: session.issuer,
    aud: session.audience,
    sub: userId,
    iat: now,
    nbf: now,
    exp: now + 600,
    ...(options.role === undefined ? {} : { trtc_role: options.role }),
    ...(options.rooms === undefined ? {} : { trtc_rooms: options.rooms }),
  };
  for (const [name, value] of Object.entries(options.claims ?? {})) {
    if (value === undefined) delete claims[name];
    else claims[name] = value;
  }
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(options.secret ?? session.hs256Secret));
  recordToken('session', token);
  return token;
}

/** The stack's session configuration (as injected by the global setup). */
export function sessionSettings(): { hs256Secret: string; issuer: string; audience: string } {
  return session;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Waits until every secret loaded so far has expired from the functions' caches. */
export function waitOutSecretCache(): Promise<void> {
  return sleep(E2E_SETTINGS.secretsTtlSeconds * 1000 + 400);
}

/** What was recorded: session tokens the tests sent, tokens the service issued. */
/**
 * What was recorded: session tokens the tests sent, tokens the service issued (every token field of a
 * response: credentials carry three), and one `response` per response that carried any.
 */
export type RecordKind = 'session' | 'issued' | 'response';

/**
 * Records a token for the final log scan. Only token-shaped values (20+ characters) are kept: a short
 * test string such as "abc" would also match innocent log text.
 *
 * @example
 * ```ts
 * recordToken('session', handMadeToken({ alg: 'none' }, claims));
 * ```
 */
export function recordToken(kind: RecordKind, token: string): void {
  if (token.length < 20 || /[\t\n]/.test(token)) return;
  appendFileSync(recordFile, `${kind}\t${token}\n`);
}

/** How many tokens of a kind were recorded, repeats included (one per request or response). */
export function recordedCount(kind: RecordKind): number {
  if (!existsSync(recordFile)) return 0;
  return readFileSync(recordFile, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith(`${kind}\t`)).length;
}

/** Every recorded token of a kind, without repeats. */
export function recordedTokens(kind: RecordKind): string[] {
  if (!existsSync(recordFile)) return [];
  const tokens = new Set<string>();
  for (const line of readFileSync(recordFile, 'utf8').split('\n')) {
    const [lineKind, token] = line.split('\t');
    if (lineKind === kind && token !== undefined && token !== '') tokens.add(token);
  }
  return [...tokens];
}

/** `countResponse: false` for another stack's responses: the suite's log does not hold their lines. */
function recordIssuedTokens(json: unknown, countResponse = true): void {
  if (typeof json !== 'object' || json === null) return;
  let first: string | undefined;
  for (const field of TOKEN_FIELDS) {
    const value = (json as Record<string, unknown>)[field];
    if (typeof value === 'string') {
      recordToken('issued', value);
      first ??= value;
    }
  }
  if (first !== undefined && countResponse) recordToken('response', first);
}

/** The functions of serverless.yml. */
export type FunctionKey =
  | 'authorizer'
  | 'userSig'
  | 'privateMapKey'
  | 'cosSign'
  | 'cosCredentials'
  | 'exampleRoomHook'
  | 'rotateCosKey'
  | 'rotateTrtcKey'
  | 'checkTrtcKey';

/** The function behind each token route. */
export const FUNCTION_OF_ROUTE: Readonly<Record<Route, FunctionKey>> = {
  '/v1/usersig': 'userSig',
  '/v1/privatemapkey': 'privateMapKey',
  '/v1/cos/sign': 'cosSign',
  '/v1/cos/credentials': 'cosCredentials',
};

/**
 * Invokes a function directly through serverless-offline's Lambda Invoke API (no gateway): the
 * function's own result, headers included, untouched by the gateway emulation.
 *
 * @example
 * ```ts
 * const result = await invokeFunction('userSig', { headers: {}, requestContext: { ... } });
 * ```
 */
export async function invokeFunction(functionKey: FunctionKey, event: unknown): Promise<unknown> {
  const name = `tencent-token-issuer-${E2E_STAGE}-${functionKey}`;
  const response = await fetch(`${lambdaUrl}/2015-03-31/functions/${name}/invocations`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(event),
  });
  if (response.status !== 200) throw new Error(`invoke ${name}: HTTP ${response.status}`);
  // A function that returns nothing (a rotation step) has an empty result.
  const text = await response.text();
  const result: unknown = text === '' ? undefined : JSON.parse(text);
  throwOnEmulatedFunctionError(result);
  recordIssuedTokens(
    typeof result === 'object' && result !== null && 'body' in result && typeof result.body === 'string'
      ? JSON.parse(result.body)
      : undefined,
  );
  return result;
}

/**
 * An HTTP API (payload 2.0) event as the gateway hands it to a token function after the authorizer
 * accepted `userId`: for {@link invokeFunction}.
 *
 * @example
 * ```ts
 * await invokeFunction('userSig', authorizedEvent('/v1/usersig', 'alice', { body: 'null', headers: { 'content-type': 'application/json' } }));
 * ```
 */
export function authorizedEvent(
  route: Route,
  userId: string,
  request: {
    headers?: Record<string, string>;
    body?: string;
    isBase64Encoded?: boolean;
    role?: string;
    /** The selected session claims, as the authorizer passes them (one JSON text). */
    claims?: Record<string, unknown>;
  } = {},
): Record<string, unknown> {
  return {
    version: '2.0',
    routeKey: `POST ${route}`,
    rawPath: route,
    rawQueryString: '',
    headers: request.headers ?? {},
    requestContext: {
      requestId: 'e2e-direct-invoke',
      http: { method: 'POST', path: route },
      authorizer: {
        lambda: {
          userId,
          ...(request.role === undefined ? {} : { role: request.role }),
          sessionExpiresAt: nowSeconds() + 600,
          ...(request.claims === undefined ? {} : { claims: JSON.stringify(request.claims) }),
        },
      },
    },
    ...(request.body === undefined ? {} : { body: request.body }),
    isBase64Encoded: request.isBase64Encoded ?? false,
  };
}

/**
 * Invokes the function of `route` directly (see {@link invokeFunction}) and returns its result as an
 * {@link ApiResponse}, as the gateway would pass it on. For events the gateway emulation cannot make,
 * such as a base64 body that is not UTF-8.
 *
 * @example
 * ```ts
 * const body = Buffer.from([0x7b, 0xff, 0x7d]).toString('base64');
 * const response = await invokeRoute('/v1/usersig', authorizedEvent('/v1/usersig', 'alice', { body, isBase64Encoded: true }));
 * ```
 */
export async function invokeRoute(route: Route, event: unknown): Promise<ApiResponse> {
  const result = (await invokeFunction(FUNCTION_OF_ROUTE[route], event)) as {
    statusCode?: unknown;
    headers?: Record<string, string>;
    body?: unknown;
  };
  if (typeof result.statusCode !== 'number' || typeof result.body !== 'string') {
    throw new Error(`invoke ${route}: not an HTTP result: ${JSON.stringify(result).slice(0, 200)}`);
  }
  const response = {
    status: result.statusCode,
    headers: new Headers(result.headers),
    text: result.body,
    json: parseJson(result.body),
  };
  notifyResponse(route, response);
  return response;
}

/** The admin API of the fake Secrets Manager (see test/support/fakeSecretsManager.ts). */
export const fakeSecretsManager = {
  /** Sets the fault for the next requests (`null` clears it). */
  async setFault(fault: FakeSecretsManagerFault | null): Promise<void> {
    // The signing secrets only, unless a test says otherwise: the authorizer's session secret is not
    // what these faults are about (its outage is a gateway 500, tested in the authorizer's unit tests).
    const scoped = fault === null ? null : { secretIds: [TRTC_SECRET_ID, COS_SECRET_ID], ...fault };
    await admin('POST', 'fault', JSON.stringify(scoped));
  },
  /** Adds a new current version of a secret. */
  async putSecret(secretId: string, secretString: string): Promise<void> {
    await admin('PUT', `secrets/${encodeURIComponent(secretId)}`, secretString);
  },
  /** Puts the valid fixture secrets back. */
  async restoreSecrets(): Promise<void> {
    await this.putSecret(TRTC_SECRET_ID, JSON.stringify(E2E_TRTC_SECRET));
    await this.putSecret(COS_SECRET_ID, JSON.stringify(E2E_COS_SECRET));
  },
  async calls(): Promise<FakeSecretsManagerCall[]> {
    const { calls } = (await admin('GET', 'calls')) as { calls: FakeSecretsManagerCall[] };
    return calls;
  },
  async resetCalls(): Promise<void> {
    await admin('DELETE', 'calls');
  },
  async callCount(operation: FakeSecretsManagerOperation, secretId?: string): Promise<number> {
    return (await this.calls()).filter(
      (call) => call.operation === operation && (secretId === undefined || call.secretId === secretId),
    ).length;
  },
};

/** The admin API of the fake Tencent STS (see test/support/fakeSts.ts). */
export const fakeSts = {
  /** Sets the fault for the next requests (`null` clears it). */
  async setFault(fault: FakeStsFault | null): Promise<void> {
    await admin('POST', 'fault', JSON.stringify(fault), stsUrl);
  },
  async calls(): Promise<FakeStsCall[]> {
    const { calls } = (await admin('GET', 'calls', undefined, stsUrl)) as { calls: FakeStsCall[] };
    return calls;
  },
  async resetCalls(): Promise<void> {
    await admin('DELETE', 'calls', undefined, stsUrl);
  },
  /** Lets the fake accept a rotated CAM key. */
  async addCamKey(secretId: string, secretKey: string): Promise<void> {
    await admin('PUT', `cam-keys/${encodeURIComponent(secretId)}`, secretKey, stsUrl);
  },
  async issued(): Promise<FakeStsIssuedKey[]> {
    const { issued } = (await admin('GET', 'issued', undefined, stsUrl)) as { issued: FakeStsIssuedKey[] };
    return issued;
  },
};

/** The admin API of the loopback Lambda endpoint the room hook is invoked through (test/support/fakeLambda.ts). */
export const fakeLambda = {
  /** Sets the fault for the next invocations (`null` clears it). */
  async setFault(fault: FakeLambdaFault | null): Promise<void> {
    await admin('POST', 'fault', JSON.stringify(fault), fakeLambdaUrl);
  },
  async calls(): Promise<FakeLambdaCall[]> {
    const { calls } = (await admin('GET', 'calls', undefined, fakeLambdaUrl)) as { calls: FakeLambdaCall[] };
    return calls;
  },
  async resetCalls(): Promise<void> {
    await admin('DELETE', 'calls', undefined, fakeLambdaUrl);
  },
};

async function admin(
  method: string,
  path: string,
  body?: string,
  base = secretsManagerUrl,
): Promise<unknown> {
  const response = await fetch(`${base}/__admin/${path}`, {
    method,
    ...(body === undefined ? {} : { body }),
  });
  const json: unknown = await response.json();
  if (!response.ok) throw new Error(`fake ${base} ${method} ${path}: ${JSON.stringify(json)}`);
  return json;
}

/** The captured output's size in bytes: pass it to {@link logText}/{@link waitForLog} to read what follows. */
export function logOffset(): number {
  return statSync(logFile).size;
}

/** The captured output from a byte offset on. */
export function logText(from = 0): string {
  return readFileSync(logFile).subarray(from).toString('utf8');
}

/**
 * Waits until a captured line (after `from`) satisfies `predicate`, and returns it. Function output
 * travels worker thread -> serverless-offline -> pipe -> file, so it may arrive after the response.
 *
 * @example
 * ```ts
 * const line = await waitForLog((l) => l.includes('signing secret unavailable'), { from: offset });
 * ```
 */
export async function waitForLog(
  predicate: (line: string) => boolean,
  options: { from?: number; timeoutMs?: number } = {},
): Promise<string> {
  const deadline = Date.now() + (options.timeoutMs ?? 5000);
  for (;;) {
    const found = logText(options.from).split('\n').find(predicate);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('no such log line within the time limit');
    await sleep(50);
  }
}
