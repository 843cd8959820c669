import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { inject } from 'vitest';
import type { FakeImApp, FakeImRestCall, FakeImRestFault } from '../../support/fakeImRest';
import type { FakeSecretsManagerFault, FakeSecretVersion } from '../../support/fakeSecretsManager';
import type {
  FakeCamKey,
  FakeTencentCloudCall,
  FakeTencentCloudFault,
  FakeTencentCloudSeed,
} from '../../support/fakeTencentCloudApi';
import { type DriverResult, driveRotation } from '../../support/rotationDriver';
import { fakeSecretsManager, invokeFunction } from './client';

// What the rotation suites use to drive the stack's rotation jobs: the functions through serverless-
// offline's Lambda Invoke API (as Secrets Manager and EventBridge invoke them), the fake Secrets
// Manager's versions, and the admin APIs of the fake Tencent Cloud API and IM REST API.

const secretsManagerUrl = inject('e2eSecretsManagerUrl');
const tencentCloudUrl = inject('e2eTencentCloudUrl');
const imRestUrl = inject('e2eImRestUrl');

async function admin(base: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${base}/__admin/${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json: unknown = await response.json();
  if (!response.ok) throw new Error(`${base} ${method} ${path}: ${JSON.stringify(json)}`);
  return json;
}

/** The stack's fake CAM and STS. */
export const fakeTencentCloud = {
  reset: (seed: FakeTencentCloudSeed) => admin(tencentCloudUrl, 'POST', 'reset', seed),
  setFault: (fault: FakeTencentCloudFault | null) => admin(tencentCloudUrl, 'POST', 'fault', fault),
  async keys(): Promise<Omit<FakeCamKey, 'secretKey'>[]> {
    return ((await admin(tencentCloudUrl, 'GET', 'keys')) as { keys: Omit<FakeCamKey, 'secretKey'>[] }).keys;
  },
  async calls(): Promise<FakeTencentCloudCall[]> {
    return ((await admin(tencentCloudUrl, 'GET', 'calls')) as { calls: FakeTencentCloudCall[] }).calls;
  },
  resetCalls: () => admin(tencentCloudUrl, 'DELETE', 'calls'),
};

/** The stack's fake IM REST API. */
export const fakeImRest = {
  setApp: (app: FakeImApp) => admin(imRestUrl, 'POST', 'apps', app),
  setFault: (fault: FakeImRestFault | null) => admin(imRestUrl, 'POST', 'fault', fault),
  async calls(): Promise<FakeImRestCall[]> {
    return ((await admin(imRestUrl, 'GET', 'calls')) as { calls: FakeImRestCall[] }).calls;
  },
  resetCalls: () => admin(imRestUrl, 'DELETE', 'calls'),
};

/** Secret versions and rotation starts in the stack's fake Secrets Manager. */
export const secretVersions = {
  async list(secretId: string): Promise<FakeSecretVersion[]> {
    return (
      (await admin(secretsManagerUrl, 'GET', `secrets/${encodeURIComponent(secretId)}`)) as {
        versions: FakeSecretVersion[];
      }
    ).versions;
  },
  /** Deletes the secret and creates it anew with one AWSCURRENT version (a clean rotation state). */
  async recreate(secretId: string, value: object): Promise<void> {
    await fetch(`${secretsManagerUrl}/__admin/secrets/${encodeURIComponent(secretId)}`, { method: 'DELETE' });
    await fakeSecretsManager.putSecret(secretId, JSON.stringify(value));
  },
  begin: (secretId: string, token: string) =>
    admin(secretsManagerUrl, 'POST', `secrets/${encodeURIComponent(secretId)}/rotation?token=${token}`),
  setFault: (fault: FakeSecretsManagerFault | null) => fakeSecretsManager.setFault(fault),
  /** The AWSCURRENT value, parsed. */
  async current<T>(secretId: string): Promise<T> {
    const version = (await this.list(secretId)).find((v) => v.stages.includes('AWSCURRENT'));
    return JSON.parse(version?.secretString ?? 'null') as T;
  },
};

/** An operator's AWS SDK client against the stack's fake Secrets Manager. */
export const operatorSecretsManager = new SecretsManagerClient({
  endpoint: secretsManagerUrl,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 1,
});

/** `aws secretsmanager put-secret-value --secret-id <id> --secret-string <json> --version-stages STAGED`. */
export async function stageSecret(secretId: string, value: object): Promise<void> {
  await operatorSecretsManager.send(
    new PutSecretValueCommand({
      SecretId: secretId,
      SecretString: JSON.stringify(value),
      VersionStages: ['STAGED'],
    }),
  );
}

/**
 * Runs one rotation of `secretId` through the stack's rotation function, as Secrets Manager would.
 *
 * @example
 * ```ts
 * const result = await rotateThroughStack('rotateCosKey', COS_SECRET_ID);
 * ```
 */
export function rotateThroughStack(
  functionKey: 'rotateCosKey' | 'rotateTrtcKey',
  secretId: string,
  options: {
    attempts?: number;
    restart?: 'rotation' | 'step';
    /** Told right before each invocation (e.g. to note when finishSecret starts). */
    onInvoke?: (step: string) => void;
  } = {},
): Promise<DriverResult> {
  const { onInvoke, ...driverOptions } = options;
  return driveRotation({
    secretId,
    begin: async (token) => {
      await secretVersions.begin(secretId, token);
    },
    invoke: (event) => {
      onInvoke?.(event.Step);
      return invokeFunction(functionKey, event);
    },
    ...driverOptions,
  });
}
