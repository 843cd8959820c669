import { type Config, ConfigError } from '../config';
import { type CosKeys, createCosKeys } from './createCosKeys';
import { createTemporaryKeyCache } from './createTemporaryKeyCache';
import type { StsClient } from './StsClient';

/**
 * Wires the COS keys of a function from the configuration: without STS, the bucket key; with STS, the
 * Tencent STS client (its SDK loaded now, so await this in INIT) and a per-container signing-key cache.
 *
 * @throws {ConfigError} when STS is configured but the bundle was packaged for a stage without it.
 *
 * @example
 * ```ts
 * const keys = await createConfiguredCosKeys(config); // module top level
 * ```
 */
export async function createConfiguredCosKeys(
  config: Pick<Config, 'cos' | 'secrets'>,
  deps: { readonly sts?: StsClient; readonly now?: () => number } = {},
): Promise<CosKeys> {
  const settings = config.cos.sts;
  if (settings === undefined) return createCosKeys({ settings: config.cos });
  const cache = createTemporaryKeyCache({ now: deps.now ?? Date.now });
  if (deps.sts !== undefined) return createCosKeys({ settings: config.cos, sts: deps.sts, cache });
  // Only bundles packaged for a stage with STS contain Tencent's STS SDK (see bundleFlags.d.ts): one
  // packaged without it neither carries nor evaluates it.
  if (typeof __TTI_COS_STS__ === 'undefined' || __TTI_COS_STS__) {
    const { createTencentStsClient } = await import('./createTencentStsClient');
    const sts = await createTencentStsClient({
      endpoint: settings.endpoint,
      ...(settings.roleArn === undefined ? {} : { roleArn: settings.roleArn }),
      timeoutMs: settings.timeoutMs,
      retryAfterSeconds: config.secrets.retryAfterSeconds,
    });
    return createCosKeys({ settings: config.cos, sts, cache });
  }
  throw new ConfigError(['COS_STS_ENABLED is on, but this bundle was packaged without STS: package again']);
}
