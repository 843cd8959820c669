import { describe, expect, it } from 'vitest';
import { SecretInvalidError, SecretsError, SecretsUnavailableError } from '../../lib/secrets/errors';

describe('SecretInvalidError', () => {
  it('carries its code, the secret name and the offending fields', () => {
    const error = new SecretInvalidError('secret "cos": field "bucket" must be ...', {
      secretName: 'cos',
      fields: ['bucket'],
    });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(SecretsError);
    expect(error.name).toBe('SecretInvalidError');
    expect(error.code).toBe('SECRET_INVALID');
    expect(error.secretName).toBe('cos');
    expect(error.fields).toEqual(['bucket']);
    expect(Object.isFrozen(error.fields)).toBe(true);
    expect(error.cause).toBeUndefined();
  });

  it('defaults to no fields when the whole document is wrong', () => {
    expect(new SecretInvalidError('secret "x" is not valid JSON', { secretName: 'x' }).fields).toEqual([]);
  });
});

describe('SecretsUnavailableError', () => {
  it('carries its code, Retry-After seconds, attempts and the cause', () => {
    const cause = new Error('socket hang up');
    const error = new SecretsUnavailableError('secret "trtc" could not be loaded', {
      retryAfterSeconds: 2,
      attempts: 3,
      cause,
    });
    expect(error).toBeInstanceOf(SecretsError);
    expect(error.name).toBe('SecretsUnavailableError');
    expect(error.code).toBe('SECRETS_UNAVAILABLE');
    expect(error.retryAfterSeconds).toBe(2);
    expect(error.attempts).toBe(3);
    expect(error.cause).toBe(cause);
  });
});
