import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../lib/config';
import { createLogger } from '../../lib/log/logger';
import { createConfiguredSecret, TrtcSecretSchema, trtcSecretSchema } from '../../lib/secrets';

const trtc = { sdkAppId: 1400000000, secretKey: 'configured-secret-test-key' };
const awsEnv = { STAGE: 'test', TRTC_SECRET_ID: 'test/trtc' };
const awsConfig = loadConfig(awsEnv);

describe('createConfiguredSecret', () => {
  const sm = mockClient(SecretsManagerClient);
  afterEach(() => {
    sm.reset();
  });

  it('reads the local file on the local stage', async () => {
    const secret = createConfiguredSecret(loadConfig({}), 'trtc', TrtcSecretSchema);
    await expect(secret.get()).resolves.toMatchObject({ sdkAppId: 1400000000 });
  });

  it('reads the configured secret id from Secrets Manager elsewhere', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'test/trtc' }).resolves({ SecretString: JSON.stringify(trtc) });
    sm.on(DescribeSecretCommand).resolves({});
    const secret = createConfiguredSecret(awsConfig, 'trtc', TrtcSecretSchema, {
      client: new SecretsManagerClient({}),
    });
    await expect(secret.get()).resolves.toEqual(trtc);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('logs a failed rotation-date lookup and still serves the secret', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(trtc) });
    sm.on(DescribeSecretCommand).rejects(
      Object.assign(new Error('denied'), { name: 'AccessDeniedException' }),
    );
    const lines: string[] = [];
    const log = createLogger({ level: 'info', write: (line) => lines.push(line) });
    const secret = createConfiguredSecret(awsConfig, 'trtc', TrtcSecretSchema, {
      client: new SecretsManagerClient({}),
      log,
    });
    await expect(secret.get()).resolves.toEqual(trtc);
    expect(lines.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({ level: 'warn', concern: 'trtc', error: 'AccessDeniedException' }),
    );
  });

  it('with v1 tickets selected, a secret without a usable key fails to load, naming the problem', async () => {
    const v1 = loadConfig({ ...awsEnv, TRTC_TICKET_VERSION: '1' });
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(trtc) });
    sm.on(DescribeSecretCommand).resolves({});
    const secret = createConfiguredSecret(v1, 'trtc', trtcSecretSchema(v1.ticketVersion), {
      client: new SecretsManagerClient({}),
    });
    await expect(secret.get()).rejects.toMatchObject({
      code: 'SECRETS_UNAVAILABLE',
      message: expect.stringMatching(/^secret "trtc" is invalid: .*privateKeyPem.*TRTC_TICKET_VERSION=1/),
    });
  });

  it('logs a secret that fails at cold start (the prefetch), naming the problem', async () => {
    const v1 = loadConfig({ ...awsEnv, TRTC_TICKET_VERSION: '1' });
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(trtc) });
    sm.on(DescribeSecretCommand).resolves({});
    const lines: string[] = [];
    const log = createLogger({ level: 'info', write: (line) => lines.push(line) });
    const secret = createConfiguredSecret(v1, 'trtc', trtcSecretSchema(v1.ticketVersion), {
      client: new SecretsManagerClient({}),
      log,
    });
    secret.prefetch();
    await expect.poll(() => lines.length).toBe(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: 'error',
      message: 'signing secret unavailable at cold start',
      concern: 'trtc',
      detail: expect.stringContaining('field "privateKeyPem" is required'),
    });
    expect(lines[0]).not.toContain(trtc.secretKey);
  });

  it("reads the stage's default secret name when no *_SECRET_ID is set", async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'tencent-token-issuer/test/cos' }).resolves({
      SecretString: JSON.stringify(trtc),
    });
    sm.on(DescribeSecretCommand).resolves({});
    const secret = createConfiguredSecret(awsConfig, 'cos', TrtcSecretSchema, {
      client: new SecretsManagerClient({}),
    });
    await expect(secret.get()).resolves.toEqual(trtc);
  });

  it('fails at cold start when the AWS source has no secret id (the session secret has no default)', () => {
    expect(() => createConfiguredSecret(awsConfig, 'session', TrtcSecretSchema)).toThrow(ConfigError);
  });
});
