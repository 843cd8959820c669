import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as v from 'valibot';
import { readRequestBody } from './readRequestBody';

// A loopback stand-in for AWS Secrets Manager that speaks the AWS JSON 1.1 protocol well enough for the
// real AWS SDK v3 client (GetSecretValue, DescribeSecret, and the rotation calls PutSecretValue and
// UpdateSecretVersionStage, with versions and staging labels as the service keeps them), with fault
// injection. No emulator (LocalStack,
// moto) can be installed here, and mocking `client.send` would not exercise signing, serialization,
// timeouts or connection handling: this server does. Only `node:http`.

/**
 * The operations the fake implements.
 *
 * @example
 * ```ts
 * fake.callCount('GetSecretValue' satisfies FakeSecretsManagerOperation, 'trtc');
 * ```
 */
export type FakeSecretsManagerOperation =
  | 'GetSecretValue'
  | 'DescribeSecret'
  | 'PutSecretValue'
  | 'UpdateSecretVersionStage';

const OPERATIONS: readonly FakeSecretsManagerOperation[] = [
  'GetSecretValue',
  'DescribeSecret',
  'PutSecretValue',
  'UpdateSecretVersionStage',
];

const FaultSchema = v.intersect([
  v.variant('kind', [
    v.object({ kind: v.literal('delay'), ms: v.pipe(v.number(), v.integer(), v.minValue(0)) }),
    v.object({
      kind: v.literal('status'),
      status: v.pipe(v.number(), v.integer(), v.minValue(500), v.maxValue(599)),
    }),
    v.object({ kind: v.literal('throttle') }),
    v.object({ kind: v.literal('reset') }),
    v.object({ kind: v.literal('notFound') }),
    // The request is carried out, then the connection drops: the client sees a failure for a change
    // that happened (the case that makes per-token idempotency necessary).
    v.object({ kind: v.literal('lostResponse') }),
  ]),
  v.object({
    /** Apply to the next `times` matching requests only, then be healthy again. Default: until cleared. */
    times: v.exactOptional(v.pipe(v.number(), v.integer(), v.minValue(1))),
    /** Apply to this operation only. Default: every operation. */
    operation: v.exactOptional(v.picklist(OPERATIONS)),
    /** Apply to requests for these secret ids only. Default: every secret. */
    secretIds: v.exactOptional(v.array(v.string())),
    /** Let this many matching requests through first (to hit, say, the third DescribeSecret). Default 0. */
    skip: v.exactOptional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  }),
]);

/**
 * A misbehaviour of the fake service:
 * - `delay`: answer normally after `ms` (to trip client timeouts);
 * - `status`: a 5xx with an `InternalServiceError` body;
 * - `throttle`: 400 `ThrottlingException`;
 * - `reset`: destroy the socket without answering;
 * - `notFound`: 400 `ResourceNotFoundException` as if the secret were deleted;
 * - `lostResponse`: carry the request out, then destroy the socket without answering.
 *
 * @example
 * ```ts
 * fake.setFault({ kind: 'status', status: 500, times: 2, operation: 'GetSecretValue' });
 * ```
 */
export type FakeSecretsManagerFault = v.InferOutput<typeof FaultSchema>;

/**
 * Validates a fault received as JSON (admin API, command line). `null` clears the fault.
 *
 * @example
 * ```ts
 * fake.setFault(parseFakeSecretsManagerFault(JSON.parse('{"kind":"throttle","times":1}')));
 * ```
 */
export function parseFakeSecretsManagerFault(json: unknown): FakeSecretsManagerFault | null {
  if (json === null) return null;
  const result = v.safeParse(FaultSchema, json);
  if (!result.success) throw new TypeError(`invalid fault: ${v.summarize(result.issues)}`);
  return result.output;
}

/**
 * One API request the fake received (admin requests are not recorded).
 *
 * @example
 * ```ts
 * expect(fake.calls).toEqual([{ operation: 'GetSecretValue', secretId: 'trtc', fault: 'throttle' }]);
 * ```
 */
export interface FakeSecretsManagerCall {
  /** The operation named by `x-amz-target`, or the raw header when it names no known operation. */
  readonly operation: string;
  readonly secretId: string | null;
  /** The fault applied to this request, if any. */
  readonly fault: FakeSecretsManagerFault['kind'] | null;
}

/**
 * Options of {@link FakeSecretsManager.putSecret}.
 *
 * @example
 * ```ts
 * fake.putSecret('trtc', text, { versionId: 'v2', nextRotationDate: new Date(Date.UTC(2025, 1, 1)) });
 * ```
 */
export interface PutSecretOptions {
  /** The new version's id; a UUID is generated when absent. */
  readonly versionId?: string;
  /** Reported by DescribeSecret (and turns `RotationEnabled` on); `null` clears it, absent keeps it. */
  readonly nextRotationDate?: Date | null;
}

/**
 * A running fake Secrets Manager.
 *
 * @example
 * ```ts
 * const fake: FakeSecretsManager = await startFakeSecretsManager();
 * fake.setFault({ kind: 'reset', times: 1 });
 * await fake.close();
 * ```
 */
export interface FakeSecretsManager {
  /** The endpoint for the SDK client, such as `http://127.0.0.1:49152`. */
  readonly url: string;
  /** Adds a version (`AWSCURRENT`; the previous current version becomes `AWSPREVIOUS`). */
  putSecret(
    secretId: string,
    secretString: string,
    options?: PutSecretOptions,
  ): { arn: string; versionId: string };
  /** Removes a secret; later reads answer `ResourceNotFoundException`. Returns whether it existed. */
  deleteSecret(secretId: string): boolean;
  /**
   * Plays the part Secrets Manager plays when a rotation starts: adds the empty version `token` with the
   * AWSPENDING label. Refused (as RotateSecret is) while AWSPENDING sits on a version that is not
   * AWSCURRENT, i.e. while an earlier rotation has not finished.
   */
  beginRotation(secretId: string, token: string): void;
  /** Every version of a secret, oldest first, with its labels (for assertions). */
  versions(secretId: string): FakeSecretVersion[];
  /** Sets (or with `null` clears) the next rotation date, as a finished rotation schedules it. */
  setNextRotationDate(secretId: string, date: Date | null): void;
  /** Every API request received since start or the last `resetCalls()`, oldest first. */
  readonly calls: readonly FakeSecretsManagerCall[];
  /** How many requests named this operation (and, when given, this secret id). */
  callCount(operation: FakeSecretsManagerOperation, secretId?: string): number;
  resetCalls(): void;
  /** Sets (or, with `null`, clears) the fault applied to the next requests. */
  setFault(fault: FakeSecretsManagerFault | null): void;
  /** Stops listening, drops open connections and pending delayed answers. */
  close(): Promise<void>;
}

/**
 * Options of {@link startFakeSecretsManager}.
 *
 * @example
 * ```ts
 * const fake = await startFakeSecretsManager({ port: 4566, host: '127.0.0.1', now: () => Date.UTC(2025, 0, 1) });
 * ```
 */
export interface FakeSecretsManagerOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  readonly port?: number;
  /** Only loopback: the fake has no authentication. */
  readonly host?: '127.0.0.1';
  /** Clock for `CreatedDate` and friends, in ms. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * One version of a secret as the fake holds it. `secretString` is `undefined` for the empty version a
 * rotation starts with.
 *
 * @example
 * ```ts
 * expect(fake.versions('cos').map((v) => v.stages)).toEqual([['AWSPREVIOUS'], ['AWSCURRENT', 'AWSPENDING']]);
 * ```
 */
export interface FakeSecretVersion {
  readonly versionId: string;
  readonly secretString: string | undefined;
  readonly createdAt: number;
  readonly stages: string[];
}

interface SecretVersion {
  readonly versionId: string;
  secretString: string | undefined;
  readonly createdAt: number;
  readonly stages: Set<string>;
}

interface StoredSecret {
  readonly name: string;
  readonly arn: string;
  readonly createdAt: number;
  lastChangedAt: number;
  lastRotatedAt: number | undefined;
  /** Set once a rotation has begun (RotateSecret configures rotation). */
  rotationEnabled: boolean;
  nextRotationDate: Date | undefined;
  readonly versions: SecretVersion[];
}

class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const JSON_11 = 'application/x-amz-json-1.1';
const MAX_BODY_BYTES = 1024 * 1024;
const NOT_FOUND_MESSAGE = "Secrets Manager can't find the specified secret.";
const NO_VALUE_MESSAGE =
  "Secrets Manager can't find the specified secret value for staging label or version.";
const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';
const PENDING = 'AWSPENDING';

/**
 * Starts a fake AWS Secrets Manager on loopback.
 *
 * API: `POST /` with `x-amz-target: secretsmanager.<GetSecretValue | DescribeSecret | PutSecretValue |
 * UpdateSecretVersionStage>`, a SigV4 `authorization` header (only its presence and scheme are checked,
 * so a test proves the client signs) and a JSON body. Admin API for other processes: `POST
 * /__admin/fault` (a fault or `null`), `PUT /__admin/secrets/<id>` (body = secret string; query
 * `versionId`, `nextRotationDate`), `GET /__admin/secrets/<id>` (its versions), `POST
 * /__admin/secrets/<id>/rotation?token=<t>` (begin a rotation), `DELETE /__admin/secrets/<id>`,
 * `GET /__admin/calls`, `DELETE /__admin/calls`.
 *
 * @example
 * ```ts
 * const fake = await startFakeSecretsManager();
 * fake.putSecret('trtc', JSON.stringify({ sdkAppId: 1400000000, secretKey: 'fake' }));
 * const client = new SecretsManagerClient({
 *   endpoint: fake.url,
 *   region: 'us-east-1',
 *   credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
 * });
 * await client.send(new GetSecretValueCommand({ SecretId: 'trtc' }));
 * await fake.close();
 * ```
 */
export async function startFakeSecretsManager(
  options: FakeSecretsManagerOptions = {},
): Promise<FakeSecretsManager> {
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? Date.now;
  const secrets = new Map<string, StoredSecret>();
  const calls: FakeSecretsManagerCall[] = [];
  const pendingTimers = new Set<NodeJS.Timeout>();
  let fault: FakeSecretsManagerFault | null = null;
  let faultUsesLeft = Number.POSITIVE_INFINITY;
  let faultSkipsLeft = 0;

  const findSecret = (secretId: string): StoredSecret | undefined => {
    const byName = secrets.get(secretId);
    if (byName !== undefined) return byName;
    for (const secret of secrets.values()) if (secret.arn === secretId) return secret;
    return undefined;
  };

  const createSecret = (secretId: string, at: number): StoredSecret => {
    let secret = findSecret(secretId);
    if (secret === undefined) {
      // Real ARNs end with '-' and 6 random characters.
      const suffix = randomBytes(3).toString('hex');
      secret = {
        name: secretId,
        arn: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${secretId}-${suffix}`,
        createdAt: at,
        lastChangedAt: at,
        lastRotatedAt: undefined,
        rotationEnabled: false,
        nextRotationDate: undefined,
        versions: [],
      };
      secrets.set(secretId, secret);
    }
    return secret;
  };

  const putSecret: FakeSecretsManager['putSecret'] = (secretId, secretString, putOptions = {}) => {
    if (typeof secretString !== 'string') throw new TypeError('putSecret: secretString must be a string');
    const at = now();
    const secret = createSecret(secretId, at);
    const versionId = putOptions.versionId ?? randomUUID();
    const version: SecretVersion = { versionId, secretString, createdAt: at, stages: new Set() };
    secret.versions.push(version);
    attachLabel(secret, CURRENT, version);
    secret.lastChangedAt = at;
    if (putOptions.nextRotationDate !== undefined)
      secret.nextRotationDate = putOptions.nextRotationDate ?? undefined;
    return { arn: secret.arn, versionId };
  };

  const beginRotation: FakeSecretsManager['beginRotation'] = (secretId, token) => {
    const secret = findSecret(secretId);
    if (secret === undefined) throw new ServiceError(400, 'ResourceNotFoundException', NOT_FOUND_MESSAGE);
    const pending = labelled(secret, PENDING);
    if (pending !== undefined && !pending.stages.has(CURRENT)) {
      throw new ServiceError(
        400,
        'InvalidRequestException',
        "A previous rotation isn't complete. That rotation will be reattempted.",
      );
    }
    if (secret.versions.some((version) => version.versionId === token)) {
      throw new ServiceError(400, 'ResourceExistsException', `Version ${token} already exists.`);
    }
    const version: SecretVersion = {
      versionId: token,
      secretString: undefined,
      createdAt: now(),
      stages: new Set(),
    };
    secret.versions.push(version);
    attachLabel(secret, PENDING, version);
    secret.rotationEnabled = true;
  };

  const versions: FakeSecretsManager['versions'] = (secretId) =>
    (findSecret(secretId)?.versions ?? []).map((version) => ({
      versionId: version.versionId,
      secretString: version.secretString,
      createdAt: version.createdAt,
      stages: [...version.stages],
    }));

  const setNextRotationDate: FakeSecretsManager['setNextRotationDate'] = (secretId, date) => {
    const secret = findSecret(secretId);
    if (secret === undefined) throw new TypeError(`no secret ${secretId}`);
    secret.nextRotationDate = date ?? undefined;
  };

  const deleteSecret = (secretId: string): boolean => {
    const secret = findSecret(secretId);
    return secret !== undefined && secrets.delete(secret.name);
  };

  const setFault = (next: FakeSecretsManagerFault | null): void => {
    fault = next === null ? null : parseFakeSecretsManagerFault(next);
    faultUsesLeft = fault?.times ?? Number.POSITIVE_INFINITY;
    faultSkipsLeft = fault?.skip ?? 0;
  };

  const takeFault = (operation: string, secretId: string | null): FakeSecretsManagerFault | null => {
    if (fault === null || (fault.operation !== undefined && fault.operation !== operation)) return null;
    // A secret may be named by its name or its ARN (rotation functions use the ARN from DescribeSecret).
    const name = secretId === null ? null : (findSecret(secretId)?.name ?? secretId);
    if (fault.secretIds !== undefined && (name === null || !fault.secretIds.includes(name))) return null;
    if (faultSkipsLeft > 0) {
      faultSkipsLeft -= 1;
      return null;
    }
    const taken = fault;
    faultUsesLeft -= 1;
    if (faultUsesLeft <= 0) fault = null;
    return taken;
  };

  const epochSeconds = (ms: number): number => ms / 1000;

  const getSecretValue = (input: Record<string, unknown>): unknown => {
    const secret = findSecret(requireSecretId(input));
    if (secret === undefined) throw new ServiceError(400, 'ResourceNotFoundException', NOT_FOUND_MESSAGE);
    const { VersionId: versionId, VersionStage: versionStage } = input;
    // As the service: a version id alone names that version whatever its labels; a label alone (or
    // neither: AWSCURRENT) names the version that carries it; both must agree.
    const stage = typeof versionStage === 'string' ? versionStage : versionId === undefined ? CURRENT : null;
    const version = secret.versions.find(
      (candidate) =>
        (typeof versionId !== 'string' || candidate.versionId === versionId) &&
        (stage === null || candidate.stages.has(stage)),
    );
    if (version?.secretString === undefined) {
      throw new ServiceError(400, 'ResourceNotFoundException', NO_VALUE_MESSAGE);
    }
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      SecretString: version.secretString,
      VersionStages: [...version.stages],
      CreatedDate: epochSeconds(version.createdAt),
    };
  };

  const describeSecret = (input: Record<string, unknown>): unknown => {
    const secret = findSecret(requireSecretId(input));
    if (secret === undefined) throw new ServiceError(400, 'ResourceNotFoundException', NOT_FOUND_MESSAGE);
    return {
      ARN: secret.arn,
      Name: secret.name,
      RotationEnabled: secret.rotationEnabled || secret.nextRotationDate !== undefined,
      ...(secret.nextRotationDate === undefined
        ? {}
        : { NextRotationDate: epochSeconds(secret.nextRotationDate.getTime()) }),
      LastChangedDate: epochSeconds(secret.lastChangedAt),
      ...(secret.lastRotatedAt === undefined ? {} : { LastRotatedDate: epochSeconds(secret.lastRotatedAt) }),
      CreatedDate: epochSeconds(secret.createdAt),
      // Only versions that carry a label, as the service lists them.
      VersionIdsToStages: Object.fromEntries(
        secret.versions
          .filter((version) => version.stages.size > 0)
          .map((version) => [version.versionId, [...version.stages]]),
      ),
    };
  };

  const putSecretValue = (input: Record<string, unknown>): unknown => {
    const secret = findSecret(requireSecretId(input));
    if (secret === undefined) throw new ServiceError(400, 'ResourceNotFoundException', NOT_FOUND_MESSAGE);
    const { ClientRequestToken: token, SecretString: secretString, VersionStages: stages } = input;
    if (typeof token !== 'string' || !/^[\x21-\x7e]{32,64}$/.test(token)) {
      throw new ServiceError(
        400,
        'InvalidParameterException',
        'ClientRequestToken must be 32 to 64 characters.',
      );
    }
    if (typeof secretString !== 'string') {
      throw new ServiceError(400, 'InvalidParameterException', 'SecretString must be a string.');
    }
    const labels = stages === undefined ? [CURRENT] : stages;
    if (!Array.isArray(labels) || labels.length === 0 || labels.some((label) => typeof label !== 'string')) {
      throw new ServiceError(400, 'InvalidParameterException', 'VersionStages must list staging labels.');
    }
    let version = secret.versions.find((candidate) => candidate.versionId === token);
    if (version?.secretString !== undefined) {
      // Idempotency per token: the same value again is ignored, a different one is refused.
      if (version.secretString !== secretString) {
        throw new ServiceError(
          400,
          'ResourceExistsException',
          "You can't modify an existing version, you can only create a new version.",
        );
      }
      return { ARN: secret.arn, Name: secret.name, VersionId: token, VersionStages: [...version.stages] };
    }
    if (version === undefined) {
      version = { versionId: token, secretString, createdAt: now(), stages: new Set() };
      secret.versions.push(version);
    } else {
      version.secretString = secretString;
    }
    for (const label of labels as string[]) attachLabel(secret, label, version);
    secret.lastChangedAt = now();
    return { ARN: secret.arn, Name: secret.name, VersionId: token, VersionStages: [...version.stages] };
  };

  const updateSecretVersionStage = (input: Record<string, unknown>): unknown => {
    const secret = findSecret(requireSecretId(input));
    if (secret === undefined) throw new ServiceError(400, 'ResourceNotFoundException', NOT_FOUND_MESSAGE);
    const { VersionStage: label, MoveToVersionId: moveTo, RemoveFromVersionId: removeFrom } = input;
    if (typeof label !== 'string' || label === '') {
      throw new ServiceError(400, 'InvalidParameterException', 'VersionStage must be a staging label.');
    }
    const byId = (id: unknown): SecretVersion | undefined =>
      typeof id === 'string' ? secret.versions.find((version) => version.versionId === id) : undefined;
    const holder = labelled(secret, label);
    if (removeFrom !== undefined && (byId(removeFrom) === undefined || holder !== byId(removeFrom))) {
      throw new ServiceError(
        400,
        'InvalidParameterException',
        `The staging label ${label} isn't attached to version ${String(removeFrom)}.`,
      );
    }
    if (moveTo !== undefined) {
      const target = byId(moveTo);
      if (target === undefined) throw new ServiceError(400, 'ResourceNotFoundException', NO_VALUE_MESSAGE);
      // The service refuses to take a label from a version that the request does not name.
      if (holder !== undefined && holder !== target && removeFrom === undefined) {
        throw new ServiceError(
          400,
          'InvalidParameterException',
          `The staging label ${label} is currently attached to version ${holder.versionId}; name it in RemoveFromVersionId.`,
        );
      }
      if (holder !== target) {
        attachLabel(secret, label, target);
        if (label === CURRENT) secret.lastRotatedAt = now();
      }
    } else if (holder !== undefined) {
      if (label === CURRENT) {
        throw new ServiceError(400, 'InvalidParameterException', 'AWSCURRENT can only be moved.');
      }
      holder.stages.delete(label);
    }
    secret.lastChangedAt = now();
    return { ARN: secret.arn, Name: secret.name };
  };

  const operations: Record<FakeSecretsManagerOperation, (input: Record<string, unknown>) => unknown> = {
    GetSecretValue: getSecretValue,
    DescribeSecret: describeSecret,
    PutSecretValue: putSecretValue,
    UpdateSecretVersionStage: updateSecretVersionStage,
  };

  const handleApi = (request: IncomingMessage, response: ServerResponse, body: string): void => {
    const target = request.headers['x-amz-target'];
    const operation =
      typeof target === 'string' && target.startsWith('secretsmanager.') ? target.slice(15) : `${target}`;
    let input: unknown;
    try {
      input = body === '' ? {} : JSON.parse(body);
    } catch {
      input = undefined;
    }
    const secretId = isRecord(input) && typeof input.SecretId === 'string' ? input.SecretId : null;
    const call = { operation, secretId };

    const authorization = request.headers.authorization;
    if (typeof authorization !== 'string' || !authorization.startsWith('AWS4-HMAC-SHA256 ')) {
      calls.push({ ...call, fault: null });
      sendError(
        response,
        new ServiceError(400, 'IncompleteSignatureException', 'Request is not signed with SigV4.'),
      );
      return;
    }
    const applied = takeFault(operation, secretId);
    calls.push({ ...call, fault: applied?.kind ?? null });

    const answer = (): void => {
      if (response.destroyed) return; // the client gave up (timeout) while we were delaying
      try {
        if (request.headers['content-type'] !== JSON_11) {
          throw new ServiceError(400, 'SerializationException', `Expected content-type ${JSON_11}.`);
        }
        if (!isRecord(input))
          throw new ServiceError(400, 'SerializationException', 'Body is not a JSON object.');
        if (!isOperation(operation)) {
          throw new ServiceError(400, 'UnknownOperationException', `Unknown operation ${operation}.`);
        }
        sendJson(response, 200, operations[operation](input));
      } catch (error) {
        // A bug in the fake must show as a failed request, not crash the test process from a timer.
        sendError(
          response,
          error instanceof ServiceError
            ? error
            : new ServiceError(500, 'InternalServiceError', String(error)),
        );
      }
    };

    switch (applied?.kind) {
      case undefined:
        answer();
        return;
      case 'delay': {
        const timer = setTimeout(() => {
          pendingTimers.delete(timer);
          answer();
        }, applied.ms);
        pendingTimers.add(timer);
        return;
      }
      case 'status':
        sendError(
          response,
          new ServiceError(applied.status, 'InternalServiceError', 'An error occurred on the server side.'),
        );
        return;
      case 'throttle':
        sendError(response, new ServiceError(400, 'ThrottlingException', 'Rate exceeded'));
        return;
      case 'reset':
        request.socket.destroy();
        return;
      case 'notFound':
        sendError(response, new ServiceError(400, 'ResourceNotFoundException', NOT_FOUND_MESSAGE));
        return;
      case 'lostResponse':
        if (isRecord(input) && isOperation(operation)) {
          try {
            operations[operation](input);
          } catch {
            // The client sees a dropped connection either way.
          }
        }
        request.socket.destroy();
        return;
    }
  };

  const handleAdmin = (request: IncomingMessage, response: ServerResponse, url: URL, body: string): void => {
    const path = url.pathname.slice('/__admin/'.length);
    if (path === 'fault' && request.method === 'POST') {
      setFault(parseFakeSecretsManagerFault(JSON.parse(body === '' ? 'null' : body)));
      sendJson(response, 200, { fault });
      return;
    }
    if (path === 'calls' && request.method === 'GET') {
      sendJson(response, 200, { calls });
      return;
    }
    if (path === 'calls' && request.method === 'DELETE') {
      calls.length = 0;
      sendJson(response, 200, {});
      return;
    }
    const rotation = /^secrets\/(.+)\/rotation$/.exec(path);
    if (rotation !== null && request.method === 'POST') {
      const secretId = decodeURIComponent(rotation[1] as string);
      const token = url.searchParams.get('token') ?? randomUUID();
      try {
        beginRotation(secretId, token);
      } catch (error) {
        sendJson(response, 409, { error: error instanceof Error ? error.message : String(error) });
        return;
      }
      sendJson(response, 200, { token });
      return;
    }
    if (path.startsWith('secrets/') && path.length > 'secrets/'.length) {
      const secretId = decodeURIComponent(path.slice('secrets/'.length));
      if (request.method === 'GET') {
        const found = findSecret(secretId);
        sendJson(response, found === undefined ? 404 : 200, { versions: versions(secretId) });
        return;
      }
      if (request.method === 'PUT') {
        const rotation = url.searchParams.get('nextRotationDate');
        const versionId = url.searchParams.get('versionId');
        const stored = putSecret(secretId, body, {
          ...(versionId === null ? {} : { versionId }),
          ...(rotation === null ? {} : { nextRotationDate: rotation === '' ? null : parseDate(rotation) }),
        });
        sendJson(response, 200, { ARN: stored.arn, Name: secretId, VersionId: stored.versionId });
        return;
      }
      if (request.method === 'DELETE') {
        sendJson(response, deleteSecret(secretId) ? 200 : 404, {});
        return;
      }
    }
    sendJson(response, 404, { error: `no admin route ${request.method} ${url.pathname}` });
  };

  const server = createServer((request, response) => {
    readBody(request)
      .then((body) => {
        const url = new URL(request.url ?? '/', 'http://fake');
        if (url.pathname.startsWith('/__admin/')) {
          try {
            handleAdmin(request, response, url, body);
          } catch (error) {
            sendJson(response, 400, { error: error instanceof Error ? error.message : String(error) });
          }
          return;
        }
        if (url.pathname !== '/' || request.method !== 'POST') {
          sendError(response, new ServiceError(404, 'UnknownOperationException', 'Only POST / is served.'));
          return;
        }
        handleApi(request, response, body);
      })
      .catch(() => {
        request.socket.destroy();
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${host}:${port}`,
    putSecret,
    deleteSecret,
    beginRotation,
    versions,
    setNextRotationDate,
    get calls() {
      return [...calls];
    },
    callCount: (operation, secretId) =>
      calls.filter(
        (call) => call.operation === operation && (secretId === undefined || call.secretId === secretId),
      ).length,
    resetCalls: () => {
      calls.length = 0;
    },
    setFault,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of pendingTimers) clearTimeout(timer);
        pendingTimers.clear();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        // Keep-alive sockets of the SDK's agent and delayed requests would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

function requireSecretId(input: Record<string, unknown>): string {
  const { SecretId: secretId } = input;
  if (typeof secretId !== 'string' || secretId === '') {
    throw new ServiceError(400, 'InvalidParameterException', 'SecretId must be a non-empty string.');
  }
  return secretId;
}

function isOperation(operation: string): operation is FakeSecretsManagerOperation {
  return (OPERATIONS as readonly string[]).includes(operation);
}

function labelled(secret: StoredSecret, label: string): SecretVersion | undefined {
  return secret.versions.find((version) => version.stages.has(label));
}

/** Puts `label` on `target` only; moving AWSCURRENT hands AWSPREVIOUS to the version that had it. */
function attachLabel(secret: StoredSecret, label: string, target: SecretVersion): void {
  const holder = labelled(secret, label);
  if (holder === target) return;
  holder?.stages.delete(label);
  if (label === CURRENT && holder !== undefined) {
    labelled(secret, PREVIOUS)?.stages.delete(PREVIOUS);
    holder.stages.add(PREVIOUS);
  }
  target.stages.add(label);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseDate(text: string): Date {
  const date = /^[0-9]+(\.[0-9]+)?$/.test(text) ? new Date(Number(text) * 1000) : new Date(text);
  if (Number.isNaN(date.getTime())) throw new TypeError(`invalid date ${text}`);
  return date;
}

async function readBody(request: IncomingMessage): Promise<string> {
  return (await readRequestBody(request, MAX_BODY_BYTES)).toString('utf8');
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': JSON_11,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(text);
}

function sendError(response: ServerResponse, error: ServiceError): void {
  sendJson(response, error.status, { __type: error.type, message: error.message });
}
