import { ConfigError, loadConfig } from '../../lib/config';
import {
  DEV_TOKEN_OPTIONS,
  DEV_TOKEN_USAGE,
  devTokenRequestOf,
  mintDevToken,
  UsageError,
} from '../../scripts/devToken';
import { CliError, EXIT } from '../CliError';
import { defineCommand } from '../defineCommand';

/**
 * `session <userId>`: a local development session token, exactly as `npm run dev:token` mints it
 * (the same options table, the same request builder, the same signer).
 */
export const sessionCommand = defineCommand({
  name: 'session',
  summary: 'mint a local development session token (the same as npm run dev:token)',
  usage: `session ${DEV_TOKEN_USAGE}`,
  description:
    'Prints a session token (only the token) that the local service accepts: HS256 with the configured session secret, issuer and audience (the development defaults of lib/config.ts unless SESSION_* variables say otherwise). Only for the local stage: a deployed stage takes tokens from its identity provider.',
  options: DEV_TOKEN_OPTIONS,
  positionals: { min: 1, max: 1 },
  exitStatus: '0 minted, 2 bad input or a configuration that cannot mint',
  run: async (args, context) => {
    let config: ReturnType<typeof loadConfig>;
    try {
      config = loadConfig(context.env);
    } catch (error) {
      // ConfigError messages name the variables, never their values.
      if (error instanceof ConfigError) throw new CliError('BAD_INPUT', error.message);
      throw error;
    }
    let token: string;
    try {
      token = await mintDevToken(config, devTokenRequestOf(args, Math.floor(context.now() / 1000)));
    } catch (error) {
      if (error instanceof UsageError) throw new CliError('USAGE', error.message);
      // mintDevToken refuses a configuration or a request with a plain Error and a message for people.
      if (error instanceof Error && error.name === 'Error') throw new CliError('BAD_INPUT', error.message);
      throw error;
    }
    context.stdout(`${token}\n`);
    return EXIT.OK;
  },
});
