import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROOM_PRIVILEGES } from '../../lib/policy/roomPrivileges';
import { post, sessionToken, TOKEN_FIELDS } from './support/client';
import { cosPrefixOf } from './support/fixtures';
import { expectIssuedTo } from './support/tokens';

// One property through the running service: whoever asks, and whatever the body says (another user's
// id, any room, privileges, key or lifetime), a token is only ever issued to the session's own user,
// and a refusal never carries a token.

const tencentUserId = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
const role = fc.constantFrom(undefined, 'anchor', 'audience');

/** Who the body names: nobody, the caller, or someone else. */
const bodyUser = fc.oneof(
  { arbitrary: fc.constant('absent' as const), weight: 3 },
  { arbitrary: fc.constant('self' as const), weight: 1 },
  { arbitrary: fc.constant('other' as const), weight: 1 },
);
// Mostly acceptable values (so that many runs are 200s), and the edges and nonsense the policy refuses.
const expire = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 3 },
  { arbitrary: fc.integer({ min: 1, max: 3600 }), weight: 3 },
  { arbitrary: fc.integer({ min: -10, max: 200_000 }), weight: 1 },
  { arbitrary: fc.constantFrom(0, 1.5, 86_400, 86_401, 3601), weight: 1 },
);
const privilegeNames = Object.keys(ROOM_PRIVILEGES);
const room = fc.oneof(
  { arbitrary: fc.record({ roomId: fc.integer({ min: 1, max: 4_294_967_294 }) }), weight: 3 },
  {
    arbitrary: fc.record({
      strRoomId: fc.stringMatching(/^[A-Za-z0-9 !#$%&()+\-:;<=.>?@[\]^_{}|~,]{1,64}$/),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.oneof(
      fc.record({ roomId: fc.oneof(fc.integer({ min: -2, max: 0 }), fc.constant(2 ** 32 - 1)) }),
      fc.record({ strRoomId: fc.stringMatching(/^[A-Za-z0-9/\\]{0,70}$/) }),
      fc.constant({}),
      fc.constant({ roomId: 1, strRoomId: 'both' }),
    ),
    weight: 1,
  },
);
const privileges = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 2 },
  { arbitrary: fc.subarray(['enterRoom', 'receiveAudio', 'receiveVideo'], { minLength: 1 }), weight: 2 },
  { arbitrary: fc.subarray(privilegeNames, { minLength: 1 }), weight: 1 },
  { arbitrary: fc.constantFrom(['enterRoom', 'fly'], []), weight: 1 },
);
/** Whose prefix a COS key starts with, and what follows. */
const keyShape = fc.record({
  owner: fc.oneof(
    { arbitrary: fc.constant('self'), weight: 5 },
    { arbitrary: fc.constantFrom('other', 'none'), weight: 1 },
  ),
  tail: fc.oneof(
    {
      arbitrary: fc.stringMatching(
        /^[A-Za-z0-9_~-][A-Za-z0-9 ._~-]{0,19}(\/[A-Za-z0-9_~-][A-Za-z0-9 ._~-]{0,19}){0,2}$/,
      ),
      weight: 6,
    },
    {
      arbitrary: fc.oneof(
        fc.constantFrom('../x', 'a/../../b', './a', 'a//b', '%2e%2e/a', 'a\\b', '', 'a/'),
        fc.string({ maxLength: 30 }),
      ),
      weight: 1,
    },
  ),
});
const cosHeaders = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 4 },
  {
    arbitrary: fc.dictionary(
      fc.constantFrom('Content-Type', 'x-cos-meta-a', 'Range'),
      fc.constantFrom('a', 'b c'),
    ),
    weight: 4,
  },
  { arbitrary: fc.constant({ Host: 'evil.example' }), weight: 1 },
  // What an upload must sign: an allowlisted type and a length.
  { arbitrary: fc.constant({ 'Content-Type': 'image/png', 'Content-Length': '5' }), weight: 2 },
);

const request = fc.oneof(
  fc.record(
    { route: fc.constant('/v1/usersig' as const), user: bodyUser, expire },
    { requiredKeys: ['route', 'user'] },
  ),
  fc.record(
    {
      route: fc.constant('/v1/privatemapkey' as const),
      user: bodyUser,
      expire,
      room,
      privileges,
      // Mostly a session whose rooms claim names the room asked for; else no claim (ROOM_FORBIDDEN).
      claimed: fc.oneof(
        { arbitrary: fc.constant(true), weight: 3 },
        { arbitrary: fc.constant(false), weight: 1 },
      ),
    },
    { requiredKeys: ['route', 'user', 'room', 'claimed'] },
  ),
  fc.record(
    {
      route: fc.constant('/v1/cos/sign' as const),
      version: fc.constant('v5' as const),
      user: bodyUser,
      expire,
      method: fc.constantFrom('GET', 'HEAD', 'PUT', 'get', 'put', 'DELETE'),
      key: keyShape,
      headers: cosHeaders,
    },
    { requiredKeys: ['route', 'version', 'user', 'method', 'key'] },
  ),
  fc.record(
    {
      route: fc.constant('/v1/cos/sign' as const),
      version: fc.constant('v4' as const),
      type: fc.constantFrom('once', 'reusable'),
      user: bodyUser,
      // A one-time signature takes no expiry (and is disabled): mostly none.
      expire: fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: expire, weight: 1 }),
      key: fc.option(keyShape, { nil: undefined, freq: 8 }),
    },
    { requiredKeys: ['route', 'version', 'type', 'user'] },
  ),
);

type GeneratedRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

function keyOf(shape: { owner: string; tail: string }, principal: string): string {
  if (shape.owner === 'self') return `${cosPrefixOf(principal)}${shape.tail}`;
  if (shape.owner === 'other') return `${cosPrefixOf(`${principal}x`)}${shape.tail}`;
  return shape.tail;
}

function bodyOf(generated: GeneratedRequest, principal: string): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (generated.user === 'self') body.userId = principal;
  if (generated.user === 'other')
    body.userId = `${principal.slice(0, 31)}${principal.endsWith('z') ? 'y' : 'z'}`;
  if (generated.expire !== undefined) body.expire = generated.expire;
  switch (generated.route) {
    case '/v1/usersig':
      return body;
    case '/v1/privatemapkey':
      return {
        ...body,
        ...generated.room,
        ...(generated.privileges === undefined ? {} : { privileges: generated.privileges }),
      };
    case '/v1/cos/sign':
      if (generated.version === 'v5') {
        return {
          ...body,
          method: generated.method,
          key: keyOf(generated.key, principal),
          ...(generated.headers === undefined ? {} : { headers: generated.headers }),
        };
      }
      return {
        ...body,
        version: 'v4',
        type: generated.type,
        ...(generated.key === undefined ? {} : { key: keyOf(generated.key, principal) }),
      };
  }
}

/** One issued and one refused request per kind, on top of the random runs (see the coverage check). */
const EXAMPLES: [string, string | undefined, GeneratedRequest][] = [
  ['ex_1', undefined, { route: '/v1/usersig', user: 'absent' }],
  ['ex_1', undefined, { route: '/v1/usersig', user: 'other' }],
  ['ex-2', 'audience', { route: '/v1/privatemapkey', user: 'self', room: { roomId: 10 }, claimed: true }],
  ['ex-2', 'audience', { route: '/v1/privatemapkey', user: 'absent', room: {}, claimed: true }],
  [
    'EX3',
    'anchor',
    {
      route: '/v1/cos/sign',
      version: 'v5',
      user: 'absent',
      method: 'GET',
      key: { owner: 'self', tail: 'a' },
    },
  ],
  [
    'EX3',
    'anchor',
    {
      route: '/v1/cos/sign',
      version: 'v5',
      user: 'absent',
      method: 'GET',
      key: { owner: 'other', tail: 'a' },
    },
  ],
  [
    'ex4',
    undefined,
    {
      route: '/v1/cos/sign',
      version: 'v4',
      type: 'reusable',
      user: 'absent',
      key: { owner: 'self', tail: 'b' },
    },
  ],
  ['ex4', undefined, { route: '/v1/cos/sign', version: 'v4', type: 'reusable', user: 'absent' }],
];

describe('property: tokens only ever go to the session user', () => {
  it('random principals and bodies on every route (100 runs)', async () => {
    const statuses = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(tencentUserId, role, request, async (principal, principalRole, generated) => {
        const body = bodyOf(generated, principal);
        const rooms =
          generated.route === '/v1/privatemapkey' && generated.claimed
            ? Object.values(generated.room as Record<string, unknown>)
            : undefined;
        const response = await post(generated.route, {
          token: await sessionToken(principal, {
            ...(principalRole === undefined ? {} : { role: principalRole }),
            ...(rooms === undefined ? {} : { rooms }),
          }),
          body,
        });
        const outcome = `${generated.route}${'version' in generated ? ` ${generated.version}` : ''} ${response.status === 200 ? 'issued' : 'refused'}`;
        statuses.set(outcome, (statuses.get(outcome) ?? 0) + 1);
        const json = response.json as Record<string, unknown>;

        expect([200, 400, 403]).toContain(response.status);
        if (response.status === 200) {
          expectIssuedTo(generated.route, json, principal);
        } else {
          expect(Object.keys(json)).toEqual(['error']);
          expect(json.error).toEqual({ code: expect.any(String), message: expect.any(String) });
          for (const field of TOKEN_FIELDS) expect(response.text).not.toContain(`"${field}"`);
        }
      }),
      { numRuns: 100, examples: EXAMPLES },
    );
    // The generators must reach both outcomes on every route for the property to mean something: the
    // examples give one of each, the random runs must add at least one more (measured: 5 to 25 each).
    const kinds = ['/v1/usersig', '/v1/privatemapkey', '/v1/cos/sign v5', '/v1/cos/sign v4'];
    const counts = JSON.stringify(Object.fromEntries(statuses));
    for (const kind of kinds) {
      expect(statuses.get(`${kind} issued`) ?? 0, counts).toBeGreaterThanOrEqual(2);
      expect(statuses.get(`${kind} refused`) ?? 0, counts).toBeGreaterThanOrEqual(2);
    }
  });
});
