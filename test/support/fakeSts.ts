import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as v from 'valibot';
import { type FakeCamPolicy, fakeSessionToken, fakeTmpSecretKey } from './fakeTemporaryKeys';
import { tc3Signature } from './officialTencentCloud';
import { readRequestBody } from './readRequestBody';

// A loopback stand-in for Tencent STS (sts.tencentcloudapi.com, version 2018-08-13) that speaks the
// TencentCloud API 3.0 protocol well enough for the official tencentcloud-sdk-nodejs-sts client:
// GetFederationToken and AssumeRole, POST / with a JSON body and TC3-HMAC-SHA256 headers. It accepts a
// request only when its Authorization header recomputes with the SDK's own signer
// (tencentcloud-sdk-nodejs-common's Sign.sign3) from what arrived, records the policy of every key it
// issues, and answers errors the way STS does (HTTP 200, Response.Error). Faults can be injected.

/** What the fake was asked to do, and how it answered. */
export interface FakeStsCall {
  readonly action: string;
  /** `OK`, or the `Response.Error.Code` / fault that answered. */
  readonly outcome: string;
}

/** A key the fake issued. */
export interface FakeStsIssuedKey {
  readonly tmpSecretId: string;
  readonly action: 'GetFederationToken' | 'AssumeRole';
  readonly callerSecretId: string;
  readonly region: string;
  readonly policy: FakeCamPolicy;
  readonly durationSeconds: number;
  readonly expiredTime: number;
  readonly roleSessionName?: string;
}

const FaultSchema = v.intersect([
  v.variant('kind', [
    v.object({ kind: v.literal('delay'), ms: v.pipe(v.number(), v.integer(), v.minValue(0)) }),
    /** An STS error answer (HTTP 200, `Response.Error.Code`), e.g. `InternalError`. */
    v.object({ kind: v.literal('error'), code: v.string() }),
    v.object({
      kind: v.literal('status'),
      status: v.pipe(v.number(), v.integer(), v.minValue(500), v.maxValue(599)),
    }),
    v.object({ kind: v.literal('reset') }),
    /** HTTP 200 with a body that has no credentials. */
    v.object({ kind: v.literal('garbage') }),
  ]),
  v.object({ times: v.exactOptional(v.pipe(v.number(), v.integer(), v.minValue(1))) }),
]);

/**
 * A misbehaviour of the fake STS for the next requests (`times` of them, default until cleared).
 *
 * @example
 * ```ts
 * sts.setFault({ kind: 'error', code: 'InternalError', times: 1 });
 * ```
 */
export type FakeStsFault = v.InferOutput<typeof FaultSchema>;

/**
 * A running fake STS.
 *
 * @example
 * ```ts
 * const sts = await startFakeSts({ camKeys: { [secretId]: secretKey }, seed });
 * await sts.close();
 * ```
 */
export interface FakeSts {
  /** The endpoint for `COS_STS_ENDPOINT`, e.g. `http://127.0.0.1:49152`. */
  readonly url: string;
  readonly calls: readonly FakeStsCall[];
  readonly issued: readonly FakeStsIssuedKey[];
  /** Accepts one more permanent CAM key (a rotated one). */
  addCamKey(secretId: string, secretKey: string): void;
  resetCalls(): void;
  setFault(fault: FakeStsFault | null): void;
  close(): Promise<void>;
}

/**
 * Options of {@link startFakeSts}.
 *
 * @example
 * ```ts
 * const options: FakeStsOptions = { camKeys: { AKIDfake: 'fake-key' }, seed: 'test-seed', now: () => Date.UTC(2025, 0, 1) };
 * ```
 */
export interface FakeStsOptions {
  /** The permanent CAM keys it accepts: SecretId -> SecretKey. */
  readonly camKeys: Readonly<Record<string, string>>;
  /** Asked for a SecretId it does not hold (a CAM fake that creates keys: STS knows every CAM key). */
  readonly camKeyOf?: (secretId: string) => string | undefined;
  /** Derives temporary secret keys and seals session tokens (see fakeTemporaryKeys.ts). */
  readonly seed: string;
  readonly port?: number;
  /** ms since the epoch. */
  readonly now?: () => number;
}

class StsAnswer extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 64 * 1024;
const CLOCK_SKEW_SECONDS = 300;
const AUTHORIZATION =
  /^TC3-HMAC-SHA256 Credential=([^/\s]+)\/(\d{4}-\d{2}-\d{2})\/([^/\s]+)\/tc3_request, SignedHeaders=([a-z;-]+), Signature=([0-9a-f]{64})$/;

const PolicySchema = v.strictObject({
  version: v.literal('2.0'),
  statement: v.pipe(
    v.array(
      v.strictObject({
        effect: v.picklist(['allow', 'deny']),
        action: v.union([v.string(), v.array(v.string())]),
        resource: v.union([v.string(), v.array(v.string())]),
        condition: v.optional(v.record(v.string(), v.unknown())),
      }),
    ),
    v.minLength(1),
  ),
});

/**
 * Starts a fake Tencent STS on loopback. Admin API: `POST /__admin/fault` (a fault or `null`),
 * `GET /__admin/calls`, `DELETE /__admin/calls`, `GET /__admin/issued`, `PUT /__admin/cam-keys/<id>`
 * (body: the secret key).
 *
 * @example
 * ```ts
 * const sts = await startFakeSts({ camKeys: { [secret.secretId]: secret.secretKey }, seed: 'seed' });
 * // COS_STS_ENDPOINT=sts.url
 * ```
 */
export async function startFakeSts(options: FakeStsOptions): Promise<FakeSts> {
  const now = options.now ?? Date.now;
  const camKeys = new Map(Object.entries(options.camKeys));
  const calls: FakeStsCall[] = [];
  const issued: FakeStsIssuedKey[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let fault: FakeStsFault | null = null;
  let faultUsesLeft = Number.POSITIVE_INFINITY;

  const setFault = (next: FakeStsFault | null): void => {
    fault = next === null ? null : v.parse(FaultSchema, next);
    faultUsesLeft = fault?.times ?? Number.POSITIVE_INFINITY;
  };
  const takeFault = (): FakeStsFault | null => {
    if (fault === null) return null;
    const taken = fault;
    faultUsesLeft -= 1;
    if (faultUsesLeft <= 0) fault = null;
    return taken;
  };

  /** Checks the TC3 signature and the request, and issues a key. */
  const answer = (request: IncomingMessage, body: Buffer, action: string): unknown => {
    const header = (name: string): string | undefined => {
      const value = request.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    if (header('x-tc-version') !== '2018-08-13') throw new StsAnswer('InvalidParameter', 'Version');
    const timestamp = Number(header('x-tc-timestamp'));
    const nowSeconds = Math.floor(now() / 1000);
    if (!Number.isSafeInteger(timestamp) || Math.abs(timestamp - nowSeconds) > CLOCK_SKEW_SECONDS) {
      throw new StsAnswer('AuthFailure.SignatureExpire', 'The request timestamp is outside the window.');
    }
    const region = header('x-tc-region');
    if (region === undefined || !/^[a-z0-9-]+$/.test(region))
      throw new StsAnswer('InvalidParameter', 'Region');

    const parsed = AUTHORIZATION.exec(header('authorization') ?? '');
    if (parsed === null) throw new StsAnswer('AuthFailure.InvalidAuthorization', 'Bad Authorization.');
    const [, secretId = '', date, service, signedHeaders] = parsed;
    const secretKey = camKeys.get(secretId) ?? options.camKeyOf?.(secretId);
    if (secretKey === undefined) throw new StsAnswer('AuthFailure.SecretIdNotFound', 'Unknown SecretId.');
    const host = header('host') ?? '';
    // The SDK derives the service from the endpoint's first label and signs the UTC date of the timestamp.
    const expectedService = host.split('.')[0];
    if (service !== expectedService || date !== new Date(timestamp * 1000).toISOString().slice(0, 10)) {
      throw new StsAnswer('AuthFailure.SignatureFailure', 'Credential scope mismatch.');
    }
    if (signedHeaders !== 'content-type;host') {
      throw new StsAnswer('AuthFailure.SignatureFailure', 'Unexpected SignedHeaders.');
    }
    const recomputed = tc3Signature({
      method: request.method ?? '',
      url: `http://${host}${request.url ?? '/'}`,
      payload: body,
      timestamp,
      service: service ?? '',
      secretId,
      secretKey,
      contentType: header('content-type') ?? '',
    });
    if (recomputed !== header('authorization')) {
      throw new StsAnswer('AuthFailure.SignatureFailure', 'The provided credentials could not be validated.');
    }

    let input: Record<string, unknown>;
    try {
      input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new StsAnswer('InvalidParameter', 'The body is not JSON.');
    }
    const policy = readPolicy(input.Policy);
    const duration = input.DurationSeconds ?? (action === 'AssumeRole' ? 7200 : 1800);
    const maxDuration = action === 'AssumeRole' ? 43_200 : 7200;
    if (
      typeof duration !== 'number' ||
      !Number.isInteger(duration) ||
      duration < 1 ||
      duration > maxDuration
    ) {
      throw new StsAnswer('InvalidParameter.DurationSeconds', 'DurationSeconds out of range.');
    }
    let roleSessionName: string | undefined;
    if (action === 'GetFederationToken') {
      if (typeof input.Name !== 'string' || !/^[A-Za-z]+$/.test(input.Name)) {
        throw new StsAnswer('InvalidParameter', 'Name must consist of letters.');
      }
    } else {
      if (typeof input.RoleArn !== 'string' || !input.RoleArn.startsWith('qcs::cam::uin/')) {
        throw new StsAnswer('InvalidParameter.RoleArn', 'RoleArn');
      }
      if (typeof input.RoleSessionName !== 'string' || !/^[\w+=,.@-]{2,128}$/.test(input.RoleSessionName)) {
        throw new StsAnswer('InvalidParameter', 'RoleSessionName');
      }
      roleSessionName = input.RoleSessionName;
    }

    const tmpSecretId = `AKID${randomBytes(18).toString('base64url').replace(/[-_]/g, 'x')}`;
    const expiredTime = nowSeconds + duration;
    issued.push({
      tmpSecretId,
      action: action as FakeStsIssuedKey['action'],
      callerSecretId: secretId,
      region,
      policy,
      durationSeconds: duration,
      expiredTime,
      ...(roleSessionName === undefined ? {} : { roleSessionName }),
    });
    return {
      Credentials: {
        Token: fakeSessionToken(options.seed, { tmpSecretId, callerSecretId: secretId, policy, expiredTime }),
        TmpSecretId: tmpSecretId,
        TmpSecretKey: fakeTmpSecretKey(options.seed, tmpSecretId),
      },
      ExpiredTime: expiredTime,
      Expiration: new Date(expiredTime * 1000).toISOString().replace('.000Z', 'Z'),
      RequestId: randomUUID(),
    };
  };

  const handleApi = (request: IncomingMessage, response: ServerResponse, body: Buffer): void => {
    const action = String(request.headers['x-tc-action'] ?? '');
    const applied = takeFault();
    const record = (outcome: string) => calls.push({ action, outcome });
    const respond = (): void => {
      if (response.destroyed) return;
      try {
        if (request.method !== 'POST' || request.url !== '/')
          throw new StsAnswer('UnsupportedProtocol', 'POST /');
        if (action !== 'GetFederationToken' && action !== 'AssumeRole') {
          throw new StsAnswer('InvalidAction', `Unknown action ${action}.`);
        }
        if (!String(request.headers['content-type']).startsWith('application/json')) {
          throw new StsAnswer('InvalidParameter', 'Content-Type must be application/json.');
        }
        const result = answer(request, body, action);
        record('OK');
        sendJson(response, 200, { Response: result });
      } catch (error) {
        const code = error instanceof StsAnswer ? error.code : 'InternalError';
        record(code);
        const message = error instanceof Error ? error.message : String(error);
        sendJson(response, 200, {
          Response: { Error: { Code: code, Message: message }, RequestId: randomUUID() },
        });
      }
    };
    switch (applied?.kind) {
      case undefined:
        respond();
        return;
      case 'delay': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          respond();
        }, applied.ms);
        timers.add(timer);
        return;
      }
      case 'error':
        record(applied.code);
        sendJson(response, 200, {
          Response: { Error: { Code: applied.code, Message: 'fault' }, RequestId: randomUUID() },
        });
        return;
      case 'status':
        record(`HTTP ${applied.status}`);
        response.writeHead(applied.status, { 'content-type': 'text/plain' });
        response.end('upstream failure');
        return;
      case 'reset':
        record('reset');
        request.socket.destroy();
        return;
      case 'garbage':
        record('garbage');
        sendJson(response, 200, { Response: { RequestId: randomUUID() } });
        return;
    }
  };

  const server = createServer((request, response) => {
    readBody(request)
      .then((body) => {
        const path = request.url ?? '/';
        if (path.startsWith('/__admin/')) {
          handleAdmin(path.slice('/__admin/'.length), request.method ?? '', body, response);
          return;
        }
        handleApi(request, response, body);
      })
      .catch(() => request.socket.destroy());
  });

  const handleAdmin = (path: string, method: string, body: Buffer, response: ServerResponse): void => {
    try {
      if (path === 'fault' && method === 'POST') {
        setFault(JSON.parse(body.length === 0 ? 'null' : body.toString('utf8')) as FakeStsFault | null);
        sendJson(response, 200, { fault });
      } else if (path === 'calls' && method === 'GET') sendJson(response, 200, { calls });
      else if (path === 'calls' && method === 'DELETE') {
        calls.length = 0;
        sendJson(response, 200, {});
      } else if (path === 'issued' && method === 'GET') sendJson(response, 200, { issued });
      else if (path.startsWith('cam-keys/') && method === 'PUT') {
        camKeys.set(decodeURIComponent(path.slice('cam-keys/'.length)), body.toString('utf8'));
        sendJson(response, 200, {});
      } else sendJson(response, 404, { error: `no admin route ${method} ${path}` });
    } catch (error) {
      sendJson(response, 400, { error: error instanceof Error ? error.message : String(error) });
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get calls() {
      return [...calls];
    },
    get issued() {
      return [...issued];
    },
    addCamKey: (secretId, secretKey) => {
      camKeys.set(secretId, secretKey);
    },
    resetCalls: () => {
      calls.length = 0;
    },
    setFault,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}

function readPolicy(raw: unknown): FakeCamPolicy {
  if (typeof raw !== 'string') throw new StsAnswer('MissingParameter', 'Policy is required.');
  let json: unknown;
  try {
    json = JSON.parse(decodeURIComponent(raw));
  } catch {
    throw new StsAnswer('InvalidParameter.PolicyFormat', 'Policy must be URL-encoded JSON.');
  }
  if (JSON.stringify(json).includes('"principal"')) {
    throw new StsAnswer('InvalidParameter.PolicyFormat', 'The policy must not contain principal.');
  }
  const parsed = v.safeParse(PolicySchema, json);
  if (!parsed.success) throw new StsAnswer('InvalidParameter.PolicyFormat', 'Malformed policy.');
  return parsed.output;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return readRequestBody(request, MAX_BODY_BYTES);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-tc-traceid': randomUUID(),
  });
  response.end(text);
}
