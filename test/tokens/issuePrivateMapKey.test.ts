import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HttpError } from '../../lib/http/HttpError';
import { PolicyError } from '../../lib/policy/PolicyError';
import type { Principal } from '../../lib/session/Principal';
import { decodeUserSig, verifyUserSig } from '../../lib/sign';
import { issuePrivateMapKey } from '../../lib/tokens/issuePrivateMapKey';
import { parsePrivateMapKeyRequest } from '../../lib/tokens/privateMapKeyRequest';
import { expectPolicyError } from '../policy/expectPolicyError';
import { OfficialTlsSigApiV2 } from '../support/officialTlsSigApi';
import { config, NOW, trtcSecret } from './fixtures';

const anchor: Principal = { userId: 'alice', role: 'anchor' };
const viewer: Principal = { userId: 'bob' }; // no role claim: the default role, audience
const issue = (body: unknown, principal: Principal = anchor, now = NOW) =>
  issuePrivateMapKey({
    principal,
    request: parsePrivateMapKeyRequest(body),
    secret: trtcSecret,
    config,
    now,
  });
const privateMapOf = (userId: string, privateMapKey: string) =>
  verifyUserSig({ ...trtcSecret, userId, userSig: privateMapKey, now: NOW }).privateMap;

describe('issuePrivateMapKey', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("issues a numeric-room ticket with all of the role's privileges by default", () => {
    const response = issue({ roomId: 10000 });
    expect(response).toEqual({
      sdkAppId: 1400000000,
      userId: 'alice',
      privateMapKey: expect.any(String),
      roomId: 10000,
      privilegeMap: 0xff,
      privileges: [
        'createRoom',
        'enterRoom',
        'sendAudio',
        'receiveAudio',
        'sendVideo',
        'receiveVideo',
        'sendSubStream',
        'receiveSubStream',
      ],
      expiresAt: NOW + 300,
      serverTime: NOW,
      refreshAfter: NOW + 240,
    });
    expect(privateMapOf('alice', response.privateMapKey)).toEqual({
      roomId: 10000,
      privilegeMap: 0xff,
      expiresAt: NOW + 300,
    });
  });

  it('issues a string-room ticket, never converting digits to a number', () => {
    const response = issue({ strRoomId: '10000', privileges: ['enterRoom', 'receiveVideo'], expire: 3600 });
    expect(response).toMatchObject({ strRoomId: '10000', privilegeMap: 0x22, expiresAt: NOW + 3600 });
    expect(response).not.toHaveProperty('roomId');
    expect(privateMapOf('alice', response.privateMapKey)).toEqual({
      strRoomId: '10000',
      privilegeMap: 0x22,
      expiresAt: NOW + 3600,
    });
  });

  it('gives the audience role (the default) 0xab, and what it asks for within that', () => {
    expect(issue({ roomId: 1 }, viewer)).toMatchObject({ userId: 'bob', privilegeMap: 0xab });
    const response = issue({ roomId: 4_294_967_294, privileges: ['receiveAudio'] }, viewer);
    expect(privateMapOf('bob', response.privateMapKey)).toMatchObject({
      roomId: 4_294_967_294,
      privilegeMap: 0x08,
    });
  });

  it('equals the official tls-sig-api-v2 privateMapKey for the same clock', () => {
    const api = new OfficialTlsSigApiV2(trtcSecret.sdkAppId, trtcSecret.secretKey);
    const numeric = issue({ roomId: 10000, privileges: ['enterRoom', 'sendAudio'], expire: 3600 });
    const named = issue({ strRoomId: 'class-2024_09.A', expire: 60 }, viewer);
    // The official library reads the clock twice; any instant inside the same second gives one reading.
    vi.spyOn(Date, 'now').mockReturnValue(NOW * 1000 + 1);
    expect(numeric.privateMapKey).toBe(api.genPrivateMapKey('alice', 3600, 10000, 0x06));
    expect(named.privateMapKey).toBe(
      api.genPrivateMapKeyWithStringRoomID('bob', 60, 'class-2024_09.A', 0xab),
    );
  });

  it('refuses privileges beyond the role, unknown names and unknown roles', () => {
    expectPolicyError(() => issue({ roomId: 1, privileges: ['sendVideo'] }, viewer), 'PRIVILEGES_EXCEEDED');
    expectPolicyError(() => issue({ roomId: 1, privileges: ['everything'] }), 'UNKNOWN_PRIVILEGE');
    expectPolicyError(() => issue({ roomId: 1 }, { userId: 'carol', role: 'director' }), 'ROLE_UNKNOWN');
  });

  it('refuses invalid rooms', () => {
    for (const body of [
      {},
      { roomId: 0 },
      { roomId: 4_294_967_295 },
      { roomId: '1' },
      { roomId: 1, strRoomId: 'a' },
      { strRoomId: '' },
    ]) {
      expectPolicyError(() => issue(body), 'INVALID_ROOM');
    }
  });

  it('applies the privateMapKey lifetime policy', () => {
    expect(issue({ roomId: 1, expire: 3600 }).expiresAt).toBe(NOW + 3600);
    expectPolicyError(() => issue({ roomId: 1, expire: 3601 }), 'EXPIRE_TOO_LONG');
    expectPolicyError(() => issue({ roomId: 1, expire: -1 }), 'INVALID_EXPIRE');
  });

  it('checks the user first, before room, privileges and lifetime', () => {
    expect(issue({ roomId: 1, userId: 'alice' }).userId).toBe('alice');
    expectPolicyError(
      () => issue({ roomId: 0, privileges: ['fly'], expire: 99_999, userId: 'mallory' }),
      'USER_MISMATCH',
    );
  });

  it('never issues a ticket for anyone but the principal', () => {
    const userId = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
    const principal = fc.record(
      { userId, role: fc.constantFrom('anchor', 'audience', 'director') },
      { requiredKeys: ['userId'] },
    );
    const room = fc.oneof(
      { weight: 4, arbitrary: fc.record({ roomId: fc.integer({ min: 1, max: 4_294_967_294 }) }) },
      { weight: 4, arbitrary: fc.record({ strRoomId: fc.stringMatching(/^[A-Za-z0-9 _-]{1,64}$/) }) },
      {
        weight: 2,
        arbitrary: fc.record(
          {
            roomId: fc.oneof(fc.integer({ min: -1, max: 2 ** 32 }), fc.constant('7')),
            strRoomId: fc.string(),
          },
          { requiredKeys: [] },
        ),
      },
    );
    const rest = fc.record(
      {
        privileges: fc.array(
          fc.constantFrom('enterRoom', 'receiveAudio', 'receiveVideo', 'createRoom', 'sendVideo', 'x'),
          { maxLength: 3 },
        ),
        expire: fc.integer({ min: -5, max: 4000 }),
        userId: fc.oneof(userId, fc.constantFrom('alice', 'bob')),
      },
      { requiredKeys: [] },
    );
    // Some bodies name the principal itself, which must be accepted.
    const body = (who: { userId: string }) =>
      fc
        .tuple(room, rest, fc.boolean())
        .map(([r, other, echo]) => ({ ...r, ...other, ...(echo ? { userId: who.userId } : {}) }));
    let issued = 0;
    fc.assert(
      fc.property(
        principal.chain((who) => fc.tuple(fc.constant(who), body(who))),
        ([who, request]) => {
          let response: ReturnType<typeof issue>;
          try {
            response = issue(request, who);
          } catch (error) {
            expect(error instanceof PolicyError || error instanceof HttpError).toBe(true);
            return;
          }
          issued++;
          expect(response.userId).toBe(who.userId);
          expect(decodeUserSig(response.privateMapKey).userId).toBe(who.userId);
          // verifyUserSig only decodes the room part when its account is this user.
          expect(privateMapOf(who.userId, response.privateMapKey)?.privilegeMap).toBe(response.privilegeMap);
          expect([undefined, who.userId]).toContain(request.userId);
        },
      ),
      { numRuns: 500 },
    );
    expect(issued).toBeGreaterThan(25);
  });
});
