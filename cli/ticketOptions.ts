import { TENCENT_USER_ID } from '../lib/session/Principal';
import { CliError } from './CliError';
import type { TrtcKeys } from './loadTrtcKeys';
import type { OptionTable } from './options';

/** Options of the two ticket generators. */
export const GENERATION_OPTIONS = {
  v1: {
    type: 'boolean',
    description: 'sign a legacy v1 ticket with the PEM private key (the default when the key is only a PEM)',
  },
} as const satisfies OptionTable;

/**
 * The user id to sign for, by the service's rule (Tencent's: 1 to 32 of A-Z a-z 0-9 _ -).
 *
 * @example
 * ```ts
 * const userId = requireUserId(positionals[0]);
 * ```
 */
export function requireUserId(userId: string | undefined): string {
  if (userId === undefined) throw new CliError('USAGE', 'give the user id');
  if (!TENCENT_USER_ID.test(userId)) {
    throw new CliError(
      'USAGE',
      'the user id must be 1 to 32 characters of A-Z a-z 0-9 _ - (Tencent user id rule)',
    );
  }
  return userId;
}

/**
 * Which generation to sign: v1 with `--v1` or when only a PEM is at hand, v2 otherwise.
 *
 * @example
 * ```ts
 * if (ticketVersion(values.v1, keys) === 1) genUserSigV1(...);
 * ```
 */
export function ticketVersion(v1: boolean | undefined, keys: TrtcKeys): 1 | 2 {
  if (v1 === true || (keys.secretKey === undefined && keys.privateKeyPem !== undefined)) {
    if (keys.privateKeyPem === undefined) {
      throw new CliError('BAD_INPUT', `--v1 needs a PEM private key, and ${keys.origin} holds none`);
    }
    return 1;
  }
  return 2;
}
