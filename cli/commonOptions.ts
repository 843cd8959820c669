import type { CliContext } from './CliContext';
import type { OptionTable } from './options';
import { parseTime } from './values';

/** `--json`: machine-readable output instead of the human form. */
export const JSON_OPTION = {
  json: { type: 'boolean', description: 'print JSON instead of text' },
} as const satisfies OptionTable;

/** `--now`: the clock, for reproducible output and for checking a ticket at another moment. */
export const NOW_OPTION = {
  now: {
    type: 'string',
    value: 'TIME',
    description: 'take this as the current time: Unix seconds or ISO 8601 with a zone (default: the clock)',
  },
} as const satisfies OptionTable;

/**
 * The current time in Unix seconds: `--now` when given, else the context's clock.
 *
 * @example
 * ```ts
 * const now = currentTime(values.now, context);
 * ```
 */
export function currentTime(now: string | undefined, context: CliContext): number {
  return now === undefined ? Math.floor(context.now() / 1000) : parseTime(now, '--now');
}
