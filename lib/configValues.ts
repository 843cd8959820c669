import * as v from 'valibot';

// The value schemas of environment settings (strings in, typed values out), shared by lib/config.ts and
// the settings modules it spreads into its schema (lib/cos/cosSettings.ts). A leaf module, so that those
// modules can use them without importing lib/config.ts (which imports them).

/** A non-empty string, trimmed; `message` follows the variable's name. */
export const text = (message: string) => v.pipe(v.string(), v.trim(), v.nonEmpty(message));
/** A whole number from `min` to `max`, written in decimal digits. */
export const integer = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\d+$/, `must be a whole number between ${min} and ${max}`),
    v.transform(Number),
    v.number(),
    v.minValue(min, `must be a whole number between ${min} and ${max}`),
    v.maxValue(max, `must be a whole number between ${min} and ${max}`),
  );
/** `true` or `false`. */
export const bool = v.pipe(
  v.picklist(['true', 'false'], 'must be true or false'),
  v.transform((s) => s === 'true'),
);
/** A comma-separated list; blanks around items and empty items are dropped. */
export const list = v.pipe(
  v.string(),
  v.transform((s) =>
    s
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ),
);
/** An https URL, or http on loopback (tests and the local run). */
export const httpsOrLoopbackUrl = v.pipe(
  v.string(),
  v.url('must be a URL'),
  v.check(
    (s) => s.startsWith('https://') || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(s),
    'must be an https URL (http only on loopback)',
  ),
);
