import { type Config, ConfigError, requireSessionConfig } from '../config';
import type { Logger } from '../log/logger';
import { createSessionVerifier, type SessionVerifier } from './createSessionVerifier';

/**
 * The session verifier of this container, wired from the configuration: the identity provider's JWKS,
 * the HS256 secret from Secrets Manager (`SESSION_SECRET_ID`, cached like the signing secrets) or, on the
 * local stage, the HS256 secret from the environment.
 *
 * @throws {ConfigError} at cold start when no session verification is configured.
 *
 * @example
 * ```ts
 * const verifier = createConfiguredSessionVerifier(config, { log: logger });
 * await verifier.warm(); // INIT: fetch the keys before the first request
 * ```
 */
export function createConfiguredSessionVerifier(
  config: Pick<Config, 'session' | 'secrets'>,
  deps: { readonly log?: Logger } = {},
): SessionVerifier {
  const session = requireSessionConfig(config);
  if (session.hs256SecretId === undefined) return createSessionVerifier(session);
  // Only bundles packaged with SESSION_SECRET_ID contain the AWS SDK client (see bundleFlags.d.ts): an
  // authorizer that verifies against a JWKS neither carries nor evaluates it.
  if (typeof __TTI_SESSION_SECRET_ID__ === 'undefined' || __TTI_SESSION_SECRET_ID__) {
    const secret = import('./sessionSecret').then(({ createSessionSecret }) =>
      createSessionSecret(config, deps.log),
    );
    return createSessionVerifier(session, { hs256Secret: async () => (await secret).get() });
  }
  throw new ConfigError(['SESSION_SECRET_ID is set, but this bundle was packaged without it: package again']);
}
