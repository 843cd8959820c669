import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createSecretsManagerClient } from '../../lib/secrets/createSecretsManagerClient';
import { SecretInvalidError } from '../../lib/secrets/errors';
import { secretsManagerSource } from '../../lib/secrets/secretsManagerSource';

const SECRET_ID = 'test/token-issuer/trtc';
const SECRET_STRING = JSON.stringify({ sdkAppId: 1400000000, secretKey: 'FAKE-secretKey-never-log-me' });

// The mock is scoped to this one client instance (not the class), injected like in production.
const client = new SecretsManagerClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
const secretsManager = mockClient(client);

afterEach(() => {
  secretsManager.reset();
});

describe('secretsManagerSource', () => {
  it('reads the secret with GetSecretValue and returns its string and version', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: SECRET_STRING, VersionId: 'v-1' });
    const fetchSecret = secretsManagerSource({ client, secretId: SECRET_ID });
    expect(await fetchSecret()).toEqual({ secretString: SECRET_STRING, versionId: 'v-1' });
    expect(secretsManager.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input)).toEqual([
      { SecretId: SECRET_ID },
    ]);
    expect(secretsManager.commandCalls(DescribeSecretCommand)).toHaveLength(0);
  });

  it('also reads NextRotationDate with DescribeSecret when asked to', async () => {
    const nextRotationDate = new Date('2025-02-01T00:00:00Z');
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: SECRET_STRING, VersionId: 'v-2' });
    secretsManager
      .on(DescribeSecretCommand)
      .resolves({ NextRotationDate: nextRotationDate, RotationEnabled: true });
    const fetchSecret = secretsManagerSource({ client, secretId: SECRET_ID, fetchRotationDate: true });
    expect(await fetchSecret()).toEqual({ secretString: SECRET_STRING, versionId: 'v-2', nextRotationDate });
    expect(secretsManager.commandCalls(DescribeSecretCommand).map((call) => call.args[0].input)).toEqual([
      { SecretId: SECRET_ID },
    ]);
  });

  it('does not hold the load for a DescribeSecret that never answers: the rotation date is dropped', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: SECRET_STRING });
    // Never settles: a load that waited for it would never finish (and this test would time out).
    secretsManager.on(DescribeSecretCommand).callsFake(() => new Promise(() => {}));
    const fetchSecret = secretsManagerSource({ client, secretId: SECRET_ID, fetchRotationDate: true });
    expect(await fetchSecret()).toEqual({ secretString: SECRET_STRING });
  });

  it('returns no rotation date when the secret does not rotate', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: SECRET_STRING });
    secretsManager.on(DescribeSecretCommand).resolves({ RotationEnabled: false });
    const fetchSecret = secretsManagerSource({ client, secretId: SECRET_ID, fetchRotationDate: true });
    expect(await fetchSecret()).toEqual({ secretString: SECRET_STRING });
  });

  it('tolerates a failing DescribeSecret: the load succeeds without a rotation date and the error is reported', async () => {
    const denied = Object.assign(new Error('not authorized to DescribeSecret'), {
      name: 'AccessDeniedException',
    });
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: SECRET_STRING, VersionId: 'v-3' });
    secretsManager.on(DescribeSecretCommand).rejects(denied);
    const reported: unknown[] = [];
    const fetchSecret = secretsManagerSource({
      client,
      secretId: SECRET_ID,
      fetchRotationDate: true,
      onRotationDateError: (error) => reported.push(error),
    });
    expect(await fetchSecret()).toEqual({ secretString: SECRET_STRING, versionId: 'v-3' });
    expect(reported).toEqual([denied]);
  });

  it('rejects a binary secret with an error naming the secret', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretBinary: new Uint8Array([1, 2, 3]), VersionId: 'v-4' });
    const fetchSecret = secretsManagerSource({ client, secretId: SECRET_ID });
    const error = await fetchSecret().catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(SecretInvalidError);
    expect((error as SecretInvalidError).message).toBe(
      `secret "${SECRET_ID}" has no SecretString (binary secrets are not supported; store a JSON string)`,
    );
  });

  it('passes SDK errors through unchanged for the cache to classify', async () => {
    const notFound = new ResourceNotFoundException({
      message: "Secrets Manager can't find the specified secret.",
      $metadata: {},
    });
    secretsManager.on(GetSecretValueCommand).rejects(notFound);
    secretsManager.on(DescribeSecretCommand).rejects(notFound);
    const fetchSecret = secretsManagerSource({ client, secretId: SECRET_ID, fetchRotationDate: true });
    await expect(fetchSecret()).rejects.toBe(notFound);
  });

  it('rejects misuse with TypeError', () => {
    expect(() => secretsManagerSource({ client, secretId: '' })).toThrow(TypeError);
    expect(() =>
      secretsManagerSource({ client: {} as unknown as SecretsManagerClient, secretId: SECRET_ID }),
    ).toThrow(TypeError);
  });
});

describe('createSecretsManagerClient', () => {
  it('builds a client that leaves retries to the secret cache', async () => {
    const built = createSecretsManagerClient({
      region: 'eu-west-1',
      requestTimeoutMs: 1_000,
      connectionTimeoutMs: 500,
    });
    try {
      expect(built).toBeInstanceOf(SecretsManagerClient);
      expect(await built.config.maxAttempts()).toBe(1);
      expect(await built.config.region()).toBe('eu-west-1');
    } finally {
      built.destroy();
    }
  });

  it.each([
    ['a zero request timeout', { requestTimeoutMs: 0, connectionTimeoutMs: 500 }],
    ['a fractional connection timeout', { requestTimeoutMs: 1_000, connectionTimeoutMs: 0.5 }],
    ['an empty region', { region: '', requestTimeoutMs: 1_000, connectionTimeoutMs: 500 }],
  ])('rejects %s with a TypeError', (_label, options) => {
    expect(() => createSecretsManagerClient(options)).toThrow(TypeError);
  });
});
