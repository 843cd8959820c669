import { expect } from 'vitest';
import { HttpError } from '../../lib/http/HttpError';

/** Asserts that `fn` throws HttpError INVALID_REQUEST (400) and returns its message. */
export function expectInvalidRequest(fn: () => unknown): string {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected HttpError INVALID_REQUEST').toBeInstanceOf(HttpError);
  expect((thrown as HttpError).code).toBe('INVALID_REQUEST');
  expect((thrown as HttpError).status).toBe(400);
  return (thrown as HttpError).message;
}
