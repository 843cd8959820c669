import { describe, expect, it } from 'vitest';
import { createTemporaryKeyCache } from '../../lib/cos/createTemporaryKeyCache';
import type { TemporaryKey } from '../../lib/cos/StsClient';
import { StsError } from '../../lib/cos/StsError';

const T0 = 1_700_000_000;

function setup(options: { maxEntries?: number } = {}) {
  let nowMs = T0 * 1000;
  const cache = createTemporaryKeyCache({ now: () => nowMs, ...options });
  let issued = 0;
  const fetchFor = (lifetime: number) => async (): Promise<TemporaryKey> => {
    issued += 1;
    const startTime = Math.floor(nowMs / 1000);
    return {
      tmpSecretId: `id-${issued}`,
      tmpSecretKey: `key-${issued}`,
      securityToken: `token-${issued}`,
      startTime,
      expiredTime: startTime + lifetime,
    };
  };
  return {
    cache,
    fetch: fetchFor(7200),
    fetchFor,
    issued: () => issued,
    advance: (seconds: number) => {
      nowMs += seconds * 1000;
    },
  };
}

describe('createTemporaryKeyCache', () => {
  it('reuses a key while it outlives the request by the margin, then fetches a new one', async () => {
    const { cache, fetch, issued, advance } = setup();
    const first = await cache.get('alice', 600, fetch);
    expect((await cache.get('alice', 3600, fetch)).tmpSecretId).toBe(first.tmpSecretId);
    // 7200 - 6540 = 660 left: enough for 600 + 60, not for 601 + 60.
    advance(6540);
    expect((await cache.get('alice', 600, fetch)).tmpSecretId).toBe(first.tmpSecretId);
    expect((await cache.get('alice', 601, fetch)).tmpSecretId).toBe('id-2');
    expect(issued()).toBe(2);
  });

  it('keeps one key per id', async () => {
    const { cache, fetch } = setup();
    const alice = await cache.get('alice', 60, fetch);
    const bob = await cache.get('bob', 60, fetch);
    expect(alice.tmpSecretId).not.toBe(bob.tmpSecretId);
    expect((await cache.get('alice', 60, fetch)).tmpSecretId).toBe(alice.tmpSecretId);
  });

  it('makes one fetch for concurrent requests of one id', async () => {
    const { cache, fetch, issued } = setup();
    const keys = await Promise.all(Array.from({ length: 20 }, () => cache.get('alice', 600, fetch)));
    expect(new Set(keys.map((key) => key.tmpSecretId)).size).toBe(1);
    expect(issued()).toBe(1);
  });

  it('never caches a failure: every waiter gets it, the next call fetches again', async () => {
    const { cache, fetch, issued } = setup();
    const failure = new StsError('STS_UNAVAILABLE', 'down');
    let calls = 0;
    const failing = async (): Promise<TemporaryKey> => {
      calls += 1;
      throw failure;
    };
    const results = await Promise.allSettled([
      cache.get('alice', 60, failing),
      cache.get('alice', 60, failing),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toBe(1);
    await expect(cache.get('alice', 60, failing)).rejects.toBe(failure);
    expect(calls).toBe(2);
    expect((await cache.get('alice', 60, fetch)).tmpSecretId).toBe('id-1');
    expect(issued()).toBe(1);
  });

  it('refuses a fetched key that expires before the request would', async () => {
    const { cache, fetchFor } = setup();
    await expect(cache.get('alice', 600, fetchFor(300))).rejects.toMatchObject({ code: 'STS_UNAVAILABLE' });
  });

  it('holds at most maxEntries keys, dropping the least recently used', async () => {
    const { cache, fetch, issued } = setup({ maxEntries: 2 });
    await cache.get('a', 60, fetch);
    await cache.get('b', 60, fetch);
    await cache.get('a', 60, fetch); // a is now the most recent
    await cache.get('c', 60, fetch); // drops b
    expect(issued()).toBe(3);
    await cache.get('a', 60, fetch);
    expect(issued()).toBe(3);
    await cache.get('b', 60, fetch);
    expect(issued()).toBe(4);
  });

  it('checks its options', () => {
    expect(() => createTemporaryKeyCache({ now: 1 as unknown as () => number })).toThrow(TypeError);
    expect(() => createTemporaryKeyCache({ now: Date.now, maxEntries: 0 })).toThrow(TypeError);
    expect(() => createTemporaryKeyCache({ now: Date.now, marginSeconds: -1 })).toThrow(TypeError);
  });
});
