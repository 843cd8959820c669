// How the tool prints: times in ISO form with a relative note, durations in words, aligned tables.

/**
 * Unix seconds as ISO 8601 in UTC, without milliseconds.
 *
 * @example
 * ```ts
 * isoTime(1700000000); // '2023-11-14T22:13:20Z'
 * ```
 */
export function isoTime(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? `${seconds} (not a date)` : date.toISOString().replace('.000Z', 'Z');
}

/**
 * A duration in the two largest units: `45 s`, `12 min 5 s`, `1 h 50 min`, `3 days 4 h`.
 *
 * @example
 * ```ts
 * duration(6600); // '1 h 50 min'
 * ```
 */
export function duration(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  const units: [number, string][] = [
    [Math.floor(s / 86_400), s >= 172_800 ? 'days' : 'day'],
    [Math.floor((s % 86_400) / 3600), 'h'],
    [Math.floor((s % 3600) / 60), 'min'],
    [s % 60, 's'],
  ];
  const first = units.findIndex(([amount]) => amount > 0);
  if (first < 0) return '0 s';
  return units
    .slice(first, first + 2)
    .filter(([amount]) => amount > 0)
    .map(([amount, unit]) => `${amount} ${unit}`)
    .join(' ');
}

/**
 * A time relative to `now`: `in 1 h 50 min`, `3 min ago`, `now`.
 *
 * @example
 * ```ts
 * relative(1700000600, 1700000000); // 'in 10 min'
 * ```
 */
export function relative(seconds: number, now: number): string {
  if (seconds === now) return 'now';
  return seconds > now ? `in ${duration(seconds - now)}` : `${duration(now - seconds)} ago`;
}

/**
 * `isoTime` with the relative note: `2023-11-14T22:13:20Z (in 10 min)`.
 *
 * @example
 * ```ts
 * when(1700000600, 1700000000); // '2023-11-14T22:23:20Z (in 10 min)'
 * ```
 */
export function when(seconds: number, now: number): string {
  return `${isoTime(seconds)} (${relative(seconds, now)})`;
}

/**
 * Rows of `label value`, the values aligned, each line indented by `indent`.
 *
 * @example
 * ```ts
 * table([['user', 'alice'], ['SDKAppID', '1400000000']]); // 'user      alice\nSDKAppID  1400000000\n'
 * ```
 */
export function table(rows: readonly (readonly [string, string])[], indent = ''): string {
  const width = Math.max(0, ...rows.map(([label]) => label.length)) + 2;
  return rows
    .map(([label, value]) => {
      const lines = value.split('\n');
      const pad = `${indent}${' '.repeat(width)}`;
      return `${indent}${label.padEnd(width)}${lines.join(`\n${pad}`)}`.trimEnd();
    })
    .map((line) => `${line}\n`)
    .join('');
}

/**
 * A value as JSON with a final newline (what `--json` prints).
 *
 * @example
 * ```ts
 * json({ valid: true }); // '{\n  "valid": true\n}\n'
 * ```
 */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
