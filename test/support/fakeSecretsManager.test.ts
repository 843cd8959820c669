import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  InternalServiceError,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSecretCache } from '../../lib/secrets/createSecretCache';
import { createSecretsManagerClient } from '../../lib/secrets/createSecretsManagerClient';
import { SecretInvalidError, SecretsUnavailableError } from '../../lib/secrets/errors';
import { parseSecret } from '../../lib/secrets/parseSecret';
import { type TrtcSecret, TrtcSecretSchema } from '../../lib/secrets/secretSchemas';
import { secretsManagerSource } from '../../lib/secrets/secretsManagerSource';
import { type FakeSecretsManager, startFakeSecretsManager } from './fakeSecretsManager';

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
const FAKE_NOW = Date.UTC(2025, 0, 1, 12, 0, 0, 250);
const TRTC_TEXT = JSON.stringify({ sdkAppId: 1400000000, secretKey: 'FAKE-secretKey-loopback' });

let fake: FakeSecretsManager;
let client: SecretsManagerClient;

beforeAll(async () => {
  fake = await startFakeSecretsManager({ now: () => FAKE_NOW });
  // The real SDK client, over HTTP, with SDK retries off so every request is visible in the call log.
  client = new SecretsManagerClient({
    endpoint: fake.url,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { requestTimeout: 300, connectionTimeout: 1_000, throwOnRequestTimeout: true },
  });
});

afterAll(async () => {
  client.destroy();
  await fake.close();
});

beforeEach(() => {
  fake.putSecret('trtc', TRTC_TEXT, { versionId: 'v-trtc-1', nextRotationDate: null });
});

afterEach(() => {
  fake.setFault(null);
  fake.resetCalls();
  fake.deleteSecret('trtc');
});

const getTrtc = () => client.send(new GetSecretValueCommand({ SecretId: 'trtc' }));
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (reason: unknown) => reason as Error & { $fault?: string; code?: string },
  );

describe('startFakeSecretsManager', () => {
  describe('protocol', () => {
    it('answers GetSecretValue as the real service does', async () => {
      const output = await getTrtc();
      expect(output).toMatchObject({
        Name: 'trtc',
        VersionId: 'v-trtc-1',
        SecretString: TRTC_TEXT,
        VersionStages: ['AWSCURRENT'],
        CreatedDate: new Date(FAKE_NOW),
      });
      expect(output.ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:000000000000:secret:trtc-[0-9a-f]{6}$/);
      expect(fake.callCount('GetSecretValue', 'trtc')).toBe(1);
    });

    it('finds a secret by its ARN too', async () => {
      const { arn } = fake.putSecret('by-arn', '{}');
      const output = await client.send(new GetSecretValueCommand({ SecretId: arn }));
      expect(output.Name).toBe('by-arn');
      fake.deleteSecret('by-arn');
    });

    it('keeps versions: a put makes a new AWSCURRENT and the old one AWSPREVIOUS', async () => {
      const { versionId } = fake.putSecret('trtc', '{"rotated":true}');
      expect(versionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(await getTrtc()).toMatchObject({ VersionId: versionId, SecretString: '{"rotated":true}' });
      const previous = await client.send(
        new GetSecretValueCommand({ SecretId: 'trtc', VersionStage: 'AWSPREVIOUS' }),
      );
      expect(previous).toMatchObject({
        VersionId: 'v-trtc-1',
        SecretString: TRTC_TEXT,
        VersionStages: ['AWSPREVIOUS'],
      });
    });

    it('answers DescribeSecret with the rotation date when one is set', async () => {
      const nextRotationDate = new Date(FAKE_NOW + 3_600_000);
      expect(await client.send(new DescribeSecretCommand({ SecretId: 'trtc' }))).toMatchObject({
        Name: 'trtc',
        RotationEnabled: false,
      });
      fake.putSecret('trtc', TRTC_TEXT, { nextRotationDate });
      const described = await client.send(new DescribeSecretCommand({ SecretId: 'trtc' }));
      expect(described).toMatchObject({ RotationEnabled: true, NextRotationDate: nextRotationDate });
      expect(fake.callCount('DescribeSecret', 'trtc')).toBe(2);
    });

    it('answers ResourceNotFoundException for an unknown or deleted secret', async () => {
      expect(fake.deleteSecret('trtc')).toBe(true);
      const error = await failure(getTrtc());
      expect(error).toBeInstanceOf(ResourceNotFoundException);
      expect(error.message).toBe("Secrets Manager can't find the specified secret.");
    });

    it('rejects a request that is not SigV4-signed, which proves the SDK client signs', async () => {
      const response = await fetch(fake.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'secretsmanager.GetSecretValue',
        },
        body: JSON.stringify({ SecretId: 'trtc' }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ __type: 'IncompleteSignatureException' });
    });

    it('answers UnknownOperationException for an unknown target', async () => {
      const response = await fetch(fake.url, {
        method: 'POST',
        headers: {
          authorization: 'AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/secretsmanager/aws4_request',
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'secretsmanager.DeleteSecret',
        },
        body: '{}',
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
    });

    it('counts calls per operation and secret id until reset', async () => {
      await getTrtc();
      await getTrtc();
      await client.send(new DescribeSecretCommand({ SecretId: 'trtc' }));
      expect(fake.callCount('GetSecretValue')).toBe(2);
      expect(fake.callCount('GetSecretValue', 'other')).toBe(0);
      expect(fake.callCount('DescribeSecret', 'trtc')).toBe(1);
      expect(fake.calls).toEqual([
        { operation: 'GetSecretValue', secretId: 'trtc', fault: null },
        { operation: 'GetSecretValue', secretId: 'trtc', fault: null },
        { operation: 'DescribeSecret', secretId: 'trtc', fault: null },
      ]);
      fake.resetCalls();
      expect(fake.calls).toEqual([]);
    });
  });

  describe('faults', () => {
    it('status: answers 500 InternalServiceError', async () => {
      fake.setFault({ kind: 'status', status: 500 });
      const error = await failure(getTrtc());
      expect(error).toBeInstanceOf(InternalServiceError);
      expect(error.$fault).toBe('server');
    });

    it('throttle: answers ThrottlingException', async () => {
      fake.setFault({ kind: 'throttle' });
      expect((await failure(getTrtc())).name).toBe('ThrottlingException');
    });

    it('reset: drops the connection without an answer', async () => {
      fake.setFault({ kind: 'reset' });
      const error = await failure(getTrtc());
      expect(error.code).toBe('ECONNRESET');
    });

    it('notFound: answers ResourceNotFoundException for an existing secret', async () => {
      fake.setFault({ kind: 'notFound' });
      expect(await failure(getTrtc())).toBeInstanceOf(ResourceNotFoundException);
    });

    it('delay: trips the client request timeout, then the service is healthy again', async () => {
      fake.setFault({ kind: 'delay', ms: 2_000, times: 1 });
      const started = performance.now();
      const error = await failure(getTrtc());
      expect(error.name).toBe('TimeoutError');
      expect(performance.now() - started).toBeLessThan(1_500);
      expect((await getTrtc()).SecretString).toBe(TRTC_TEXT);
    });

    it('delay: answers normally after the delay when the client waits', async () => {
      fake.setFault({ kind: 'delay', ms: 50 });
      expect((await getTrtc()).SecretString).toBe(TRTC_TEXT);
    });

    it('times: applies to the next N requests only', async () => {
      fake.setFault({ kind: 'status', status: 503, times: 2 });
      await failure(getTrtc());
      await failure(getTrtc());
      expect((await getTrtc()).SecretString).toBe(TRTC_TEXT);
      expect(fake.calls.map((call) => call.fault)).toEqual(['status', 'status', null]);
    });

    it('operation: applies to the named operation only', async () => {
      fake.setFault({ kind: 'throttle', operation: 'DescribeSecret' });
      expect((await getTrtc()).SecretString).toBe(TRTC_TEXT);
      expect((await failure(client.send(new DescribeSecretCommand({ SecretId: 'trtc' })))).name).toBe(
        'ThrottlingException',
      );
    });

    it('rejects an invalid fault', () => {
      expect(() => fake.setFault({ kind: 'status', status: 200 })).toThrow(TypeError);
    });
  });
});

describe('secretsManagerSource + createSecretCache over HTTP', () => {
  let sdkClient: SecretsManagerClient;
  let sleeps: number[];
  let clock: number;

  beforeAll(() => {
    // The production factory; the endpoint and credentials reach the SDK through the standard
    // environment variables, exactly as in a local run.
    vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', fake.url);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    vi.stubEnv('AWS_SESSION_TOKEN', undefined);
    sdkClient = createSecretsManagerClient({
      region: 'us-east-1',
      requestTimeoutMs: 300,
      connectionTimeoutMs: 500,
    });
  });

  afterAll(() => {
    sdkClient.destroy();
    vi.unstubAllEnvs();
  });

  beforeEach(() => {
    sleeps = [];
    clock = FAKE_NOW;
  });

  const trtcCache = (options: { attempts?: number; fetchRotationDate?: boolean } = {}) =>
    createSecretCache<TrtcSecret>({
      fetchSecret: secretsManagerSource({
        client: sdkClient,
        secretId: 'trtc',
        fetchRotationDate: options.fetchRotationDate ?? false,
      }),
      parse: (text) => parseSecret(TrtcSecretSchema, text, 'trtc'),
      ttlMs: 60_000,
      now: () => clock,
      retry: { attempts: options.attempts ?? 3, baseDelayMs: 100, maxDelayMs: 1_000 },
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      secretName: 'trtc',
    });

  it('loads through the endpoint from AWS_ENDPOINT_URL_SECRETS_MANAGER', async () => {
    expect(await trtcCache().get()).toEqual(JSON.parse(TRTC_TEXT));
    expect(fake.callCount('GetSecretValue', 'trtc')).toBe(1);
  });

  it('makes exactly one request per attempt (SDK retries are off)', async () => {
    fake.setFault({ kind: 'status', status: 500 });
    await expect(trtcCache({ attempts: 1 }).get()).rejects.toBeInstanceOf(SecretsUnavailableError);
    expect(fake.callCount('GetSecretValue')).toBe(1);
  });

  it('recovers within its retries from 500 twice', async () => {
    fake.setFault({ kind: 'status', status: 500, times: 2 });
    expect((await trtcCache().get()).sdkAppId).toBe(1400000000);
    expect(fake.callCount('GetSecretValue', 'trtc')).toBe(3);
    expect(sleeps).toEqual([100, 200]);
  });

  it('recovers from a throttle', async () => {
    fake.setFault({ kind: 'throttle', times: 1 });
    expect((await trtcCache().get()).sdkAppId).toBe(1400000000);
    expect(fake.callCount('GetSecretValue')).toBe(2);
  });

  it('reports a reset connection as unavailable after its retries, then recovers on the next get', async () => {
    const cache = trtcCache({ attempts: 2 });
    fake.setFault({ kind: 'reset', times: 2 });
    const error = await cache.get().catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(SecretsUnavailableError);
    expect((error as SecretsUnavailableError).cause).toMatchObject({ code: 'ECONNRESET' });
    expect(fake.callCount('GetSecretValue')).toBe(2);
    expect((await cache.get()).sdkAppId).toBe(1400000000);
  });

  it('turns a response slower than requestTimeoutMs into an error, then succeeds when healthy', async () => {
    const cache = trtcCache({ attempts: 1 });
    fake.setFault({ kind: 'delay', ms: 2_000, times: 1 });
    const started = performance.now();
    const error = await cache.get().catch((reason: unknown) => reason);
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(error).toBeInstanceOf(SecretsUnavailableError);
    expect((error as SecretsUnavailableError).cause).toMatchObject({ name: 'TimeoutError' });
    expect((await cache.get()).sdkAppId).toBe(1400000000);
  });

  it('fails fast on ResourceNotFoundException', async () => {
    fake.setFault({ kind: 'notFound' });
    const error = await trtcCache()
      .get()
      .catch((reason: unknown) => reason);
    expect((error as SecretsUnavailableError).cause).toBeInstanceOf(ResourceNotFoundException);
    expect(fake.callCount('GetSecretValue')).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('reports an invalid secret with its field, without retrying', async () => {
    fake.putSecret('trtc', JSON.stringify({ sdkAppId: 'FAKE-not-a-number', secretKey: 'x' }));
    const error = await trtcCache()
      .get()
      .catch((reason: unknown) => reason);
    expect((error as SecretsUnavailableError).cause).toBeInstanceOf(SecretInvalidError);
    expect((error as Error).message).toContain('field "sdkAppId"');
    expect((error as Error).message).not.toContain('FAKE-not-a-number');
    expect(fake.callCount('GetSecretValue')).toBe(1);
  });

  it('shares one GetSecretValue among concurrent cold requests', async () => {
    fake.setFault({ kind: 'delay', ms: 50 });
    const cache = trtcCache();
    await Promise.all(Array.from({ length: 25 }, () => cache.get()));
    expect(fake.callCount('GetSecretValue')).toBe(1);
  });

  it('expires at the rotation date read with DescribeSecret', async () => {
    fake.putSecret('trtc', TRTC_TEXT, { nextRotationDate: new Date(FAKE_NOW + 5_000) });
    const cache = trtcCache({ fetchRotationDate: true });
    await cache.get();
    expect(fake.callCount('DescribeSecret', 'trtc')).toBe(1);
    clock += 4_999;
    await cache.get();
    expect(fake.callCount('GetSecretValue')).toBe(1);
    clock += 1;
    await cache.get();
    expect(fake.callCount('GetSecretValue')).toBe(2);
  });

  it('still loads when DescribeSecret fails', async () => {
    fake.setFault({ kind: 'status', status: 500, operation: 'DescribeSecret' });
    expect((await trtcCache({ fetchRotationDate: true }).get()).sdkAppId).toBe(1400000000);
    expect(fake.callCount('DescribeSecret')).toBe(1);
    expect(fake.callCount('GetSecretValue')).toBe(1);
  });
});

describe('fakeSecretsManagerMain (standalone process with admin API)', () => {
  const mainPath = fileURLToPath(new URL('./fakeSecretsManagerMain.ts', import.meta.url));
  let child: ChildProcess;
  let url: string;
  let directory: string;
  let remoteClient: SecretsManagerClient;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'fake-secrets-manager-'));
    const seeds = join(directory, 'secrets.json');
    await writeFile(seeds, JSON.stringify({ trtc: JSON.parse(TRTC_TEXT), raw: 'plain text' }));
    child = spawn(process.execPath, ['--import', 'tsx', mainPath, '--port', '0', seeds], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const [firstLine] = (await once(lines, 'line')) as [string];
    url = (JSON.parse(firstLine) as { url: string }).url;
    remoteClient = new SecretsManagerClient({
      endpoint: url,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
  }, 15_000);

  afterAll(async () => {
    remoteClient?.destroy();
    if (child !== undefined && child.exitCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    await rm(directory, { recursive: true, force: true });
  });

  const admin = (method: string, path: string, body?: string) =>
    fetch(`${url}/__admin/${path}`, { method, ...(body === undefined ? {} : { body }) });

  it('prints its loopback URL and serves the seeded secrets', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const trtc = await remoteClient.send(new GetSecretValueCommand({ SecretId: 'trtc' }));
    expect(JSON.parse(trtc.SecretString ?? '')).toEqual(JSON.parse(TRTC_TEXT));
    const raw = await remoteClient.send(new GetSecretValueCommand({ SecretId: 'raw' }));
    expect(raw.SecretString).toBe('plain text');
  });

  it('replaces a secret with PUT /__admin/secrets/<id>', async () => {
    const response = await admin(
      'PUT',
      `secrets/${encodeURIComponent('prod/trtc')}?versionId=v9`,
      '{"new":1}',
    );
    expect(response.status).toBe(200);
    const output = await remoteClient.send(new GetSecretValueCommand({ SecretId: 'prod/trtc' }));
    expect(output).toMatchObject({ SecretString: '{"new":1}', VersionId: 'v9' });
  });

  it('sets and clears a fault with POST /__admin/fault', async () => {
    expect((await admin('POST', 'fault', '{"kind":"throttle","times":1}')).status).toBe(200);
    const error = await failure(remoteClient.send(new GetSecretValueCommand({ SecretId: 'trtc' })));
    expect(error.name).toBe('ThrottlingException');
    await admin('POST', 'fault', '{"kind":"status","status":500}');
    await admin('POST', 'fault', 'null');
    expect((await remoteClient.send(new GetSecretValueCommand({ SecretId: 'trtc' }))).Name).toBe('trtc');
    expect((await admin('POST', 'fault', '{"kind":"explode"}')).status).toBe(400);
  });

  it('reports and resets its calls with GET and DELETE /__admin/calls', async () => {
    await admin('DELETE', 'calls');
    await remoteClient.send(new DescribeSecretCommand({ SecretId: 'trtc' }));
    const { calls } = (await (await admin('GET', 'calls')).json()) as { calls: unknown[] };
    expect(calls).toEqual([{ operation: 'DescribeSecret', secretId: 'trtc', fault: null }]);
  });
});
