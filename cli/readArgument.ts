import type { CliContext } from './CliContext';
import { CliError } from './CliError';

/**
 * A file's text, or standard input for `-`. Errors name the path (not for `secret` files, whose path
 * option may hold a mistyped key) and the reason, never the content.
 *
 * @example
 * ```ts
 * const text = await readFileArgument('keys/trtc.json', context, 'key file');
 * ```
 */
export async function readFileArgument(
  path: string,
  context: CliContext,
  what: string,
  { secret = false }: { secret?: boolean } = {},
): Promise<string> {
  if (path === '-') return context.readStdin();
  try {
    return await context.readFile(path);
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
    const reason =
      code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : 'could not be read';
    // Someone who typed the key itself where its file belongs must not see it echoed.
    const named = secret ? `the ${what}` : `${what} "${path}"`;
    const hint =
      secret && code === 'ENOENT' ? ' (the option takes the path of a file, never the key itself)' : '';
    throw new CliError('BAD_INPUT', `${named} ${reason}${hint}`);
  }
}

/**
 * A ticket given as an argument, or read from standard input for `-` (which keeps it out of the
 * shell history). Surrounding white space is dropped.
 *
 * @example
 * ```ts
 * const userSig = await readTicketArgument(positionals[0], context);
 * ```
 */
export async function readTicketArgument(argument: string | undefined, context: CliContext): Promise<string> {
  if (argument === undefined)
    throw new CliError('USAGE', 'give the ticket, or - to read it from standard input');
  return (argument === '-' ? await context.readStdin() : argument).trim();
}
