import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../lib/config';
import { HttpError } from '../../lib/http/HttpError';
import { createRoomPolicy, type RoomPolicy } from '../../lib/policy/createRoomPolicy';
import { PolicyError } from '../../lib/policy/PolicyError';
import type { Principal } from '../../lib/session/Principal';
import { decodeUserSig, verifyUserSig, verifyUserSigV1 } from '../../lib/sign';
import { issuePrivateMapKey } from '../../lib/tokens/issuePrivateMapKey';
import { parsePrivateMapKeyRequest } from '../../lib/tokens/privateMapKeyRequest';
import { OfficialTlsSigApiV1, OfficialTlsSigApiV2 } from '../support/officialTlsSigApi';
import { v1KeyPair } from '../support/v1Keys';
import { config, NOW, trtcSecret } from './fixtures';

// The default configuration: the claims kind, claim trtc_rooms, roles anchor (0xff) and audience (0xab).
const roomPolicy: RoomPolicy = createRoomPolicy({
  kinds: config.rooms.policy,
  claim: config.rooms.claim,
  rules: [],
  hookClaims: [],
  roles: config.rooms.roles,
  defaultRole: config.rooms.defaultRole,
});

const anchor: Principal = {
  userId: 'alice',
  role: 'anchor',
  claims: { trtc_rooms: [10000, 'class-2024_09.A', 1, '10000'] },
};
// No role claim: the default role, audience.
const viewer: Principal = { userId: 'bob', claims: { trtc_rooms: [1, 4_294_967_294, 'class-2024_09.A'] } };

async function issue(body: unknown, principal: Principal = anchor, now = NOW) {
  const { response } = await issuePrivateMapKey({
    principal,
    request: parsePrivateMapKeyRequest(body),
    secret: trtcSecret,
    config,
    roomPolicy,
    now,
  });
  return response;
}

async function refusedWith(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PolicyError);
  return (error as PolicyError).code;
}

const privateMapOf = (userId: string, privateMapKey: string) =>
  verifyUserSig({ ...trtcSecret, userId, userSig: privateMapKey, now: NOW }).privateMap;

describe('issuePrivateMapKey', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('issues a v2 numeric-room ticket with all the privileges the policy allows by default', async () => {
    const response = await issue({ roomId: 10000 });
    expect(response).toEqual({
      version: 2,
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

  it('issues a string-room ticket, never converting digits to a number', async () => {
    const response = await issue({
      strRoomId: '10000',
      privileges: ['enterRoom', 'receiveVideo'],
      expire: 3600,
    });
    expect(response).toMatchObject({ strRoomId: '10000', privilegeMap: 0x22, expiresAt: NOW + 3600 });
    expect(response).not.toHaveProperty('roomId');
    expect(privateMapOf('alice', response.privateMapKey)).toEqual({
      strRoomId: '10000',
      privilegeMap: 0x22,
      expiresAt: NOW + 3600,
    });
  });

  it('gives the audience role (the default) 0xab, and what it asks for within that', async () => {
    expect(await issue({ roomId: 1 }, viewer)).toMatchObject({ userId: 'bob', privilegeMap: 0xab });
    const response = await issue(
      { roomId: 4_294_967_294, privileges: ['enterRoom', 'receiveAudio'] },
      viewer,
    );
    expect(privateMapOf('bob', response.privateMapKey)).toMatchObject({
      roomId: 4_294_967_294,
      privilegeMap: 0x0a,
    });
  });

  it('equals the official tls-sig-api-v2 privateMapKey for the same clock', async () => {
    const api = new OfficialTlsSigApiV2(trtcSecret.sdkAppId, trtcSecret.secretKey);
    const numeric = await issue({ roomId: 10000, privileges: ['enterRoom', 'sendAudio'], expire: 3600 });
    const named = await issue({ strRoomId: 'class-2024_09.A', expire: 60 }, viewer);
    // The official library reads the clock twice; any instant inside the same second gives one reading.
    vi.spyOn(Date, 'now').mockReturnValue(NOW * 1000 + 1);
    expect(numeric.privateMapKey).toBe(api.genPrivateMapKey('alice', 3600, 10000, 0x06));
    expect(named.privateMapKey).toBe(
      api.genPrivateMapKeyWithStringRoomID('bob', 60, 'class-2024_09.A', 0xab),
    );
  });

  it('refuses rooms outside the policy, privileges beyond it, tickets without enterRoom and unknown names', async () => {
    expect(await refusedWith(issue({ roomId: 2 }))).toBe('ROOM_FORBIDDEN');
    expect(await refusedWith(issue({ strRoomId: 'bob-private-1on1' }))).toBe('ROOM_FORBIDDEN');
    expect(await refusedWith(issue({ roomId: 1, privileges: ['enterRoom', 'sendVideo'] }, viewer))).toBe(
      'PRIVILEGES_EXCEEDED',
    );
    expect(await refusedWith(issue({ roomId: 10000, privileges: ['sendAudio'] }))).toBe(
      'ENTER_ROOM_REQUIRED',
    );
    expect(await refusedWith(issue({ roomId: 1, privileges: ['everything'] }))).toBe('UNKNOWN_PRIVILEGE');
    expect(await refusedWith(issue({ roomId: 1 }, { ...anchor, role: 'director' }))).toBe('ROLE_UNKNOWN');
  });

  it('refuses invalid rooms before the policy', async () => {
    for (const body of [
      {},
      { roomId: 0 },
      { roomId: 4_294_967_295 },
      { roomId: '1' },
      { roomId: 1, strRoomId: 'a' },
      { strRoomId: '' },
    ]) {
      expect(await refusedWith(issue(body))).toBe('INVALID_ROOM');
    }
  });

  it('applies the privateMapKey lifetime policy', async () => {
    expect((await issue({ roomId: 1, expire: 3600 })).expiresAt).toBe(NOW + 3600);
    expect(await refusedWith(issue({ roomId: 1, expire: 3601 }))).toBe('EXPIRE_TOO_LONG');
    expect(await refusedWith(issue({ roomId: 1, expire: -1 }))).toBe('INVALID_EXPIRE');
  });

  it('checks the user first, before room, privileges, lifetime and policy', async () => {
    expect((await issue({ roomId: 1, userId: 'alice' })).userId).toBe('alice');
    expect(
      await refusedWith(issue({ roomId: 0, privileges: ['fly'], expire: 99_999, userId: 'mallory' })),
    ).toBe('USER_MISMATCH');
  });

  it('never issues a ticket for anyone but the principal, nor for a room outside its claim', async () => {
    const userId = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
    const numeric = fc.integer({ min: 1, max: 4_294_967_294 });
    const named = fc.stringMatching(/^[A-Za-z0-9 _-]{1,64}$/);
    const room = fc.oneof(
      { weight: 4, arbitrary: fc.record({ roomId: numeric }) },
      { weight: 4, arbitrary: fc.record({ strRoomId: named }) },
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
    const principal = fc.record(
      {
        userId,
        role: fc.constantFrom('anchor', 'audience', 'director'),
        claims: fc.record({ trtc_rooms: fc.array(fc.oneof(numeric, named), { maxLength: 3 }) }),
      },
      { requiredKeys: ['userId', 'claims'] },
    );
    const rest = fc.record(
      {
        privileges: fc.oneof(
          {
            weight: 3,
            arbitrary: fc
              .subarray(['receiveAudio', 'receiveVideo', 'createRoom'])
              .map((names) => ['enterRoom', ...names]),
          },
          {
            weight: 1,
            arbitrary: fc.array(
              fc.constantFrom('enterRoom', 'receiveAudio', 'createRoom', 'sendVideo', 'x'),
              {
                minLength: 1,
                maxLength: 3,
              },
            ),
          },
        ),
        expire: fc.integer({ min: -5, max: 4000 }),
        userId: fc.oneof(userId, fc.constantFrom('alice', 'bob')),
      },
      { requiredKeys: [] },
    );
    // Half the bodies ask for a room of the claim, some name the principal itself (which is accepted).
    const body = (who: { userId: string; claims: { trtc_rooms: (string | number)[] } }) =>
      fc.tuple(room, rest, fc.boolean(), fc.nat()).map(([r, other, echo, pick]) => {
        const claimed = who.claims.trtc_rooms[pick % Math.max(1, who.claims.trtc_rooms.length)];
        const target =
          claimed !== undefined && pick % 2 === 0
            ? typeof claimed === 'number'
              ? { roomId: claimed }
              : { strRoomId: claimed }
            : r;
        return { ...target, ...other, ...(echo ? { userId: who.userId } : {}) };
      });
    let issued = 0;
    await fc.assert(
      fc.asyncProperty(
        principal.chain((who) => fc.tuple(fc.constant(who), body(who))),
        async ([who, request]) => {
          let response: Awaited<ReturnType<typeof issue>>;
          try {
            response = await issue(request, who);
          } catch (error) {
            expect(error instanceof PolicyError || error instanceof HttpError).toBe(true);
            return;
          }
          issued++;
          expect(response.userId).toBe(who.userId);
          expect(decodeUserSig(response.privateMapKey).userId).toBe(who.userId);
          expect(privateMapOf(who.userId, response.privateMapKey)?.privilegeMap).toBe(response.privilegeMap);
          expect([undefined, who.userId]).toContain(request.userId);
          // The room is one the claim names, of the same kind (a number is never the string of its digits).
          const rooms = who.claims.trtc_rooms;
          expect(
            response.roomId === undefined
              ? rooms.includes(response.strRoomId)
              : rooms.includes(response.roomId),
          ).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
    expect(issued).toBeGreaterThan(25);
  });
});

describe('issuePrivateMapKey with v1 tickets (TRTC_TICKET_VERSION=1)', () => {
  const keys = v1KeyPair();
  const v1Config = loadConfig({ TRTC_TICKET_VERSION: '1' });
  const v1Secret = { ...trtcSecret, privateKeyPem: keys.privateKeyPem };
  const issueV1 = async (body: unknown) =>
    (
      await issuePrivateMapKey({
        principal: anchor,
        request: parsePrivateMapKeyRequest(body),
        secret: v1Secret,
        config: v1Config,
        roomPolicy,
        now: NOW,
      })
    ).response;

  it('issues an ECDSA room ticket that lib/sign and the official tls-sig-api verify', async () => {
    const response = await issueV1({ roomId: 10000, privileges: ['enterRoom', 'sendAudio'], expire: 600 });
    expect(response).toMatchObject({ version: 1, roomId: 10000, privilegeMap: 0x06, expiresAt: NOW + 600 });
    const verified = verifyUserSigV1({
      sdkAppId: trtcSecret.sdkAppId,
      publicKeyPem: keys.publicKeyPem,
      userId: 'alice',
      userSig: response.privateMapKey,
      now: NOW,
    });
    expect(verified.privateMap).toEqual({ roomId: 10000, privilegeMap: 0x06, expiresAt: NOW + 600 });
    const official = new OfficialTlsSigApiV1({
      sdk_appid: trtcSecret.sdkAppId,
      expire_after: 600,
      private_key_string: keys.privateKeyPem,
      public_key_string: keys.publicKeyPem,
    });
    expect(official.verifySigWithUserbuf(response.privateMapKey, 'alice')).not.toBe(false);
    expect(official.verifySigWithUserbuf(response.privateMapKey, 'bob')).toBe(false);
  });

  it('refuses string rooms, which v1 tickets cannot carry (INVALID_ROOM), before the policy', async () => {
    expect(await refusedWith(issueV1({ strRoomId: 'class-2024_09.A' }))).toBe('INVALID_ROOM');
  });

  it('still applies the room policy', async () => {
    expect(await refusedWith(issueV1({ roomId: 2 }))).toBe('ROOM_FORBIDDEN');
  });
});
