import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { SecretInvalidError } from '../../lib/secrets/errors';
import { parseSecret } from '../../lib/secrets/parseSecret';
import { CosSecretSchema, TrtcSecretSchema } from '../../lib/secrets/secretSchemas';

const FAKE_SECRET_KEY = 'FAKE-secretKey-0c9e2b7d-never-log-me';

function rejection(parse: () => unknown): SecretInvalidError {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretInvalidError);
    return error as SecretInvalidError;
  }
  throw new Error('expected a SecretInvalidError, but the secret was accepted');
}

describe('parseSecret', () => {
  it('returns the validated secret, frozen so a cached copy cannot be altered', () => {
    const secret = parseSecret(
      TrtcSecretSchema,
      `{"sdkAppId":1400000000,"secretKey":"${FAKE_SECRET_KEY}"}`,
      'trtc',
    );
    expect(secret).toEqual({ sdkAppId: 1400000000, secretKey: FAKE_SECRET_KEY });
    expect(Object.isFrozen(secret)).toBe(true);
  });

  it('rejects text that is not JSON without quoting it and without a cause', () => {
    const error = rejection(() => parseSecret(TrtcSecretSchema, `{"secretKey":"${FAKE_SECRET_KEY}`, 'trtc'));
    expect(error.message).toBe('secret "trtc" is not valid JSON');
    expect(error.code).toBe('SECRET_INVALID');
    expect(error.cause).toBeUndefined();
    expect(error.fields).toEqual([]);
  });

  it('rejects an empty secret string as not JSON', () => {
    expect(rejection(() => parseSecret(CosSecretSchema, '', 'cos')).message).toBe(
      'secret "cos" is not valid JSON',
    );
  });

  it('builds its own message: valibot would have quoted the value', () => {
    // The premise of this module: valibot's default message contains the received value.
    const raw = v.safeParse(TrtcSecretSchema, { sdkAppId: 1400000000, secretKey: 42424242 });
    expect(raw.success).toBe(false);
    expect(raw.issues?.[0]?.message).toContain('42424242');

    const error = rejection(() =>
      parseSecret(TrtcSecretSchema, '{"sdkAppId":1400000000,"secretKey":42424242}', 'trtc'),
    );
    expect(error.message).not.toContain('42424242');
  });

  it('ignores global valibot messages that would quote values', () => {
    v.setSpecificMessage(v.nonEmpty, (issue) => `got ${issue.received}`);
    try {
      const error = rejection(() => parseSecret(TrtcSecretSchema, '{"sdkAppId":1,"secretKey":""}', 'trtc'));
      expect(error.message).toBe('secret "trtc": field "secretKey" must be a non-empty string');
    } finally {
      v.deleteSpecificMessage(v.nonEmpty);
    }
  });

  it('falls back to "is invalid" for fields without a description', () => {
    const schema = v.object({
      token: v.pipe(v.string(), v.minLength(8)),
      nested: v.object({ id: v.number() }),
    });
    const error = rejection(() => parseSecret(schema, '{"token":"short","nested":{"id":"x"}}', 'other'));
    expect(error.message).toBe('secret "other": field "token" is invalid; field "nested.id" is invalid');
    expect(error.fields).toEqual(['token', 'nested.id']);
  });

  it('throws TypeError when called with the wrong argument types', () => {
    expect(() => parseSecret(TrtcSecretSchema, undefined as unknown as string, 'trtc')).toThrow(TypeError);
    expect(() => parseSecret(TrtcSecretSchema, '{}', '')).toThrow(TypeError);
  });

  it('never puts any part of a rejected value into the message (property)', () => {
    const marker = 'LEAK7q';
    // A string carrying the marker, put in place of any field of either secret (or as the whole document).
    const leaky = fc.string({ maxLength: 20 }).map((s) => `${marker}${s}`);
    const leakyJson = fc.oneof(
      leaky,
      leaky.map((s) => [s]),
      leaky.map((s) => ({ value: s })),
    );
    const cases = fc.record({
      schema: fc.constantFrom('trtc', 'cos'),
      field: fc.constantFrom(
        'sdkAppId',
        'secretKey',
        'privateKeyPem',
        'appId',
        'secretId',
        'bucket',
        'region',
        '',
      ),
      value: leakyJson,
    });
    fc.assert(
      fc.property(cases, ({ schema, field, value }) => {
        const base =
          schema === 'trtc'
            ? { sdkAppId: 1400000000, secretKey: FAKE_SECRET_KEY }
            : {
                appId: '1',
                secretId: 'id',
                secretKey: FAKE_SECRET_KEY,
                bucket: 'b-1',
                region: 'ap-guangzhou',
              };
        const document = field === '' ? value : { ...base, [field]: value };
        const text = JSON.stringify(document);
        try {
          if (schema === 'trtc') parseSecret(TrtcSecretSchema, text, schema);
          else parseSecret(CosSecretSchema, text, schema);
        } catch (error) {
          expect(error).toBeInstanceOf(SecretInvalidError);
          expect((error as Error).message).not.toContain(marker);
          expect((error as Error).message).not.toContain(FAKE_SECRET_KEY);
        }
      }),
    );
  });
});
