import { expect } from 'vitest';
import { ConfigError, loadConfig } from '../../lib/config';

/**
 * The message of the ConfigError that `loadConfig(env)` throws; fails the test when it does not throw.
 *
 * @example
 * ```ts
 * expect(configError({ LOG_LEVEL: 'loud' })).toContain('LOG_LEVEL must be');
 * ```
 */
export function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}
