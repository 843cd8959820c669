import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { parseUserSigRequest, UserSigRequestSchema } from '../../lib/tokens/userSigRequest';
import { expectInvalidRequest } from './expectInvalidRequest';

describe('parseUserSigRequest', () => {
  it('accepts an empty body, an expiry and the caller naming a user', () => {
    expect(parseUserSigRequest({})).toEqual({});
    expect(parseUserSigRequest({ expire: 3600 })).toEqual({ expire: 3600 });
    expect(parseUserSigRequest({ expire: 3600, userId: 'alice' })).toEqual({ expire: 3600, userId: 'alice' });
  });

  it('leaves the meaning of expire to the policy (ranges are not a type error)', () => {
    expect(parseUserSigRequest({ expire: -5 })).toEqual({ expire: -5 });
    expect(parseUserSigRequest({ expire: 1.5 })).toEqual({ expire: 1.5 });
  });

  it('refuses unknown fields, so a typo is not silently ignored', () => {
    expect(expectInvalidRequest(() => parseUserSigRequest({ expires: 3600 }))).toContain(
      'expires is not a known field',
    );
    expect(expectInvalidRequest(() => parseUserSigRequest({ roomId: 1 }))).toContain('roomId');
  });

  it.each([null, [], [1], 'body', 42, true])('refuses the non-object body %j', (body) => {
    expect(expectInvalidRequest(() => parseUserSigRequest(body))).toBe(
      'invalid request: the body must be a JSON object',
    );
  });

  it('names wrongly typed fields without echoing their values', () => {
    const message = expectInvalidRequest(() =>
      parseUserSigRequest({ expire: 'SECRET-expire-7', userId: { token: 'SECRET-token-9' } }),
    );
    expect(message).toBe('invalid request: expire must be a number of seconds; userId must be a string');
    expect(message).not.toContain('SECRET');
    expectInvalidRequest(() => parseUserSigRequest({ expire: null }));
    expectInvalidRequest(() => parseUserSigRequest({ userId: null }));
  });

  it('exports the schema for reuse (e.g. API documentation)', () => {
    expect(v.safeParse(UserSigRequestSchema, { expire: 60 }).success).toBe(true);
    expect(v.safeParse(UserSigRequestSchema, []).success).toBe(false);
  });
});
