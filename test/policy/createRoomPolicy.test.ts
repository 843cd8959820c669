import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AskRoomHook,
  createRoomPolicy,
  type RoomHookQuestion,
  type RoomPolicyKind,
  type RoomPolicySettings,
} from '../../lib/policy/createRoomPolicy';
import { PolicyError } from '../../lib/policy/PolicyError';
import type { Room } from '../../lib/policy/parseRoom';
import { ROOM_PRIVILEGE_NAMES, ROOM_PRIVILEGES, type RoomPrivilege } from '../../lib/policy/roomPrivileges';
import { parseRoomRules, type RoomRule } from '../../lib/policy/roomRules';
import type { Principal } from '../../lib/session/Principal';

const roles: Record<string, RoomPrivilege[]> = {
  anchor: [...ROOM_PRIVILEGE_NAMES],
  audience: ['createRoom', 'enterRoom', 'receiveAudio', 'receiveVideo', 'receiveSubStream'],
  speaker: ['enterRoom', 'sendAudio', 'receiveAudio'],
  // A role without enterRoom: its rooms can never be entered.
  listener: ['receiveAudio'],
};

function rules(json: unknown): readonly RoomRule[] {
  const result = parseRoomRules(json, Object.keys(roles));
  if ('problems' in result) throw new Error(result.problems.join('; '));
  return result.rules;
}

function policy(overrides: Partial<RoomPolicySettings> = {}, askHook?: AskRoomHook) {
  return createRoomPolicy(
    {
      kinds: ['claims'],
      claim: 'trtc_rooms',
      rules: [],
      hookClaims: [],
      roles,
      defaultRole: 'audience',
      ...overrides,
    },
    askHook === undefined ? {} : { askHook },
  );
}

const alice = (claims?: Record<string, unknown>, role?: string): Principal => ({
  userId: 'alice',
  ...(role === undefined ? {} : { role }),
  ...(claims === undefined ? {} : { claims }),
});

async function refusal(promise: Promise<unknown>): Promise<PolicyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PolicyError);
  return error as PolicyError;
}

/** A hook that records its questions and answers from a fixed table. */
function recordingHook(
  answer: (question: RoomHookQuestion) => { allow: boolean; privileges: RoomPrivilege[] },
) {
  const questions: RoomHookQuestion[] = [];
  const ask: AskRoomHook = async (question) => {
    questions.push(question);
    return answer(question);
  };
  return { ask, questions };
}

describe('createRoomPolicy: deny by default', () => {
  it('refuses every room when no kind grants it: no claim, an empty claim, no rules, a hook that denies', async () => {
    const deny = recordingHook(() => ({ allow: false, privileges: [] }));
    const p = policy({ kinds: ['claims', 'rules', 'hook'] }, deny.ask);
    for (const principal of [alice(), alice({ trtc_rooms: [] }), alice({ trtc_rooms: {} })]) {
      for (const room of [{ roomId: 1 }, { strRoomId: 'lobby' }] as Room[]) {
        expect((await refusal(p.decide({ principal, room }))).code).toBe('ROOM_FORBIDDEN');
      }
    }
    expect(deny.questions).toHaveLength(6);
  });

  it('ignores kinds that are not configured: a claim does nothing for a rules-only policy', async () => {
    const p = policy({ kinds: ['rules'], rules: [] });
    const error = await refusal(
      p.decide({ principal: alice({ trtc_rooms: ['lobby'] }), room: { strRoomId: 'lobby' } }),
    );
    expect(error.code).toBe('ROOM_FORBIDDEN');
  });

  it('needs askHook for the hook kind', () => {
    expect(() => policy({ kinds: ['hook'] })).toThrow(TypeError);
  });
});

describe('createRoomPolicy: claims', () => {
  it("grants the claimed role's privileges, or the requested subset, names in bit order", async () => {
    const p = policy();
    const principal = alice({ trtc_rooms: { 'class-42': 'anchor', lobby: 'audience' } });
    expect(await p.decide({ principal, room: { strRoomId: 'lobby' } })).toEqual({
      privilegeMap: 0xab,
      privileges: roles.audience,
      grantedBy: ['claims'],
    });
    expect(
      await p.decide({ principal, room: { strRoomId: 'class-42' }, requested: ['sendVideo', 'enterRoom'] }),
    ).toEqual({ privilegeMap: 0x12, privileges: ['enterRoom', 'sendVideo'], grantedBy: ['claims'] });
  });

  it('gives list entries the session role, or the default role without one', async () => {
    const p = policy();
    expect(
      (await p.decide({ principal: alice({ trtc_rooms: [7] }, 'speaker'), room: { roomId: 7 } }))
        .privilegeMap,
    ).toBe(0x0e);
    expect(
      (await p.decide({ principal: alice({ trtc_rooms: [7] }), room: { roomId: 7 } })).privilegeMap,
    ).toBe(0xab);
  });

  it('refuses more than the claim allows with PRIVILEGES_EXCEEDED, naming the excess', async () => {
    const error = await refusal(
      policy().decide({
        principal: alice({ trtc_rooms: { lobby: 'audience' } }),
        room: { strRoomId: 'lobby' },
        requested: ['enterRoom', 'sendAudio'],
      }),
    );
    expect(error.code).toBe('PRIVILEGES_EXCEEDED');
    expect(error.message).toContain('sendAudio');
  });

  it('refuses the whole request for a malformed claim, even where a rule would grant the room', async () => {
    const p = policy({
      kinds: ['claims', 'rules'],
      rules: rules([{ strRoomId: 'lobby', role: 'audience' }]),
    });
    for (const claim of [null, ['lobby', null], 'not json', { lobby: 3 }, [{ roomId: '7' }]]) {
      const error = await refusal(
        p.decide({ principal: alice({ trtc_rooms: claim }), room: { strRoomId: 'lobby' } }),
      );
      expect(error.code).toBe('ROOM_FORBIDDEN');
      expect(error.message).toMatch(/malformed/);
    }
  });

  it('refuses a matching claim whose role ROOM_ROLES lacks (ROLE_UNKNOWN), but not one that does not match', async () => {
    const p = policy();
    const principal = alice({ trtc_rooms: { 'class-42': 'director', lobby: 'audience' } });
    expect((await refusal(p.decide({ principal, room: { strRoomId: 'class-42' } }))).code).toBe(
      'ROLE_UNKNOWN',
    );
    expect((await p.decide({ principal, room: { strRoomId: 'lobby' } })).privilegeMap).toBe(0xab);
    const unknownSession = alice({ trtc_rooms: ['lobby'] }, 'constructor');
    expect((await refusal(p.decide({ principal: unknownSession, room: { strRoomId: 'lobby' } }))).code).toBe(
      'ROLE_UNKNOWN',
    );
  });

  it('unites the roles of several matching entries', async () => {
    const principal = alice({ trtc_rooms: { 'class-*': 'listener', 'class-42': 'speaker' } });
    expect((await policy().decide({ principal, room: { strRoomId: 'class-42' } })).privilegeMap).toBe(0x0e);
  });
});

describe('createRoomPolicy: the enterRoom rule', () => {
  it('refuses a request without enterRoom (ENTER_ROOM_REQUIRED), before looking at the policy', async () => {
    const hook = recordingHook(() => ({ allow: true, privileges: ['enterRoom', 'sendAudio'] }));
    const p = policy({ kinds: ['claims', 'hook'] }, hook.ask);
    const principal = alice({ trtc_rooms: { lobby: 'anchor' } });
    for (const requested of [['sendAudio'], ['createRoom', 'receiveAudio']]) {
      expect((await refusal(p.decide({ principal, room: { strRoomId: 'lobby' }, requested }))).code).toBe(
        'ENTER_ROOM_REQUIRED',
      );
    }
    expect(hook.questions).toEqual([]);
  });

  it('refuses a room whose grant lacks enterRoom (ROOM_FORBIDDEN): no ticket that cannot enter', async () => {
    const principal = alice({ trtc_rooms: { radio: 'listener' } });
    expect((await refusal(policy().decide({ principal, room: { strRoomId: 'radio' } }))).code).toBe(
      'ROOM_FORBIDDEN',
    );
  });

  it('refuses unknown privilege names by position (UNKNOWN_PRIVILEGE)', async () => {
    const error = await refusal(
      policy().decide({
        principal: alice({ trtc_rooms: ['a'] }),
        room: { strRoomId: 'a' },
        requested: ['enterRoom', 'toString'],
      }),
    );
    expect(error.code).toBe('UNKNOWN_PRIVILEGE');
    expect(error.message).toContain('privileges[1]');
  });
});

describe('createRoomPolicy: rules', () => {
  const p = policy({
    kinds: ['rules'],
    rules: rules([
      { strRoomId: 'u.{userId}.*', role: 'anchor' },
      { roomId: '{userId}', role: 'speaker' },
      { strRoomId: 'lobby', role: 'audience' },
    ]),
  });

  it("grants each user their own rooms and everyone the lobby, never another user's room", async () => {
    expect((await p.decide({ principal: alice(), room: { strRoomId: 'u.alice.show' } })).privilegeMap).toBe(
      0xff,
    );
    expect((await p.decide({ principal: { userId: '1234' }, room: { roomId: 1234 } })).privilegeMap).toBe(
      0x0e,
    );
    expect((await p.decide({ principal: alice(), room: { strRoomId: 'lobby' } })).grantedBy).toEqual([
      'rules',
    ]);
    for (const room of [
      { strRoomId: 'u.alice_2.show' },
      { strRoomId: 'u.bob.show' },
      { roomId: 1234 },
    ] as Room[]) {
      expect((await refusal(p.decide({ principal: alice(), room }))).code).toBe('ROOM_FORBIDDEN');
    }
    expect(
      (await refusal(p.decide({ principal: { userId: 'alice_2' }, room: { strRoomId: 'u.alice.x' } }))).code,
    ).toBe('ROOM_FORBIDDEN');
  });
});

describe('createRoomPolicy: the hook', () => {
  it('is asked only when claims and rules do not cover the request, and its grant is added', async () => {
    const hook = recordingHook(() => ({
      allow: true,
      privileges: ['enterRoom', 'sendAudio', 'receiveAudio'],
    }));
    const p = policy({ kinds: ['claims', 'hook'], hookClaims: ['org'] }, hook.ask);
    const principal: Principal = {
      userId: 'bob',
      claims: { trtc_rooms: { lobby: 'audience' }, org: 'acme', secret: 'x' },
    };

    // Covered by the claim: no question.
    expect(await p.decide({ principal, room: { strRoomId: 'lobby' } })).toMatchObject({
      grantedBy: ['claims'],
    });
    expect(
      await p.decide({ principal, room: { strRoomId: 'lobby' }, requested: ['enterRoom'] }),
    ).toMatchObject({
      privilegeMap: 0x02,
    });
    expect(hook.questions).toEqual([]);

    // More than the claim gives: the hook adds sendAudio.
    expect(
      await p.decide({ principal, room: { strRoomId: 'lobby' }, requested: ['enterRoom', 'sendAudio'] }),
    ).toEqual({ privilegeMap: 0x06, privileges: ['enterRoom', 'sendAudio'], grantedBy: ['claims', 'hook'] });
    // A room only the hook knows.
    expect(await p.decide({ principal, room: { roomId: 5 } })).toEqual({
      privilegeMap: 0x0e,
      privileges: ['enterRoom', 'sendAudio', 'receiveAudio'],
      grantedBy: ['hook'],
    });
    expect(hook.questions).toEqual([
      {
        userId: 'bob',
        role: null,
        strRoomId: 'lobby',
        privileges: ['enterRoom', 'sendAudio'],
        claims: { org: 'acme' },
      },
      { userId: 'bob', role: null, roomId: 5, privileges: null, claims: { org: 'acme' } },
    ]);
  });

  it('passes the session role, and only the selected claims the token carries', async () => {
    const hook = recordingHook(() => ({ allow: false, privileges: [] }));
    const p = policy({ kinds: ['hook'], hookClaims: ['org', 'plan'] }, hook.ask);
    await refusal(
      p.decide({
        principal: { userId: 'bob', role: 'speaker', claims: { plan: 'pro' } },
        room: { roomId: 5 },
      }),
    );
    await refusal(p.decide({ principal: { userId: 'bob' }, room: { roomId: 5 } }));
    expect(hook.questions.map(({ role, claims }) => ({ role, claims }))).toEqual([
      { role: 'speaker', claims: { plan: 'pro' } },
      { role: null, claims: {} },
    ]);
  });

  it('never grants on a hook failure: the failure propagates', async () => {
    const failure = new Error('hook down');
    const p = policy({ kinds: ['claims', 'hook'] }, async () => {
      throw failure;
    });
    await expect(p.decide({ principal: alice(), room: { roomId: 5 } })).rejects.toBe(failure);
    // Rooms the claim already covers do not depend on the hook at all.
    expect(
      (await p.decide({ principal: alice({ trtc_rooms: [5] }), room: { roomId: 5 } })).privilegeMap,
    ).toBe(0xab);
  });

  it('refuses more than the hook allows, and a hook grant without enterRoom', async () => {
    const hook = recordingHook((q) =>
      q.roomId === 1
        ? { allow: true, privileges: ['enterRoom'] }
        : { allow: true, privileges: ['receiveAudio'] },
    );
    const p = policy({ kinds: ['hook'] }, hook.ask);
    expect(
      (
        await refusal(
          p.decide({ principal: alice(), room: { roomId: 1 }, requested: ['enterRoom', 'sendAudio'] }),
        )
      ).code,
    ).toBe('PRIVILEGES_EXCEEDED');
    expect((await refusal(p.decide({ principal: alice(), room: { roomId: 2 } }))).code).toBe(
      'ROOM_FORBIDDEN',
    );
  });
});

describe('createRoomPolicy (property): a ticket only for a granted room, never more than granted', () => {
  const userIds = ['alice', 'alice_2', 'bob', '1234'];
  const privilege = fc.constantFrom(...ROOM_PRIVILEGE_NAMES);
  const roleName = fc.constantFrom('anchor', 'audience', 'speaker', 'listener', 'director');
  const strRoom = fc.constantFrom(
    'lobby',
    'class-42',
    'class-43',
    'u.alice.x',
    'u.alice_2.x',
    'u.bob.x',
    '1234',
    'call.alice.bob',
  );
  const numRoom = fc.constantFrom(1, 42, 1234, 4242);
  const room: fc.Arbitrary<Room> = fc.oneof(
    strRoom.map((strRoomId) => ({ strRoomId })),
    numRoom.map((roomId) => ({ roomId })),
  );
  // Claim entries the model can evaluate: exact or prefix string rooms, exact numeric rooms, maybe a role.
  const claimEntry = fc.oneof(
    fc.record({
      kind: fc.constant('str' as const),
      text: fc.constantFrom('lobby', 'class-', 'class-42', 'u.', '1234'),
      star: fc.boolean(),
      role: fc.option(roleName, { nil: undefined }),
    }),
    fc.record({
      kind: fc.constant('num' as const),
      roomId: numRoom,
      role: fc.option(roleName, { nil: undefined }),
    }),
  );
  const ruleSpec = fc.record({
    template: fc.constantFrom('u.{userId}.*', 'lobby', 'class-*', '{userId}', 'call.{userId}.*'),
    numeric: fc.boolean(),
    role: fc.constantFrom('anchor', 'audience', 'speaker', 'listener'),
  });
  const hookTable = fc.dictionary(fc.constantFrom(...userIds), fc.array(privilege, { maxLength: 4 }), {
    maxKeys: 4,
  });
  const scenario = fc.record({
    kinds: fc.subarray<RoomPolicyKind>(['claims', 'rules', 'hook']),
    userId: fc.constantFrom(...userIds),
    sessionRole: fc.option(roleName, { nil: undefined }),
    claim: fc.array(claimEntry, { maxLength: 5 }),
    rules: fc.array(ruleSpec, { maxLength: 3 }),
    hook: hookTable,
    room,
    // Mostly with enterRoom (so that the policy itself decides), sometimes without, sometimes none.
    requested: fc.oneof(
      { weight: 2, arbitrary: fc.constant(undefined) },
      {
        weight: 5,
        arbitrary: fc
          .subarray([...ROOM_PRIVILEGE_NAMES])
          .map((names): RoomPrivilege[] => ['enterRoom', ...names]),
      },
      { weight: 1, arbitrary: fc.array(privilege, { minLength: 1, maxLength: 4 }) },
    ),
  });

  /** The model: every bit some configured kind allows for this room, whether or not the hook is asked. */
  type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;
  function allowedByModel(s: Scenario): number | 'ROLE_UNKNOWN' {
    const mask = (role: string) =>
      Object.hasOwn(roles, role) ? roles[role as keyof typeof roles] : undefined;
    const roomText = s.room.roomId === undefined ? s.room.strRoomId : String(s.room.roomId);
    const isNumeric = s.room.roomId !== undefined;
    let allowed = 0;
    if (s.kinds.includes('claims')) {
      for (const entry of s.claim) {
        const hit =
          entry.kind === 'num'
            ? isNumeric && entry.roomId === s.room.roomId
            : !isNumeric && (entry.star ? roomText.startsWith(entry.text) : roomText === entry.text);
        if (!hit) continue;
        const names = mask(entry.role ?? s.sessionRole ?? 'audience');
        if (names === undefined) return 'ROLE_UNKNOWN';
        for (const name of names) allowed |= ROOM_PRIVILEGES[name];
      }
    }
    if (s.kinds.includes('rules')) {
      for (const rule of s.rules) {
        if (rule.numeric && rule.template !== '{userId}') continue; // only numeric template we generate
        const expanded = rule.template.replace('{userId}', s.userId);
        const star = expanded.endsWith('*');
        const text = star ? expanded.slice(0, -1) : expanded;
        const hit = rule.numeric === isNumeric && (star ? roomText.startsWith(text) : roomText === text);
        if (hit) for (const name of roles[rule.role] ?? []) allowed |= ROOM_PRIVILEGES[name];
      }
    }
    if (s.kinds.includes('hook')) for (const name of s.hook[s.userId] ?? []) allowed |= ROOM_PRIVILEGES[name];
    return allowed;
  }

  it('for random policies and requests (1000 runs)', async () => {
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const claimJson = s.claim.map((entry) =>
          entry.kind === 'num'
            ? { roomId: entry.roomId, ...(entry.role ? { role: entry.role } : {}) }
            : {
                strRoomId: `${entry.text}${entry.star ? '*' : ''}`,
                ...(entry.role ? { role: entry.role } : {}),
              },
        );
        const ruleJson = s.rules
          .filter((rule) => !rule.numeric || rule.template === '{userId}')
          .map((rule) => ({ [rule.numeric ? 'roomId' : 'strRoomId']: rule.template, role: rule.role }));
        const p = policy({ kinds: s.kinds, rules: rules(ruleJson) }, async (q) => {
          const granted = s.hook[q.userId];
          return granted === undefined
            ? { allow: false, privileges: [] }
            : { allow: true, privileges: granted };
        });
        const principal: Principal = {
          userId: s.userId,
          ...(s.sessionRole === undefined ? {} : { role: s.sessionRole }),
          claims: { trtc_rooms: claimJson },
        };
        const model = allowedByModel(s);
        let outcome: string;
        try {
          const access = await p.decide({ principal, room: s.room, requested: s.requested });
          outcome = 'issued';
          // Issued only for a room some kind grants, with enterRoom, never beyond the model's grant.
          expect(model).not.toBe('ROLE_UNKNOWN');
          expect((access.privilegeMap & ROOM_PRIVILEGES.enterRoom) !== 0).toBe(true);
          expect(access.privilegeMap & ~(model as number)).toBe(0);
          if (s.requested !== undefined) {
            let wanted = 0;
            for (const name of s.requested) wanted |= ROOM_PRIVILEGES[name];
            expect(access.privilegeMap).toBe(wanted);
          }
          expect(access.grantedBy.every((kind) => s.kinds.includes(kind))).toBe(true);
        } catch (error) {
          if (!(error instanceof PolicyError)) throw error;
          outcome = error.code;
          // A refusal for "not granted" must be right: the model grants no entry here either.
          if (error.code === 'ROOM_FORBIDDEN') {
            expect(model === 'ROLE_UNKNOWN' ? 0 : model & ROOM_PRIVILEGES.enterRoom).toBe(0);
          }
          if (error.code === 'PRIVILEGES_EXCEEDED') {
            let wanted = 0;
            for (const name of s.requested ?? []) wanted |= ROOM_PRIVILEGES[name];
            expect(wanted & ~(model as number)).not.toBe(0);
          }
        }
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }),
      { numRuns: 1000 },
    );
    const counts = JSON.stringify(Object.fromEntries(outcomes));
    for (const code of ['issued', 'ROOM_FORBIDDEN', 'PRIVILEGES_EXCEEDED', 'ENTER_ROOM_REQUIRED']) {
      expect(outcomes.get(code) ?? 0, counts).toBeGreaterThan(20);
    }
  });
});
