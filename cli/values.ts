import { CliError } from './CliError';

// Parsers for option values, each with a message that names the option and says what it must be.

// ISO 8601 with a mandatory zone: a time without one would mean a different instant on every machine.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Reads a point in time: Unix seconds (`1700000000`) or ISO 8601 with a zone (`2023-11-14T22:13:20Z`).
 * Returns whole Unix seconds.
 *
 * @example
 * ```ts
 * parseTime('2023-11-14T22:13:20Z', '--now'); // 1700000000
 * ```
 */
export function parseTime(text: string, option: string): number {
  if (/^\d{1,12}$/.test(text)) return Number(text);
  if (ISO_TIME.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms) && ms >= 0) return Math.floor(ms / 1000);
  }
  throw new CliError(
    'USAGE',
    `${option} must be Unix seconds or an ISO 8601 time with a zone, such as 2023-11-14T22:13:20Z`,
  );
}

/**
 * Reads a whole number from `min` to `max` (decimal, or hexadecimal with `0x` when `hex` is set).
 *
 * @example
 * ```ts
 * parseInteger('600', '--expire', 1, 86400); // 600
 * parseInteger('0xab', '--privilege-map', 0, 255, { hex: true }); // 171
 * ```
 */
export function parseInteger(
  text: string,
  option: string,
  min: number,
  max: number,
  { hex = false }: { hex?: boolean } = {},
): number {
  const pattern = hex ? /^(\d{1,15}|0x[0-9a-fA-F]{1,12})$/ : /^-?\d{1,15}$/;
  const value = pattern.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new CliError('USAGE', `${option} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/**
 * The one value of an option that must be given.
 *
 * @example
 * ```ts
 * const url = required(values.url, '--url');
 * ```
 */
export function required<T>(value: T | undefined, option: string): T {
  if (value === undefined) throw new CliError('USAGE', `${option} is required`);
  return value;
}

/**
 * Refuses two options that exclude each other.
 *
 * @example
 * ```ts
 * exclusive(values, ['room-id', 'str-room-id']);
 * ```
 */
export function exclusive(values: Readonly<Record<string, unknown>>, names: readonly string[]): void {
  const given = names.filter((name) => values[name] !== undefined);
  if (given.length > 1) {
    throw new CliError('USAGE', `give only one of ${given.map((name) => `--${name}`).join(', ')}`);
  }
}

/**
 * Splits `Name: value` (a header option) at the first colon; the value is kept as written after
 * one optional space.
 *
 * @example
 * ```ts
 * parseHeader('Content-Type: image/png', '--header'); // ['Content-Type', 'image/png']
 * ```
 */
export function parseHeader(text: string, option: string): [string, string] {
  const colon = text.indexOf(':');
  const name = colon < 0 ? '' : text.slice(0, colon).trim();
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw new CliError('USAGE', `${option} must be "Name: value" with an HTTP header name`);
  }
  const value = text.slice(colon + 1);
  return [name, value.startsWith(' ') ? value.slice(1) : value];
}

/**
 * Splits `name=value` (a URL parameter option); `name` alone is an empty value.
 *
 * @example
 * ```ts
 * parseParam('prefix=photos/', '--query'); // ['prefix', 'photos/']
 * ```
 */
export function parseParam(text: string, option: string): [string, string] {
  const equals = text.indexOf('=');
  const name = equals < 0 ? text : text.slice(0, equals);
  if (name === '') throw new CliError('USAGE', `${option} must be name=value`);
  return [name, equals < 0 ? '' : text.slice(equals + 1)];
}
