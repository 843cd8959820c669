import type { TemporaryKey } from './StsClient';
import { StsError } from './StsError';

/**
 * Options of {@link createTemporaryKeyCache}.
 *
 * @example
 * ```ts
 * const options: TemporaryKeyCacheOptions = { now: Date.now, maxEntries: 1000, marginSeconds: 60 };
 * ```
 */
export interface TemporaryKeyCacheOptions {
  /** The clock in ms since the epoch (`Date.now` in production, a variable in tests). */
  readonly now: () => number;
  /** Keys kept at most; the least recently used one goes first. Default 1000. */
  readonly maxEntries?: number;
  /** A key is reused only while it outlives what is asked of it by this much. Default 60. */
  readonly marginSeconds?: number;
}

/**
 * Temporary keys per user (or any id), reused until shortly before they expire.
 *
 * @example
 * ```ts
 * const key = await cache.get(`${secretId}\n${userId}`, 600, () => sts.issue(request));
 * ```
 */
export interface TemporaryKeyCache {
  /**
   * A key for `id` valid for at least `minRemainingSeconds` more: the cached one, or one from `fetch`
   * (shared by every caller that arrives while it runs). A failure is passed on and never cached.
   */
  get(id: string, minRemainingSeconds: number, fetch: () => Promise<TemporaryKey>): Promise<TemporaryKey>;
}

/**
 * Creates the per-container cache of the temporary keys the service signs with, so that most
 * signatures need no STS call. Single flight per id: N concurrent cold requests of one user make one
 * STS call. Bounded: at most `maxEntries` keys, least recently used first out.
 *
 * @example
 * ```ts
 * const cache = createTemporaryKeyCache({ now: Date.now });
 * const key = await cache.get('alice', 600, () => sts.issue({ ...request, userId: 'alice' }));
 * ```
 */
export function createTemporaryKeyCache(options: TemporaryKeyCacheOptions): TemporaryKeyCache {
  const { now } = options;
  const maxEntries = options.maxEntries ?? 1000;
  const margin = options.marginSeconds ?? 60;
  if (typeof now !== 'function') throw new TypeError('now must be a function');
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new TypeError('maxEntries must be >= 1');
  if (!Number.isSafeInteger(margin) || margin < 0) throw new TypeError('marginSeconds must be >= 0');

  const keys = new Map<string, TemporaryKey>();
  const inFlight = new Map<string, Promise<TemporaryKey>>();
  const seconds = () => Math.floor(now() / 1000);
  const fresh = (key: TemporaryKey, minRemaining: number) =>
    key.expiredTime - seconds() >= minRemaining + margin;

  return {
    async get(id, minRemainingSeconds, fetch) {
      const cached = keys.get(id);
      if (cached !== undefined) {
        keys.delete(id);
        if (fresh(cached, minRemainingSeconds)) {
          keys.set(id, cached); // most recently used last
          return cached;
        }
      }
      let pending = inFlight.get(id);
      if (pending === undefined) {
        pending = fetch().then(
          (key) => {
            inFlight.delete(id);
            keys.set(id, key);
            while (keys.size > maxEntries) keys.delete(keys.keys().next().value as string);
            return key;
          },
          (error: unknown) => {
            inFlight.delete(id);
            throw error;
          },
        );
        inFlight.set(id, pending);
      }
      const key = await pending;
      // A key fetched for a shorter request (or cut short by STS) may not fit this one.
      if (key.expiredTime - seconds() < minRemainingSeconds) {
        throw new StsError('STS_UNAVAILABLE', 'STS issued a key that expires before the signature would');
      }
      return key;
    },
  };
}
