import { parseArgs } from 'node:util';
import { CliError } from './CliError';

// Options are declared once per command, as a table: the same table feeds node:util parseArgs (strict:
// unknown options, missing values and stray arguments are errors) and the --help text, so the two
// cannot drift apart.

/** A string option; `value` names its argument in the help (`--expire SECONDS`). */
export interface StringOption {
  readonly type: 'string';
  readonly value: string;
  readonly description: string;
  readonly multiple?: boolean;
  readonly short?: string;
}

/** A flag. */
export interface BooleanOption {
  readonly type: 'boolean';
  readonly description: string;
  readonly short?: string;
}

/**
 * The options of a command, by long name (without `--`).
 *
 * @example
 * ```ts
 * const options = {
 *   json: { type: 'boolean', description: 'print JSON' },
 *   expire: { type: 'string', value: 'SECONDS', description: 'lifetime (default 7200)' },
 * } as const satisfies OptionTable;
 * ```
 */
export type OptionTable = Readonly<Record<string, StringOption | BooleanOption>>;

type ValueOf<S> = S extends { readonly type: 'boolean' }
  ? boolean | undefined
  : S extends { readonly multiple: true }
    ? string[] | undefined
    : string | undefined;

/** The parsed values of an {@link OptionTable}: absent options are `undefined`. */
export type OptionValues<T extends OptionTable> = { -readonly [K in keyof T]: ValueOf<T[K]> };

/**
 * Parsed arguments.
 *
 * @example
 * ```ts
 * const { values, positionals }: ParsedArgs<typeof options> = parseOptions(argv, options);
 * ```
 */
export interface ParsedArgs<T extends OptionTable> {
  readonly values: OptionValues<T>;
  readonly positionals: readonly string[];
}

// A negative number is an argument (`explain -100018`), never an option: no option name is a digit.
const NEGATIVE_NUMBER = /^-\d+$/;

/**
 * Parses `argv` against `table` with node:util `parseArgs` in strict mode; negative numbers are
 * positionals. Problems become `CliError('USAGE')` with a message that names the option (never a value).
 *
 * @example
 * ```ts
 * parseOptions(['alice', '--expire', '600'], { expire: { type: 'string', value: 'SECONDS', description: '' } });
 * // { values: { expire: '600' }, positionals: ['alice'] }
 * ```
 */
export function parseOptions<T extends OptionTable>(argv: readonly string[], table: T): ParsedArgs<T> {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const [name, spec] of Object.entries(table)) {
    options[name] = {
      type: spec.type,
      ...(spec.type === 'string' && spec.multiple === true ? { multiple: true } : {}),
      ...(spec.short === undefined ? {} : { short: spec.short }),
    };
  }
  // Negative numbers are moved out before parsing and put back in order afterwards.
  const negatives = new Map<string, string>();
  const args = argv.map((arg, index) => {
    if (!NEGATIVE_NUMBER.test(arg)) return arg;
    const placeholder = `\u0000negative${index}`;
    negatives.set(placeholder, arg);
    return placeholder;
  });
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options; tokens: true; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true, tokens: true });
  } catch (error) {
    throw new CliError('USAGE', usageMessage(error));
  }
  // parseArgs keeps the last of repeated options; a repeated key or time is a mistake worth saying.
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (
      token.kind !== 'option' ||
      (table[token.name]?.type === 'string' && (table[token.name] as StringOption).multiple)
    )
      continue;
    if (seen.has(token.name)) throw new CliError('USAGE', `--${token.name} may be given only once`);
    seen.add(token.name);
  }
  for (const [name, value] of Object.entries(parsed.values)) {
    if (typeof value === 'string' && negatives.has(value)) {
      (parsed.values as Record<string, unknown>)[name] = negatives.get(value);
    }
  }
  const positionals = parsed.positionals.map((arg) => negatives.get(arg) ?? arg);
  return { values: parsed.values as OptionValues<T>, positionals };
}

// parseArgs's messages name the option token; only that name is kept, so a value typed by mistake
// into an option name (`--key=secret`) is not echoed either.
function usageMessage(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const message = error instanceof Error ? error.message : '';
  const option = /'(-{1,2}[A-Za-z0-9-]+)/.exec(message)?.[1] ?? 'an option';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return message.includes('argument missing')
        ? `option ${option} needs a value`
        : `option ${option} takes no value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return 'unexpected argument';
    default:
      return 'the arguments could not be read';
  }
}

/**
 * The help lines of an option table, aligned (descriptions from column `minColumn` at least) and
 * wrapped to `width` columns.
 *
 * @example
 * ```ts
 * renderOptions({ json: { type: 'boolean', description: 'print JSON' } }); // '  --json  print JSON\n'
 * ```
 */
export function renderOptions(
  table: OptionTable,
  { width = 100, minColumn = 0 }: { width?: number; minColumn?: number } = {},
): string {
  const heads = Object.entries(table).map(([name, spec]) => {
    const short = spec.short === undefined ? '' : `-${spec.short}, `;
    return `${short}--${name}${spec.type === 'string' ? ` ${spec.value}` : ''}`;
  });
  const column = Math.max(minColumn, ...heads.map((head) => head.length + 4));
  return Object.values(table)
    .map((spec, index) => {
      const head = `  ${heads[index]}`.padEnd(column);
      const lines = wrap(spec.description, Math.max(30, width - column));
      return `${head}${lines.join(`\n${' '.repeat(column)}`)}\n`;
    })
    .join('');
}

/**
 * Splits `text` into lines of at most `width` characters at spaces.
 *
 * @example
 * ```ts
 * wrap('a b c', 3); // ['a b', 'c']
 * ```
 */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
