import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type Config, ConfigError } from '../config';
import type { Logger } from '../log/logger';
import { parseSecret } from '../secrets/parseSecret';
import { CosRotatorSecretSchema } from '../secrets/secretSchemas';
import { CAM_API_VERSION, camAccessKeys } from './camAccessKeys';
import {
  DISABLE_PREVIOUS_KEY_TASK,
  type DisablePreviousKeyResult,
  disablePreviousCosKey,
} from './disablePreviousCosKey';
import { logFailure } from './logFailure';
import { RotationError } from './RotationError';
import { type CosKeyRotationDeps, rotateCosKeyStep } from './rotateCosKeyStep';
import { isRotationEvent } from './rotationEvent';
import { rotationSecretStore } from './rotationSecretStore';
import { tencentApiCaller } from './tencentApiCaller';

// Wiring of the COS rotation function: the configured secrets, the rotator's credential read fresh for
// every invocation (an operator's change applies at once), CAM and STS through the official SDK.

/** The STS API version of GetCallerIdentity. */
export const STS_API_VERSION = '2018-08-13';

/**
 * Builds the COS rotation's dependencies from the configuration.
 *
 * @throws {ConfigError} at cold start when a secret id is missing or the secrets come from files.
 *
 * @example
 * ```ts
 * const deps = cosRotationDeps(config, { client: createSecretsManagerClient(...), log: logger });
 * ```
 */
export function cosRotationDeps(
  config: Config,
  options: { readonly client: SecretsManagerClient; readonly log: Logger; readonly now?: () => number },
): CosKeyRotationDeps {
  const { rotation } = config;
  const secretId = config.secrets.cos.secretId;
  const rotatorSecretId = config.secrets.cosRotator.secretId;
  if (config.secrets.source !== 'aws' || secretId === undefined || rotatorSecretId === undefined) {
    throw new ConfigError([
      'the COS rotation needs SECRETS_SOURCE=aws, COS_SECRET_ID and COS_ROTATOR_SECRET_ID',
    ]);
  }
  const store = rotationSecretStore(options.client);
  const timeoutMs = rotation.tencentApiTimeoutMs;
  const readRotator = async () => {
    const value = await store.getValue(rotatorSecretId, { stage: 'AWSCURRENT' });
    if (value === undefined)
      throw new RotationError('SECRET_INVALID', `the rotator secret ${rotatorSecretId} has no value`);
    try {
      return parseSecret(CosRotatorSecretSchema, value.secretString, 'cos-rotator');
    } catch (error) {
      throw new RotationError(
        'SECRET_INVALID',
        error instanceof Error ? error.message : 'the rotator secret is invalid',
      );
    }
  };
  return {
    store,
    secretId,
    camKeys: async () => {
      const rotator = await readRotator();
      const call = tencentApiCaller({ ...rotation.cam, version: CAM_API_VERSION }, rotator, { timeoutMs });
      return camAccessKeys(call, rotator.targetUin);
    },
    callerUin: async (credential) => {
      const call = tencentApiCaller({ ...rotation.sts, version: STS_API_VERSION }, credential, { timeoutMs });
      const { UserId } = await call('GetCallerIdentity', {});
      return String(UserId);
    },
    graceSeconds: rotation.cosKeyGraceSeconds,
    now: options.now ?? Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    keyTest: { ...rotation.keyTest, maxDelayMs: rotation.keyTest.baseDelayMs * 8 },
    log: options.log,
  };
}

/**
 * The COS rotation function's two jobs: a Secrets Manager rotation step, or the scheduled task
 * `{ "task": "disablePreviousKey" }`. A failure is logged with its code and rethrown (Secrets Manager
 * retries a failed step).
 *
 * @example
 * ```ts
 * export const handler = (event: unknown) => handleCosRotationEvent(event, deps);
 * ```
 */
export async function handleCosRotationEvent(
  event: unknown,
  deps: CosKeyRotationDeps,
): Promise<DisablePreviousKeyResult | undefined> {
  try {
    if (isRotationEvent(event)) {
      await rotateCosKeyStep(event, deps);
      return undefined;
    }
    if (
      typeof event === 'object' &&
      event !== null &&
      (event as { task?: unknown }).task === DISABLE_PREVIOUS_KEY_TASK
    ) {
      return await disablePreviousCosKey(deps);
    }
    throw new RotationError(
      'INVALID_EVENT',
      `expected a rotation step or { "task": "${DISABLE_PREVIOUS_KEY_TASK}" }`,
    );
  } catch (error) {
    logFailure(deps.log, 'COS rotation failed', error);
    throw error;
  }
}
