import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadConfig } from '../../lib/config';
import { createLogger } from '../../lib/log/logger';
import { cosRotationDeps, handleCosRotationEvent } from '../../lib/rotation/cosRotationHandler';
import type { CosKeyRotationDeps } from '../../lib/rotation/rotateCosKeyStep';
import { type FakeSecretsManager, startFakeSecretsManager } from '../support/fakeSecretsManager';
import {
  type FakeTencentCloudApi,
  type FakeTencentCloudSeed,
  startFakeTencentCloudApi,
} from '../support/fakeTencentCloudApi';
import { type DriverResult, driveRotation } from '../support/rotationDriver';

// The COS rotation wired as in production (cosRotationDeps from a configuration), against the loopback
// Secrets Manager (real AWS SDK client) and the loopback CAM/STS (real Tencent SDK client, signatures
// recomputed by the fake). The Secrets Manager clock and the rotation's clock are one variable.

export const OWNER_UIN = 100_000;
export const COS_USER_UIN = 100_001;
export const ROTATOR_UIN = 100_002;
export const COS_SECRET_ID = 'unit/cos';
export const ROTATOR_SECRET_ID = 'unit/cos-rotator';
export const ORIGINAL_COS = Object.freeze({
  appId: '1250000000',
  secretId: 'AKIDunitFAKEcosKey0000000000000001',
  secretKey: 'unitFAKEcosSecretKey000000000001',
  bucket: 'unit-1250000000',
  region: 'ap-guangzhou',
});
export const ROTATOR = Object.freeze({
  secretId: 'AKIDunitFAKErotatorKey00000000001',
  secretKey: 'unitFAKErotatorSecretKey00000001',
  targetUin: COS_USER_UIN,
});

export function seed(extra: Partial<FakeTencentCloudSeed> = {}): FakeTencentCloudSeed {
  return {
    ownerUin: OWNER_UIN,
    keys: [
      {
        accessKeyId: ORIGINAL_COS.secretId,
        secretKey: ORIGINAL_COS.secretKey,
        uin: COS_USER_UIN,
        status: 'Active',
      },
      { accessKeyId: ROTATOR.secretId, secretKey: ROTATOR.secretKey, uin: ROTATOR_UIN, status: 'Active' },
    ],
    managers: { [ROTATOR_UIN]: [COS_USER_UIN] },
    ...extra,
  };
}

export interface Harness {
  readonly sm: FakeSecretsManager;
  readonly tc: FakeTencentCloudApi;
  readonly deps: CosKeyRotationDeps;
  readonly lines: string[];
  clock: number;
  /** The COS user's keys in CAM. */
  userKeys(): ReturnType<FakeTencentCloudApi['keys']>;
  rotate(options?: { restart?: 'rotation' | 'step'; attempts?: number }): Promise<DriverResult>;
  reset(extra?: Partial<FakeTencentCloudSeed>): void;
  close(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const harness = { clock: Date.UTC(2025, 0, 1) } as { clock: number } & Partial<Harness>;
  const sm = await startFakeSecretsManager({ now: () => harness.clock });
  const tc = await startFakeTencentCloudApi(seed());
  const client = new SecretsManagerClient({
    endpoint: sm.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  const config = loadConfig({
    STAGE: 'unit',
    SECRETS_SOURCE: 'aws',
    COS_SECRET_ID,
    COS_ROTATOR_SECRET_ID: ROTATOR_SECRET_ID,
    CAM_ENDPOINT: tc.url,
    STS_ENDPOINT: tc.url,
    COS_KEY_TEST_DELAY_MS: '0',
    TENCENT_API_TIMEOUT_MS: '2000',
    ...env,
  });
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', write: (line) => lines.push(line) });
  const deps = cosRotationDeps(config, { client, log, now: () => harness.clock });
  const reset = (extra: Partial<FakeTencentCloudSeed> = {}): void => {
    harness.clock = Date.UTC(2025, 0, 1);
    sm.deleteSecret(COS_SECRET_ID);
    sm.putSecret(COS_SECRET_ID, JSON.stringify(ORIGINAL_COS));
    sm.putSecret(ROTATOR_SECRET_ID, JSON.stringify(ROTATOR));
    tc.reset(seed(extra));
    lines.length = 0;
  };
  reset();
  return Object.assign(harness, {
    sm,
    tc,
    deps,
    lines,
    userKeys: () => tc.keys().filter((key) => key.uin === COS_USER_UIN),
    rotate: (options: { restart?: 'rotation' | 'step'; attempts?: number } = {}) =>
      driveRotation({
        secretId: COS_SECRET_ID,
        begin: (token) => sm.beginRotation(COS_SECRET_ID, token),
        invoke: (event) => handleCosRotationEvent(event, deps),
        ...options,
      }),
    reset,
    close: async () => {
      client.destroy();
      await Promise.all([sm.close(), tc.close()]);
    },
  }) as Harness;
}

/** The COS secret's versions as `{ stages: secretId }`, for assertions. */
export function cosVersions(sm: FakeSecretsManager): { stages: string[]; secretId: string | undefined }[] {
  return sm.versions(COS_SECRET_ID).map((version) => ({
    stages: [...version.stages].sort(),
    secretId:
      version.secretString === undefined
        ? undefined
        : (JSON.parse(version.secretString) as { secretId: string }).secretId,
  }));
}
