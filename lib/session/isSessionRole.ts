/**
 * Whether a role claim is acceptable: 1..32 of `[A-Za-z0-9_-]`, the same rule as room role names in
 * the configuration, so a role can always be looked up and logged without escaping.
 *
 * @example
 * ```ts
 * isSessionRole('anchor'); // true
 * isSessionRole('anchor admin'); // false
 * ```
 */
export function isSessionRole(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{1,32}$/.test(value);
}
