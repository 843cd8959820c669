import { describe, expect, it } from 'vitest';
import { assertCosMethod } from '../../lib/policy/assertCosMethod';
import { expectPolicyError } from './expectPolicyError';

const allowed = ['GET', 'HEAD', 'PUT'];

describe('assertCosMethod', () => {
  it('accepts allowed methods in any case and returns them upper-cased', () => {
    expect(assertCosMethod('GET', allowed)).toBe('GET');
    expect(assertCosMethod('put', allowed)).toBe('PUT');
    expect(assertCosMethod('hEaD', allowed)).toBe('HEAD');
  });

  it('compares against an allowlist written in any case', () => {
    expect(assertCosMethod('delete', ['Delete'])).toBe('DELETE');
  });

  it.each([
    'POST',
    'DELETE',
    'OPTIONS',
    '',
    'GE',
    'GET ',
    ' GET',
    'GET\n',
    'G-ET',
  ])('refuses %j', (method) => {
    expectPolicyError(() => assertCosMethod(method, allowed), 'METHOD_NOT_ALLOWED');
  });

  it('refuses non-ASCII letters that upper-case onto an allowed method', () => {
    // 'ſ' (long s) upper-cases to 'S', 'ı' (dotless i) to 'I'.
    expect('poſt'.toUpperCase()).toBe('POST');
    expectPolicyError(() => assertCosMethod('poſt', ['POST']), 'METHOD_NOT_ALLOWED');
  });

  it('refuses everything with an empty allowlist', () => {
    expectPolicyError(() => assertCosMethod('GET', []), 'METHOD_NOT_ALLOWED');
  });
});
