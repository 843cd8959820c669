import { describe, expect, it } from 'vitest';
import type { AskRoomHook, RoomHookAnswer, RoomHookQuestion } from '../../lib/policy/createRoomPolicy';
import { cacheRoomHook } from '../../lib/roomHook/cacheRoomHook';

const question: RoomHookQuestion = { userId: 'bob', role: null, roomId: 7, privileges: null, claims: {} };
const allow: RoomHookAnswer = { allow: true, privileges: ['enterRoom'] };

/** A hook that counts its calls and answers from `answers` (or fails when an entry is an Error). */
function countingHook(answers: (RoomHookAnswer | Error)[] = [allow]) {
  let calls = 0;
  const ask: AskRoomHook = async () => {
    const next = answers[Math.min(calls, answers.length - 1)];
    calls++;
    if (next instanceof Error) throw next;
    return next as RoomHookAnswer;
  };
  return { ask, calls: () => calls };
}

describe('cacheRoomHook', () => {
  it('reuses an answer for the TTL of the injected clock, then asks again', async () => {
    let now = 1_000_000;
    const hook = countingHook();
    const cached = cacheRoomHook(hook.ask, { ttlMs: 10_000, now: () => now });
    expect(await cached(question)).toEqual(allow);
    now += 9_999;
    expect(await cached(question)).toEqual(allow);
    expect(hook.calls()).toBe(1);
    now += 1;
    await cached(question);
    expect(hook.calls()).toBe(2);
  });

  it('caches deny answers too, for the same TTL', async () => {
    let now = 0;
    const deny: RoomHookAnswer = { allow: false, privileges: [] };
    const hook = countingHook([deny, allow]);
    const cached = cacheRoomHook(hook.ask, { ttlMs: 5_000, now: () => now });
    expect(await cached(question)).toEqual(deny);
    expect(await cached(question)).toEqual(deny);
    expect(hook.calls()).toBe(1);
    now = 5_000;
    expect(await cached(question)).toEqual(allow);
  });

  it('never caches a failure', async () => {
    const failure = new Error('hook down');
    const hook = countingHook([failure, allow]);
    const cached = cacheRoomHook(hook.ask, { ttlMs: 60_000, now: () => 0 });
    await expect(cached(question)).rejects.toBe(failure);
    expect(await cached(question)).toEqual(allow);
    expect(hook.calls()).toBe(2);
  });

  it('keys answers by user, room (and its kind), role and claims, not by the privileges asked for', async () => {
    const hook = countingHook();
    const cached = cacheRoomHook(hook.ask, { ttlMs: 60_000, now: () => 0 });
    await cached(question);
    await cached({ ...question, privileges: ['enterRoom', 'sendAudio'] });
    expect(hook.calls()).toBe(1);
    const others: RoomHookQuestion[] = [
      { ...question, userId: 'eve' },
      { ...question, roomId: 8 },
      { userId: 'bob', role: null, strRoomId: '7', privileges: null, claims: {} },
      { ...question, role: 'anchor' },
      { ...question, claims: { org: 'acme' } },
    ];
    for (const other of others) await cached(other);
    expect(hook.calls()).toBe(1 + others.length);
  });

  it('shares one invocation among concurrent identical questions', async () => {
    const hook = countingHook();
    const cached = cacheRoomHook(hook.ask, { ttlMs: 60_000, now: () => 0 });
    await Promise.all([cached(question), cached(question), cached(question)]);
    expect(hook.calls()).toBe(1);
  });

  it('keeps at most maxEntries answers, dropping the oldest', async () => {
    const hook = countingHook();
    const cached = cacheRoomHook(hook.ask, { ttlMs: 60_000, now: () => 0, maxEntries: 2 });
    for (const roomId of [1, 2, 3]) await cached({ ...question, roomId });
    await cached({ ...question, roomId: 3 });
    await cached({ ...question, roomId: 2 });
    expect(hook.calls()).toBe(3);
    await cached({ ...question, roomId: 1 });
    expect(hook.calls()).toBe(4);
  });

  it('passes every question through with a TTL of 0', async () => {
    const hook = countingHook();
    const cached = cacheRoomHook(hook.ask, { ttlMs: 0, now: () => 0 });
    await cached(question);
    await cached(question);
    expect(hook.calls()).toBe(2);
  });

  it('refuses unusable options', () => {
    const { ask } = countingHook();
    expect(() => cacheRoomHook(ask, { ttlMs: -1, now: () => 0 })).toThrow(TypeError);
    expect(() => cacheRoomHook(ask, { ttlMs: 1.5, now: () => 0 })).toThrow(TypeError);
    expect(() => cacheRoomHook(ask, { ttlMs: 1, now: () => 0, maxEntries: 0 })).toThrow(TypeError);
  });
});
