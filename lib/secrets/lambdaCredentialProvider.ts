import { fromEnv } from '@aws-sdk/credential-provider-env';

// Stands in for @aws-sdk/credential-provider-node in the Lambda bundles (an esbuild alias in
// serverless.yml). Lambda always hands a function its role's credentials in the environment
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), so the default chain's other
// sources (SSO, ini files, web identity, container and instance metadata) and the STS/SSO clients
// they pull in are dead weight: about 94 KB of every minified bundle, paid in cold-start time.

/**
 * The SDK client's default credential provider, reduced to the environment.
 *
 * @example
 * ```ts
 * // serverless.yml: custom.esbuild.alias['@aws-sdk/credential-provider-node'] = this file
 * ```
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
