import type { Config } from '../config';
import { type CosKeys, createCosKeys } from './createCosKeys';
import { createTemporaryKeyCache } from './createTemporaryKeyCache';
import { createTencentStsClient } from './createTencentStsClient';
import type { StsClient } from './StsClient';

/**
 * Wires the COS keys of a function from the configuration: without STS, the bucket key; with STS, the
 * Tencent STS client (its SDK loaded now, so await this in INIT) and a per-container signing-key cache.
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
  const sts =
    deps.sts ??
    (await createTencentStsClient({
      endpoint: settings.endpoint,
      ...(settings.roleArn === undefined ? {} : { roleArn: settings.roleArn }),
      timeoutMs: settings.timeoutMs,
      retryAfterSeconds: config.secrets.retryAfterSeconds,
    }));
  return createCosKeys({
    settings: config.cos,
    sts,
    cache: createTemporaryKeyCache({ now: deps.now ?? Date.now }),
  });
}
