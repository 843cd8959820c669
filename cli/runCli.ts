import type { CliContext } from './CliContext';
import { CliError, EXIT } from './CliError';
import { COMMANDS } from './commands';
import type { Command } from './defineCommand';
import { parseOptions, renderOptions, wrap } from './options';

// The dispatcher: finds the command (one or two words), answers --help, parses the options, runs the
// command, and turns every failure into a message and an exit status. Nothing escapes as a stack
// trace, and no message carries a secret.

/** The name the tool is invoked by (the package's `bin`). */
export const TOOL = 'tencent-token-issuer';

const EXIT_STATUS_HELP =
  'exit status is the same for every command: 0 success, 1 the thing checked is bad, 2 bad input, 3 a service could not be reached, 70 a bug';

/**
 * Runs the tool with `argv` (without the node and script paths) and returns the exit status.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2), context, { version: '0.1.0' });
 * ```
 */
export async function runCli(
  argv: readonly string[],
  context: CliContext,
  { version }: { version: string },
): Promise<number> {
  const [first, second] = argv;
  if (first === undefined || first === '--help' || first === '-h') {
    context.stdout(toolHelp());
    return first === undefined ? EXIT.BAD_INPUT : EXIT.OK;
  }
  if (first === '--version' || first === '-v') {
    context.stdout(`${version}\n`);
    return EXIT.OK;
  }
  if (first === 'help') {
    const wanted = argv.slice(1).join(' ');
    const command = wanted === '' ? undefined : findCommand(wanted);
    if (wanted !== '' && command === undefined)
      return usageError(undefined, `no command "${wanted}"`, context);
    context.stdout(command === undefined ? toolHelp() : commandHelp(command));
    return EXIT.OK;
  }
  const two = second === undefined ? undefined : findCommand(`${first} ${second}`);
  const command = two ?? findCommand(first);
  if (command === undefined) {
    const group = COMMANDS.filter((candidate) => candidate.name.startsWith(`${first} `));
    if (group.length > 0) {
      const names = group.map((candidate) => `"${candidate.name}"`).join(', ');
      return usageError(undefined, `${first} needs a subcommand: ${names}`, context);
    }
    return usageError(undefined, `no command "${first}"`, context);
  }
  const rest = argv.slice(command.name.split(' ').length);
  const endOfOptions = rest.indexOf('--');
  const optionPart = endOfOptions < 0 ? rest : rest.slice(0, endOfOptions);
  if (optionPart.includes('--help') || optionPart.includes('-h')) {
    context.stdout(commandHelp(command));
    return EXIT.OK;
  }
  try {
    const args = parseOptions(rest, command.options);
    const { min, max } = command.positionals;
    if (args.positionals.length < min || args.positionals.length > max) {
      throw new CliError(
        'USAGE',
        args.positionals.length < min ? 'an argument is missing' : 'too many arguments',
      );
    }
    return await command.run(args, context);
  } catch (error) {
    if (error instanceof CliError) {
      if (error.code === 'USAGE') return usageError(command, error.message, context);
      context.stderr(`${TOOL} ${command.name}: ${error.message}\n`);
      return error.exitCode;
    }
    // A bug. Only the error's class: its message could quote anything it was given.
    const name = error instanceof Error ? error.name : typeof error;
    context.stderr(
      `${TOOL} ${command.name}: internal error (${name}); please report it with the command you ran\n`,
    );
    return EXIT.INTERNAL;
  }
}

function findCommand(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}

function usageError(command: Command | undefined, message: string, context: CliContext): number {
  const where = command === undefined ? TOOL : `${TOOL} ${command.name}`;
  const help = command === undefined ? `${TOOL} --help` : `${TOOL} ${command.name} --help`;
  context.stderr(`${where}: ${message}\n(${help} shows the usage)\n`);
  return EXIT.BAD_INPUT;
}

/**
 * The help of the whole tool: one line per command.
 *
 * @example
 * ```ts
 * process.stdout.write(toolHelp());
 * ```
 */
export function toolHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length)) + 4;
  const lines = COMMANDS.map((command) => `  ${command.name.padEnd(width)}${command.summary}\n`).join('');
  return `usage: ${TOOL} <command> [options]\n\nTencent IM/TRTC tickets and COS signatures: generate, verify and explain them, and smoke-test the token service.\n\ncommands:\n${lines}\n${TOOL} <command> --help shows the options of a command; ${TOOL} --version the version.\n${wrap(EXIT_STATUS_HELP, 100).join('\n')}\n`;
}

/**
 * The help of one command: usage, description, options, exit status.
 *
 * @example
 * ```ts
 * process.stdout.write(commandHelp(verifyCommand));
 * ```
 */
export function commandHelp(command: Command): string {
  const options = renderOptions({
    ...command.options,
    help: { type: 'boolean', short: 'h', description: 'show this help' },
  });
  return `usage: ${TOOL} ${command.usage}\n\n${wrap(command.description, 100).join('\n')}\n\noptions:\n${options}\nexit status: ${command.exitStatus}\n`;
}
