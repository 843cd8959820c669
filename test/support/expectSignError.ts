import { expect } from 'vitest';
import { SignError, type SignErrorCode } from '../../lib/sign/SignError';

/** Asserts that `fn` throws a SignError with exactly this code, and returns it for further checks. */
export function expectSignError(fn: () => unknown, code: SignErrorCode): SignError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected SignError ${code}`).toBeInstanceOf(SignError);
  expect((thrown as SignError).code).toBe(code);
  return thrown as SignError;
}
