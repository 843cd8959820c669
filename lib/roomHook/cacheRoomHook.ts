import type { AskRoomHook, RoomHookAnswer, RoomHookQuestion } from '../policy/createRoomPolicy';

// Answers of the room hook, kept for a short TTL per (user, room): a user who renews a ticket, or joins
// and rejoins, costs the app's hook one call per TTL. Deny answers are cached too, for the same TTL: a
// client that repeats a refused request (or an attacker trying rooms) cannot turn each request into an
// invocation of the app's function; a user who has just been let in waits at most one TTL. Failures
// are never cached. The key also holds the role and the selected claims the hook saw, so a new session
// with other claims asks again; it does not hold the privileges asked for: the hook answers what the
// user may have in the room, not only what was asked.

/** Options of {@link cacheRoomHook}. */
export interface RoomHookCacheOptions {
  /** How long an answer is reused, in ms; 0 disables the cache. */
  readonly ttlMs: number;
  /** The clock, in ms (`Date.now` in production). */
  readonly now: () => number;
  /** At most this many answers are kept (the oldest go first). Default 1000. */
  readonly maxEntries?: number;
}

interface Cached {
  readonly answer: RoomHookAnswer;
  readonly expiresAt: number;
}

function keyOf(question: RoomHookQuestion): string {
  const room = question.roomId === undefined ? ['s', question.strRoomId] : ['n', question.roomId];
  return JSON.stringify([question.userId, question.role, ...room, question.claims]);
}

/**
 * Wraps an {@link AskRoomHook} with a per-container answer cache. Concurrent questions with the same key
 * share one invocation.
 *
 * @example
 * ```ts
 * const askHook = cacheRoomHook(createLambdaRoomHook(options), { ttlMs: 10_000, now: Date.now });
 * ```
 */
export function cacheRoomHook(ask: AskRoomHook, options: RoomHookCacheOptions): AskRoomHook {
  const { ttlMs, now } = options;
  const maxEntries = options.maxEntries ?? 1000;
  if (typeof ask !== 'function') throw new TypeError('cacheRoomHook: ask must be a function');
  if (typeof now !== 'function') throw new TypeError('cacheRoomHook: now must be a function');
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 0)
    throw new TypeError('cacheRoomHook: ttlMs must be an integer >= 0');
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new TypeError('cacheRoomHook: maxEntries must be an integer >= 1');
  }
  if (ttlMs === 0) return ask;

  const answers = new Map<string, Cached>();
  const inFlight = new Map<string, Promise<RoomHookAnswer>>();

  const remember = (key: string, answer: RoomHookAnswer): void => {
    answers.delete(key);
    if (answers.size >= maxEntries) {
      const time = now();
      for (const [old, cached] of answers) if (cached.expiresAt <= time) answers.delete(old);
      // Still full: the oldest entry goes (a Map iterates in insertion order).
      if (answers.size >= maxEntries) answers.delete(answers.keys().next().value as string);
    }
    answers.set(key, { answer, expiresAt: now() + ttlMs });
  };

  return (question) => {
    const key = keyOf(question);
    const cached = answers.get(key);
    if (cached !== undefined) {
      if (now() < cached.expiresAt) return Promise.resolve(cached.answer);
      answers.delete(key);
    }
    let pending = inFlight.get(key);
    if (pending === undefined) {
      pending = ask(question)
        .then((answer) => {
          remember(key, answer);
          return answer;
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  };
}
