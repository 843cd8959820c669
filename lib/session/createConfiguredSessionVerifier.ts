import { type Config, requireSessionConfig } from '../config';
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
  // Loaded only when the session secret lives in Secrets Manager: an authorizer that verifies against a
  // JWKS never evaluates the AWS SDK client (esbuild keeps the module in the bundle, initialised lazily).
  const secret = import('./sessionSecret').then(({ createSessionSecret }) =>
    createSessionSecret(config, deps.log),
  );
  return createSessionVerifier(session, { hs256Secret: async () => (await secret).get() });
}
