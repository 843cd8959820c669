import { randomInt } from 'node:crypto';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type Config, ConfigError } from '../config';
import type { Logger } from '../log/logger';
import { parseSecret } from '../secrets/parseSecret';
import { type TrtcSecret, TrtcSecretSchema } from '../secrets/secretSchemas';
import { checkTrtcKey, describeKeyCheck, type TrtcKeyCheckResult } from './checkTrtcKey';
import { keyCheckMetricFields } from './keyCheckMetric';
import { logFailure } from './logFailure';
import { rotateTrtcKeyStep, type TrtcKeyRotationDeps } from './rotateTrtcKeyStep';
import { type RotationSecretStore, rotationSecretStore } from './rotationSecretStore';

// Wiring of the two TRTC jobs: the staged rotation function and the scheduled key health check. Both
// read the TRTC secret fresh (never from a cache), mint a five-minute admin ticket and ask Tencent.

/**
 * The TRTC jobs' dependencies.
 *
 * @example
 * ```ts
 * const deps = trtcJobDeps(config, { client, log: logger });
 * ```
 */
export interface TrtcJobDeps extends TrtcKeyRotationDeps {
  readonly stage: string;
  readonly now: () => number;
}

/**
 * Builds the TRTC jobs' dependencies from the configuration.
 *
 * @throws {ConfigError} when the secrets come from files or TRTC_SECRET_ID is missing.
 *
 * @example
 * ```ts
 * const deps = trtcJobDeps(config, { client: createSecretsManagerClient(...), log: logger });
 * ```
 */
export function trtcJobDeps(
  config: Config,
  options: { readonly client: SecretsManagerClient; readonly log: Logger; readonly fetch?: typeof fetch },
): TrtcJobDeps {
  const secretId = config.secrets.trtc.secretId;
  if (config.secrets.source !== 'aws' || secretId === undefined) {
    throw new ConfigError(['the TRTC jobs need SECRETS_SOURCE=aws and TRTC_SECRET_ID']);
  }
  const now = Date.now;
  return {
    store: rotationSecretStore(options.client),
    secretId,
    stage: config.stage,
    now,
    log: options.log,
    checkKey: (secret: TrtcSecret) =>
      checkTrtcKey({
        secret,
        endpoint: config.rotation.imRestEndpoint,
        adminUserId: config.rotation.trtcAdminUserId,
        now: Math.floor(now() / 1000),
        random: randomInt(2 ** 32),
        timeoutMs: config.rotation.tencentApiTimeoutMs,
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      }),
  };
}

/**
 * The staged TRTC rotation function: one Secrets Manager rotation step; a failure is logged and rethrown.
 *
 * @example
 * ```ts
 * export const handler = (event: unknown) => handleTrtcRotationEvent(event, deps);
 * ```
 */
export async function handleTrtcRotationEvent(event: unknown, deps: TrtcJobDeps): Promise<void> {
  try {
    await rotateTrtcKeyStep(event, deps);
  } catch (error) {
    logFailure(deps.log, 'TRTC rotation failed', error);
    throw error;
  }
}

/**
 * The scheduled health check: is the AWSCURRENT TRTC key the one Tencent holds? Logs one line with the
 * answer explained and the `TrtcKeyCheckFailed` metric (EMF), and returns the result. It does not throw
 * for a failed check (the metric and its alarm are the signal; a retry would not change the answer).
 *
 * @example
 * ```ts
 * export const handler = () => runTrtcKeyCheck(deps);
 * ```
 */
export async function runTrtcKeyCheck(
  deps: TrtcJobDeps,
): Promise<TrtcKeyCheckResult | { ok: false; reason: 'SECRET_UNAVAILABLE' }> {
  const log = deps.log.child({ task: 'checkTrtcKey' });
  const secret = await readCurrent(deps.store, deps.secretId).catch((error: unknown) => {
    logFailure(log, 'TRTC key check: the TRTC secret could not be read', error);
    return undefined;
  });
  if (secret === undefined) {
    const unavailable = { ok: false, reason: 'SECRET_UNAVAILABLE' } as const;
    log.error(
      'TRTC key check failed',
      keyCheckMetricFields(unavailable, { stage: deps.stage, timestamp: deps.now() }),
    );
    return unavailable;
  }
  const result = await deps.checkKey(secret);
  const fields = {
    ...keyCheckMetricFields(result, { stage: deps.stage, timestamp: deps.now() }),
    detail: describeKeyCheck(result),
    ...(result.explanation === undefined
      ? {}
      : {
          cause: result.explanation.cause,
          fix: result.explanation.fix,
          meaning: result.explanation.meaning,
        }),
  };
  if (result.ok) log.info('TRTC key check passed', fields);
  else log.error('TRTC key check failed', fields);
  return result;
}

async function readCurrent(store: RotationSecretStore, secretId: string): Promise<TrtcSecret | undefined> {
  const value = await store.getValue(secretId, { stage: 'AWSCURRENT' });
  return value === undefined ? undefined : parseSecret(TrtcSecretSchema, value.secretString, 'trtc');
}
