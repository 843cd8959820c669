import { describe, expect, it } from 'vitest';
import { parsePrivateMapKeyRequest } from '../../lib/tokens/privateMapKeyRequest';
import { expectInvalidRequest } from './expectInvalidRequest';

describe('parsePrivateMapKeyRequest', () => {
  it('accepts a numeric or string room with optional privileges, expiry and user', () => {
    expect(parsePrivateMapKeyRequest({ roomId: 10000 })).toEqual({ roomId: 10000 });
    expect(
      parsePrivateMapKeyRequest({
        strRoomId: 'lesson 7',
        privileges: ['enterRoom'],
        expire: 60,
        userId: 'a',
      }),
    ).toEqual({ strRoomId: 'lesson 7', privileges: ['enterRoom'], expire: 60, userId: 'a' });
  });

  it('passes room values through untouched, for parseRoom to judge', () => {
    expect(parsePrivateMapKeyRequest({ roomId: '123' })).toEqual({ roomId: '123' });
    expect(parsePrivateMapKeyRequest({})).toEqual({});
  });

  it('passes unknown privilege names through, for the policy to report by code', () => {
    expect(parsePrivateMapKeyRequest({ roomId: 1, privileges: ['fly'] })).toEqual({
      roomId: 1,
      privileges: ['fly'],
    });
  });

  it('refuses privileges that are not a non-empty list of at most 8 strings', () => {
    expect(expectInvalidRequest(() => parsePrivateMapKeyRequest({ roomId: 1, privileges: [] }))).toContain(
      'privileges must list at least one privilege',
    );
    expectInvalidRequest(() => parsePrivateMapKeyRequest({ roomId: 1, privileges: 'enterRoom' }));
    expect(
      expectInvalidRequest(() => parsePrivateMapKeyRequest({ roomId: 1, privileges: ['enterRoom', 3] })),
    ).toBe('invalid request: privileges[1] must be a privilege name');
    expectInvalidRequest(() =>
      parsePrivateMapKeyRequest({ roomId: 1, privileges: Array(9).fill('enterRoom') }),
    );
  });

  it('refuses unknown fields and non-object bodies', () => {
    expect(expectInvalidRequest(() => parsePrivateMapKeyRequest({ roomId: 1, privilegeMap: 255 }))).toBe(
      'invalid request: privilegeMap is not a known field',
    );
    expectInvalidRequest(() => parsePrivateMapKeyRequest([{ roomId: 1 }]));
    expectInvalidRequest(() => parsePrivateMapKeyRequest(null));
  });
});
