import type { CliContext } from './CliContext';
import type { OptionTable, ParsedArgs } from './options';

/**
 * One command of the tool. `name` may have two words (`key test`); `usage` follows the tool's name
 * in the help (`verify <ticket|-> [options]`); `positionals` bounds the number of arguments.
 *
 * @example
 * ```ts
 * const command: Command = defineCommand({ name: 'explain', summary: '…', usage: 'explain <code>',
 *   description: '…', options: {}, positionals: { min: 1, max: 1 }, run: async () => 0 });
 * ```
 */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly description: string;
  readonly options: OptionTable;
  readonly positionals: { readonly min: number; readonly max: number };
  /** Lines of the "exit status" part of the help. */
  readonly exitStatus: string;
  run(args: ParsedArgs<OptionTable>, context: CliContext): Promise<number>;
}

/**
 * Declares a command with typed option values.
 *
 * @example
 * ```ts
 * export const explainCommand = defineCommand({
 *   name: 'explain', summary: 'explain a Tencent error code', usage: 'explain <code>', description: '…',
 *   options: { json: { type: 'boolean', description: 'print JSON' } }, positionals: { min: 1, max: 1 },
 *   run: async ({ values, positionals }, context) => { context.stdout(values.json ? '{}' : positionals[0]); return 0; },
 * });
 * ```
 */
export function defineCommand<T extends OptionTable>(spec: {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly description: string;
  readonly options: T;
  readonly positionals: { readonly min: number; readonly max: number };
  readonly exitStatus?: string;
  readonly run: (args: ParsedArgs<T>, context: CliContext) => Promise<number>;
}): Command {
  return {
    ...spec,
    exitStatus: spec.exitStatus ?? '0 done, 2 bad input',
    run: spec.run as Command['run'],
  };
}
