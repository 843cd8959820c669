import type { Logger } from '../log/logger';
import { RotationError } from './RotationError';

/**
 * Logs a failed rotation job: the code and message of a RotationError, the name and message of anything
 * else (SDK errors carry no secret values).
 *
 * @example
 * ```ts
 * logFailure(log, 'COS rotation failed', error);
 * ```
 */
export function logFailure(log: Logger, message: string, error: unknown): void {
  log.error(message, {
    ...(error instanceof RotationError
      ? { code: error.code, detail: error.message, tencentCode: error.tencentCode }
      : { error: error instanceof Error ? { name: error.name, message: error.message } : String(error) }),
  });
}
