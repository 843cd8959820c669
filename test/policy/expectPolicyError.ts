import { expect } from 'vitest';
import { PolicyError, type PolicyErrorCode } from '../../lib/policy/PolicyError';

/** Asserts that `fn` throws a PolicyError with exactly this code, and returns it for further checks. */
export function expectPolicyError(fn: () => unknown, code: PolicyErrorCode): PolicyError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected PolicyError ${code}`).toBeInstanceOf(PolicyError);
  expect((thrown as PolicyError).code).toBe(code);
  return thrown as PolicyError;
}

/** {@link expectPolicyError} for an asynchronous `fn`: it must reject with a PolicyError of this code. */
export async function expectPolicyRejection(
  fn: () => Promise<unknown>,
  code: PolicyErrorCode,
): Promise<PolicyError> {
  let thrown: unknown;
  try {
    await fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected PolicyError ${code}`).toBeInstanceOf(PolicyError);
  expect((thrown as PolicyError).code).toBe(code);
  return thrown as PolicyError;
}
