import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

// A loopback stand-in for the two Tencent Cloud API 3.0 services the COS key rotation talks to: CAM
// (`cam.tencentcloudapi.com`, 2019-01-16: ListAccessKeys, CreateAccessKey, UpdateAccessKey,
// DeleteAccessKey) and STS (`sts.tencentcloudapi.com`, 2018-08-13: GetCallerIdentity). Every request must
// carry a TC3-HMAC-SHA256 signature, which the fake recomputes with the official SDK's own signing code
// (tencentcloud-sdk-nodejs-common's `Sign.sign3`). The service is the host name's first label, as the SDK
// derives it, so clients address `cam.tencentcloudapi.com:<port>` and connect to this loopback port.
// It enforces what rotation depends on: at most two keys per user, a key's secret shown only in the
// CreateAccessKey answer, deletion only of a disabled key, a manager allowed only its target users, and
// (optionally) new keys that authenticate only after a few tries, as CAM propagates them. Only node:http.

const require = createRequire(import.meta.url);
const Sign = (
  require('tencentcloud-sdk-nodejs-common/tencentcloud/common/sign') as {
    default: {
      sign3(input: {
        method: string;
        url: string;
        payload: Buffer;
        timestamp: number;
        service: string;
        secretId: string;
        secretKey: string;
        multipart: boolean;
        boundary: string;
        headers: Record<string, string>;
      }): string;
    };
  }
).default;

/** The actions the fake implements. */
export type FakeTencentCloudAction =
  | 'ListAccessKeys'
  | 'CreateAccessKey'
  | 'UpdateAccessKey'
  | 'DeleteAccessKey'
  | 'GetCallerIdentity';

const ACTIONS: Readonly<Record<string, { service: 'cam' | 'sts'; version: string }>> = {
  ListAccessKeys: { service: 'cam', version: '2019-01-16' },
  CreateAccessKey: { service: 'cam', version: '2019-01-16' },
  UpdateAccessKey: { service: 'cam', version: '2019-01-16' },
  DeleteAccessKey: { service: 'cam', version: '2019-01-16' },
  GetCallerIdentity: { service: 'sts', version: '2018-08-13' },
};

/** CAM's limit of API keys per user. */
export const CAM_KEYS_PER_USER = 2;

/**
 * One API key. `uin` is the user it belongs to.
 *
 * @example
 * ```ts
 * const key: FakeCamKey = { accessKeyId: 'AKIDfake', secretKey: 'fake', uin: 100001, status: 'Active' };
 * ```
 */
export interface FakeCamKey {
  readonly accessKeyId: string;
  readonly secretKey: string;
  readonly uin: number;
  readonly status: 'Active' | 'Inactive';
  readonly description?: string;
  readonly createTime?: string;
}

/**
 * The fake's whole state: keys, and which user may manage the keys of which others.
 *
 * @example
 * ```ts
 * const seed: FakeTencentCloudSeed = { ownerUin: 100000, keys: [rotatorKey, cosKey], managers: { 100002: [100001] } };
 * ```
 */
export interface FakeTencentCloudSeed {
  /** The root account (reported as `AccountId`). */
  readonly ownerUin: number;
  readonly keys: readonly FakeCamKey[];
  /** user uin -> the uins whose keys it may manage (its own always). */
  readonly managers?: Readonly<Record<number, readonly number[]>>;
  /** A new key fails authentication this many times before it works (CAM propagation). Default 0. */
  readonly propagationFailures?: number;
}

/**
 * A misbehaviour for one action (or every action): `error` answers that Tencent error code (HTTP 200, as
 * Tencent does) without acting; `status` an HTTP error; `reset` drops the connection without acting;
 * `lostResponse` acts, then drops the connection (the client cannot know the call succeeded).
 *
 * @example
 * ```ts
 * fake.setFault({ action: 'CreateAccessKey', kind: 'lostResponse', times: 1 });
 * ```
 */
export type FakeTencentCloudFault = (
  | { readonly kind: 'error'; readonly code: string }
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'reset' }
  | { readonly kind: 'lostResponse' }
) & { readonly action?: FakeTencentCloudAction; readonly times?: number };

/**
 * One request the fake received (admin requests are not recorded).
 *
 * @example
 * ```ts
 * expect(fake.calls.map((c) => c.action)).toEqual(['ListAccessKeys', 'CreateAccessKey']);
 * ```
 */
export interface FakeTencentCloudCall {
  readonly service: string;
  readonly action: string;
  /** The SecretId that signed the request. */
  readonly accessKeyId: string | null;
  readonly fault: FakeTencentCloudFault['kind'] | null;
  /** The Tencent error code answered, `null` for a success or a transport fault. */
  readonly errorCode: string | null;
}

/**
 * A running fake.
 *
 * @example
 * ```ts
 * const fake = await startFakeTencentCloudApi({ ownerUin: 1, keys: [] });
 * fake.reset(seed);
 * await fake.close();
 * ```
 */
export interface FakeTencentCloudApi {
  /** `http://127.0.0.1:<port>`: the address to connect to. */
  readonly url: string;
  /** The port, to address `cam.tencentcloudapi.com:<port>` / `sts.tencentcloudapi.com:<port>`. */
  readonly port: number;
  /** Replaces the whole state (and clears faults and calls). */
  reset(seed: FakeTencentCloudSeed): void;
  /** Every key, oldest first, without its secret. */
  keys(): Omit<FakeCamKey, 'secretKey'>[];
  /** The secret of an active key (for another fake of Tencent's API, such as the COS functions' STS). */
  secretKeyOf(accessKeyId: string): string | undefined;
  setFault(fault: FakeTencentCloudFault | null): void;
  readonly calls: readonly FakeTencentCloudCall[];
  resetCalls(): void;
  close(): Promise<void>;
}

interface StoredKey {
  readonly accessKeyId: string;
  readonly secretKey: string;
  readonly uin: number;
  status: 'Active' | 'Inactive';
  readonly description: string | undefined;
  readonly createTime: string;
  failuresLeft: number;
}

class TencentError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const DESCRIPTION = /^[\w+=,.@:/-]{1,1024}$/;
const AUTHORIZATION =
  /^TC3-HMAC-SHA256 Credential=([^/\s]+)\/(\d{4}-\d{2}-\d{2})\/([a-z]+)\/tc3_request, SignedHeaders=([a-z;-]+), Signature=[0-9a-f]{64}$/;
const MAX_SKEW_SECONDS = 300;

/**
 * Starts the fake on a free loopback port. Admin API for other processes: `POST /__admin/reset` (a
 * seed), `POST /__admin/fault` (a fault or `null`), `GET /__admin/keys`, `GET /__admin/calls`,
 * `DELETE /__admin/calls`.
 *
 * @example
 * ```ts
 * const fake = await startFakeTencentCloudApi(seed, { now: () => Date.UTC(2025, 0, 1) });
 * const client = new CommonClient(`cam.tencentcloudapi.com:${fake.port}`, '2019-01-16', {
 *   credential, profile: { httpProfile: { protocol: 'http://', agent: loopbackAgent } },
 * });
 * ```
 */
export async function startFakeTencentCloudApi(
  seed: FakeTencentCloudSeed,
  options: { readonly now?: () => number } = {},
): Promise<FakeTencentCloudApi> {
  const now = options.now ?? Date.now;
  let keys: StoredKey[] = [];
  let ownerUin = 0;
  let managers = new Map<number, Set<number>>();
  let propagationFailures = 0;
  const calls: FakeTencentCloudCall[] = [];
  let fault: FakeTencentCloudFault | null = null;
  let faultUsesLeft = Number.POSITIVE_INFINITY;

  const reset = (next: FakeTencentCloudSeed): void => {
    ownerUin = next.ownerUin;
    propagationFailures = next.propagationFailures ?? 0;
    keys = next.keys.map((key) => ({
      accessKeyId: key.accessKeyId,
      secretKey: key.secretKey,
      uin: key.uin,
      status: key.status,
      description: key.description,
      createTime: key.createTime ?? camTime(now()),
      failuresLeft: 0,
    }));
    managers = new Map(
      Object.entries(next.managers ?? {}).map(([uin, targets]) => [Number(uin), new Set(targets)]),
    );
    fault = null;
    calls.length = 0;
  };
  reset(seed);

  const setFault = (next: FakeTencentCloudFault | null): void => {
    fault = next;
    faultUsesLeft = next?.times ?? Number.POSITIVE_INFINITY;
  };

  const takeFault = (action: string): FakeTencentCloudFault | null => {
    if (fault === null || (fault.action !== undefined && fault.action !== action)) return null;
    const taken = fault;
    faultUsesLeft -= 1;
    if (faultUsesLeft <= 0) fault = null;
    return taken;
  };

  /** Checks the TC3 signature and returns the calling key. */
  const authenticate = (request: IncomingMessage, body: Buffer, service: string): StoredKey => {
    const header = request.headers.authorization ?? '';
    const match = AUTHORIZATION.exec(header);
    if (match === null)
      throw new TencentError('AuthFailure.SignatureFailure', 'The request is not TC3-signed.');
    const [, secretId, , credentialService] = match as unknown as [string, string, string, string];
    const key = keys.find((candidate) => candidate.accessKeyId === secretId);
    if (key === undefined || key.status !== 'Active') {
      throw new TencentError('AuthFailure.SecretIdNotFound', 'The SecretId is not found or disabled.');
    }
    if (key.failuresLeft > 0) {
      key.failuresLeft -= 1;
      throw new TencentError('AuthFailure.SecretIdNotFound', 'The SecretId is not found (propagating).');
    }
    const timestamp = Number(request.headers['x-tc-timestamp']);
    if (
      !Number.isSafeInteger(timestamp) ||
      Math.abs(timestamp - Math.floor(now() / 1000)) > MAX_SKEW_SECONDS
    ) {
      throw new TencentError('AuthFailure.SignatureExpire', 'The request timestamp is too far off.');
    }
    if (credentialService !== service) {
      throw new TencentError('AuthFailure.SignatureFailure', 'The credential scope names another service.');
    }
    const expected = Sign.sign3({
      method: request.method ?? 'POST',
      url: `http://${request.headers.host}/`,
      payload: body,
      timestamp,
      service,
      secretId: key.accessKeyId,
      secretKey: key.secretKey,
      multipart: false,
      boundary: '',
      headers: { 'Content-Type': String(request.headers['content-type'] ?? '') },
    });
    const given = Buffer.from(header);
    const wanted = Buffer.from(expected);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
      throw new TencentError('AuthFailure.SignatureFailure', 'The signature does not match.');
    }
    return key;
  };

  const targetOf = (caller: StoredKey, input: Record<string, unknown>): number => {
    const target = input.TargetUin === undefined ? caller.uin : input.TargetUin;
    if (typeof target !== 'number' || !Number.isSafeInteger(target)) {
      throw new TencentError('InvalidParameter', 'TargetUin must be an integer.');
    }
    if (target !== caller.uin && !managers.get(caller.uin)?.has(target)) {
      throw new TencentError('AuthFailure.UnauthorizedOperation', 'You may not manage this user.');
    }
    return target;
  };

  const keyOf = (target: number, input: Record<string, unknown>): StoredKey => {
    const key = keys.find(
      (candidate) => candidate.accessKeyId === input.AccessKeyId && candidate.uin === target,
    );
    if (key === undefined) throw new TencentError('ResourceNotFound.SecretNotExist', 'No such key.');
    return key;
  };

  const perform = (action: string, caller: StoredKey, input: Record<string, unknown>): object => {
    switch (action) {
      case 'GetCallerIdentity':
        return {
          Arn: `qcs::cam::uin/${ownerUin}:uin/${caller.uin}`,
          AccountId: String(ownerUin),
          UserId: String(caller.uin),
          PrincipalId: String(ownerUin),
          Type: 'CAMUser',
        };
      case 'ListAccessKeys': {
        const target = targetOf(caller, input);
        return {
          AccessKeys: keys
            .filter((key) => key.uin === target)
            .map((key) => ({
              AccessKeyId: key.accessKeyId,
              Status: key.status,
              CreateTime: key.createTime,
              ...(key.description === undefined ? {} : { Description: key.description }),
            })),
        };
      }
      case 'CreateAccessKey': {
        const target = targetOf(caller, input);
        const description = input.Description;
        if (
          description !== undefined &&
          (typeof description !== 'string' || !DESCRIPTION.test(description))
        ) {
          throw new TencentError('InvalidParameter.DescriptionLengthOverlimit', 'Description is invalid.');
        }
        if (keys.filter((key) => key.uin === target).length >= CAM_KEYS_PER_USER) {
          throw new TencentError('OperationDenied.AccessKeyOverLimit', 'A user may hold at most two keys.');
        }
        const key: StoredKey = {
          accessKeyId: `AKIDfake${randomBytes(12).toString('hex')}`,
          secretKey: randomBytes(16).toString('hex'),
          uin: target,
          status: 'Active',
          description,
          createTime: camTime(now()),
          failuresLeft: propagationFailures,
        };
        keys.push(key);
        return {
          AccessKey: {
            AccessKeyId: key.accessKeyId,
            SecretAccessKey: key.secretKey,
            Status: key.status,
            CreateTime: key.createTime,
            ...(description === undefined ? {} : { Description: description }),
          },
        };
      }
      case 'UpdateAccessKey': {
        const key = keyOf(targetOf(caller, input), input);
        if (input.Status !== 'Active' && input.Status !== 'Inactive') {
          throw new TencentError('InvalidParameter', 'Status must be Active or Inactive.');
        }
        key.status = input.Status;
        return {};
      }
      case 'DeleteAccessKey': {
        const key = keyOf(targetOf(caller, input), input);
        if (key.status === 'Active') {
          throw new TencentError('OperationDenied.AccessKeyActive', 'Disable the key before deleting it.');
        }
        keys = keys.filter((candidate) => candidate !== key);
        return {};
      }
      default:
        throw new TencentError('InvalidAction', `No action ${action}.`);
    }
  };

  const handleApi = (request: IncomingMessage, response: ServerResponse, body: Buffer): void => {
    const action = String(request.headers['x-tc-action'] ?? '');
    const host = String(request.headers.host ?? '');
    const service = host.split('.')[0] ?? '';
    const accessKeyId = AUTHORIZATION.exec(request.headers.authorization ?? '')?.[1] ?? null;
    const applied = takeFault(action);
    const record = (errorCode: string | null): void => {
      calls.push({ service, action, accessKeyId, fault: applied?.kind ?? null, errorCode });
    };
    if (applied?.kind === 'reset') {
      record(null);
      request.socket.destroy();
      return;
    }
    if (applied?.kind === 'status') {
      record(null);
      response.writeHead(applied.status, { 'content-type': 'text/plain' }).end('upstream error');
      return;
    }
    const requestId = randomUUID();
    try {
      const known = ACTIONS[action];
      if (known === undefined || known.service !== service) {
        throw new TencentError('InvalidAction', `The action ${action} does not exist for ${service}.`);
      }
      if (request.headers['x-tc-version'] !== known.version) {
        throw new TencentError('NoSuchVersion', `The version must be ${known.version}.`);
      }
      const caller = authenticate(request, body, service);
      if (applied?.kind === 'error') throw new TencentError(applied.code, `fake error ${applied.code}`);
      let input: unknown;
      try {
        input = JSON.parse(body.toString('utf8') || '{}');
      } catch {
        throw new TencentError('InvalidParameter', 'The body is not JSON.');
      }
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        throw new TencentError('InvalidParameter', 'The body is not a JSON object.');
      }
      const result = perform(action, caller, input as Record<string, unknown>);
      if (applied?.kind === 'lostResponse') {
        record(null);
        request.socket.destroy();
        return;
      }
      record(null);
      sendJson(response, { Response: { ...result, RequestId: requestId } });
    } catch (error) {
      const tencent =
        error instanceof TencentError ? error : new TencentError('InternalError', 'The fake failed.');
      record(tencent.code);
      sendJson(response, {
        Response: { Error: { Code: tencent.code, Message: tencent.message }, RequestId: requestId },
      });
    }
  };

  const handleAdmin = (
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
    body: string,
  ): void => {
    if (path === 'reset' && request.method === 'POST') {
      reset(JSON.parse(body) as FakeTencentCloudSeed);
      sendJson(response, {});
    } else if (path === 'fault' && request.method === 'POST') {
      setFault(JSON.parse(body === '' ? 'null' : body) as FakeTencentCloudFault | null);
      sendJson(response, { fault });
    } else if (path === 'keys' && request.method === 'GET') {
      sendJson(response, { keys: publicKeys() });
    } else if (path === 'calls' && request.method === 'GET') {
      sendJson(response, { calls });
    } else if (path === 'calls' && request.method === 'DELETE') {
      calls.length = 0;
      sendJson(response, {});
    } else {
      sendJson(response, { error: `no admin route ${request.method} ${path}` }, 404);
    }
  };

  const publicKeys = (): Omit<FakeCamKey, 'secretKey'>[] =>
    keys.map(({ accessKeyId, uin, status, description, createTime }) => ({
      accessKeyId,
      uin,
      status,
      createTime,
      ...(description === undefined ? {} : { description }),
    }));

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = new URL(request.url ?? '/', 'http://fake').pathname;
      try {
        if (path.startsWith('/__admin/'))
          handleAdmin(request, response, path.slice(9), body.toString('utf8'));
        else handleApi(request, response, body);
      } catch (error) {
        sendJson(response, { error: error instanceof Error ? error.message : String(error) }, 400);
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    reset,
    keys: publicKeys,
    secretKeyOf: (accessKeyId) =>
      keys.find((key) => key.accessKeyId === accessKeyId && key.status === 'Active')?.secretKey,
    setFault,
    get calls() {
      return [...calls];
    },
    resetCalls: () => {
      calls.length = 0;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** CAM writes times as `YYYY-MM-DD hh:mm:ss` (UTC+8 at Tencent; UTC here). */
function camTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function sendJson(response: ServerResponse, body: unknown, status = 200): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
