import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../lib/http/HttpError';
import { parseRequestBody } from '../../lib/tokens/parseRequestBody';

function rejection(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).code).toBe('INVALID_REQUEST');
    expect((error as HttpError).status).toBe(400);
    return error as HttpError;
  }
  throw new Error('expected an HttpError');
}

describe('parseRequestBody', () => {
  const Schema = v.strictObject({
    a: v.number('must be a number'),
    list: v.exactOptional(v.array(v.string('must be a string'))),
  });

  it('returns the parsed output', () => {
    expect(parseRequestBody(Schema, { a: 1 })).toEqual({ a: 1 });
  });

  it('names each bad field and what it must be', () => {
    const error = rejection(() => parseRequestBody(Schema, { a: 'one', list: ['x', 2] }));
    expect(error.message).toBe('invalid request: a must be a number; list[1] must be a string');
  });

  it('reports missing and unknown fields', () => {
    expect(rejection(() => parseRequestBody(Schema, { b: 1 })).message).toBe(
      'invalid request: a is required; b is not a known field',
    );
  });

  it('does not echo field names that do not look like names', () => {
    const error = rejection(() => parseRequestBody(Schema, { a: 1, 'x"><img src=y>': 1 }));
    expect(error.message).toBe('invalid request: a field is not a known field');
  });

  it("replaces valibot's default messages, which quote the input", () => {
    const error = rejection(() => parseRequestBody(v.strictObject({ a: v.number() }), { a: 'SECRET-123' }));
    expect(error.message).toBe('invalid request: a has an invalid value');
  });
});
