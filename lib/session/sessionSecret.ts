import type { Config } from '../config';
import type { Logger } from '../log/logger';
import { createConfiguredSecret } from '../secrets/createConfiguredSecret';
import { SessionSecretSchema } from '../secrets/secretSchemas';

/**
 * The HS256 session secret of a deployed stage (`SESSION_SECRET_ID`), cached like the signing secrets.
 *
 * @example
 * ```ts
 * const secret = createSessionSecret(config, logger);
 * const key = await secret.get(); // the hs256Secret string
 * ```
 */
export function createSessionSecret(
  config: Pick<Config, 'secrets'>,
  log?: Logger,
): { get(): Promise<string> } {
  const cache = createConfiguredSecret(
    config,
    'session',
    SessionSecretSchema,
    log === undefined ? {} : { log },
  );
  return { get: async () => (await cache.get()).hs256Secret };
}
