import { describeUserSig } from '../../lib/diagnose/describeUserSig';
import { decodeUserSig, SignError } from '../../lib/sign';
import { CliError, EXIT } from '../CliError';
import { currentTime, JSON_OPTION, NOW_OPTION } from '../commonOptions';
import { defineCommand } from '../defineCommand';
import { json } from '../format';
import { readTicketArgument } from '../readArgument';
import { renderTicket } from '../renderTicket';

/** `decode <ticket>`: what a userSig or privateMapKey says, without checking it. */
export const decodeCommand = defineCommand({
  name: 'decode',
  summary: 'show what a userSig or privateMapKey (v1 or v2) says, without checking it',
  usage: 'decode <ticket|-> [--now TIME] [--json]',
  description:
    'Decodes a ticket (- reads it from standard input) and shows its user, SDKAppID, issue and expiry times (ISO 8601, and relative to now) and, for a privateMapKey, the room, the privileges by name and the room expiry. Nothing is verified: use verify for that.',
  options: { ...NOW_OPTION, ...JSON_OPTION },
  positionals: { min: 1, max: 1 },
  exitStatus: '0 decoded, 2 not a ticket or bad input',
  run: async ({ values, positionals }, context) => {
    const now = currentTime(values.now, context);
    const userSig = await readTicketArgument(positionals[0], context);
    let view: ReturnType<typeof describeUserSig>;
    try {
      view = describeUserSig(decodeUserSig(userSig));
    } catch (error) {
      if (error instanceof SignError) {
        throw new CliError('BAD_INPUT', `not a ticket: ${error.message} (Tencent answers 70003)`);
      }
      throw error;
    }
    context.stdout(values.json === true ? json(view) : renderTicket(view, now));
    return EXIT.OK;
  },
});
