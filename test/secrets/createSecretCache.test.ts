import { describe, expect, it, vi } from 'vitest';
import {
  createSecretCache,
  type FetchSecret,
  type SecretCacheOptions,
  type SecretFetchResult,
} from '../../lib/secrets/createSecretCache';
import { SecretInvalidError, SecretsUnavailableError } from '../../lib/secrets/errors';
import { parseSecret } from '../../lib/secrets/parseSecret';
import { type TrtcSecret, TrtcSecretSchema } from '../../lib/secrets/secretSchemas';

const FAKE_SECRET_KEY = 'FAKE-secretKey-5e1f0a3b-never-log-me';
const START = Date.UTC(2025, 0, 1);
const TTL = 60_000;

const secretText = (version: number) =>
  JSON.stringify({ sdkAppId: 1400000000 + version, secretKey: FAKE_SECRET_KEY });

function awsError(name: string): Error {
  // The AWS SDK v3 exposes the service's exception name as `name`.
  return Object.assign(new Error(`${name} from the service`), { name });
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function setup(overrides: Partial<SecretCacheOptions<TrtcSecret>> = {}) {
  let clock = START;
  const sleeps: number[] = [];
  const fetchSecret = vi.fn<FetchSecret>(async () => ({ secretString: secretText(1) }));
  const cache = createSecretCache<TrtcSecret>({
    fetchSecret,
    parse: (text) => parseSecret(TrtcSecretSchema, text, 'trtc'),
    ttlMs: TTL,
    now: () => clock,
    retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    secretName: 'trtc',
    ...overrides,
  });
  return {
    cache,
    fetchSecret,
    sleeps,
    advance(ms: number) {
      clock += ms;
    },
  };
}

async function unavailable(promise: Promise<unknown>): Promise<SecretsUnavailableError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the secret to be unavailable');
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SecretsUnavailableError);
  return error as SecretsUnavailableError;
}

describe('createSecretCache', () => {
  describe('caching', () => {
    it('loads on the first get and serves later gets from the cache', async () => {
      const { cache, fetchSecret } = setup();
      expect(await cache.get()).toEqual({ sdkAppId: 1400000001, secretKey: FAKE_SECRET_KEY });
      expect(await cache.get()).toEqual({ sdkAppId: 1400000001, secretKey: FAKE_SECRET_KEY });
      expect(fetchSecret).toHaveBeenCalledTimes(1);
    });

    it('refetches once the TTL has passed', async () => {
      const { cache, fetchSecret, advance } = setup();
      fetchSecret
        .mockResolvedValueOnce({ secretString: secretText(1) })
        .mockResolvedValueOnce({ secretString: secretText(2) });
      expect((await cache.get()).sdkAppId).toBe(1400000001);
      advance(TTL - 1);
      expect((await cache.get()).sdkAppId).toBe(1400000001);
      advance(1);
      expect((await cache.get()).sdkAppId).toBe(1400000002);
      expect(fetchSecret).toHaveBeenCalledTimes(2);
    });

    it('expires at the rotation date when it comes before the TTL', async () => {
      const { cache, fetchSecret, advance } = setup();
      fetchSecret
        .mockResolvedValueOnce({ secretString: secretText(1), nextRotationDate: new Date(START + 10_000) })
        .mockResolvedValueOnce({ secretString: secretText(2) });
      await cache.get();
      advance(9_999);
      expect((await cache.get()).sdkAppId).toBe(1400000001);
      advance(1);
      expect((await cache.get()).sdkAppId).toBe(1400000002);
      expect(fetchSecret).toHaveBeenCalledTimes(2);
    });

    it('keeps the TTL when the rotation date is later', async () => {
      const { cache, fetchSecret, advance } = setup();
      fetchSecret.mockResolvedValue({
        secretString: secretText(1),
        nextRotationDate: new Date(START + 10 * TTL),
      });
      await cache.get();
      advance(TTL - 1);
      await cache.get();
      expect(fetchSecret).toHaveBeenCalledTimes(1);
      advance(1);
      await cache.get();
      expect(fetchSecret).toHaveBeenCalledTimes(2);
    });

    it('ignores a rotation date that has already passed instead of refetching on every request', async () => {
      const { cache, fetchSecret, advance } = setup();
      fetchSecret.mockResolvedValue({ secretString: secretText(1), nextRotationDate: new Date(START - 1) });
      await cache.get();
      advance(TTL / 2);
      await cache.get();
      expect(fetchSecret).toHaveBeenCalledTimes(1);
    });

    it('ignores an invalid rotation date', async () => {
      const { cache, fetchSecret } = setup();
      fetchSecret.mockResolvedValue({ secretString: secretText(1), nextRotationDate: new Date(Number.NaN) });
      await cache.get();
      await cache.get();
      expect(fetchSecret).toHaveBeenCalledTimes(1);
    });

    it('fails closed after the TTL: a failed refetch is an error, not the stale secret', async () => {
      const { cache, fetchSecret, advance } = setup();
      await cache.get();
      advance(TTL);
      fetchSecret.mockRejectedValueOnce(awsError('AccessDeniedException'));
      await unavailable(cache.get());
      // ... and the next get() after recovery loads a fresh copy.
      expect((await cache.get()).sdkAppId).toBe(1400000001);
      expect(fetchSecret).toHaveBeenCalledTimes(3);
    });
  });

  describe('failures', () => {
    it('never caches a failure: the next get tries again and recovers', async () => {
      const { cache, fetchSecret } = setup({ retry: { attempts: 1, baseDelayMs: 100, maxDelayMs: 100 } });
      fetchSecret.mockRejectedValueOnce(awsError('InternalServiceError'));
      await unavailable(cache.get());
      expect(await cache.get()).toEqual({ sdkAppId: 1400000001, secretKey: FAKE_SECRET_KEY });
      expect(fetchSecret).toHaveBeenCalledTimes(2);
    });

    it('retries transient errors with exponential backoff and succeeds within the attempts', async () => {
      const { cache, fetchSecret, sleeps } = setup();
      fetchSecret
        .mockRejectedValueOnce(awsError('InternalServiceError'))
        .mockRejectedValueOnce(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
      expect((await cache.get()).sdkAppId).toBe(1400000001);
      expect(fetchSecret).toHaveBeenCalledTimes(3);
      expect(sleeps).toEqual([100, 200]);
    });

    it('gives up after the configured attempts, capping each delay at maxDelayMs', async () => {
      const { cache, fetchSecret, sleeps } = setup({
        retry: { attempts: 6, baseDelayMs: 100, maxDelayMs: 500 },
      });
      const last = awsError('ThrottlingException');
      fetchSecret.mockImplementation(async () => {
        throw fetchSecret.mock.calls.length === 6 ? last : awsError('InternalServiceError');
      });
      const error = await unavailable(cache.get());
      expect(fetchSecret).toHaveBeenCalledTimes(6);
      expect(sleeps).toEqual([100, 200, 400, 500, 500]);
      expect(error.cause).toBe(last);
      expect(error.attempts).toBe(6);
      expect(error.retryAfterSeconds).toBe(1);
      expect(error.message).toBe('secret "trtc" could not be loaded (ThrottlingException, 6 attempts)');
    });

    it('applies full jitter with the injected random source', async () => {
      const { cache, fetchSecret, sleeps } = setup({
        retry: { attempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 },
        random: () => 0.5,
      });
      fetchSecret.mockRejectedValue(awsError('InternalServiceError'));
      await unavailable(cache.get());
      expect(sleeps).toEqual([50, 100, 200]);
    });

    it('reports the configured Retry-After', async () => {
      const { cache, fetchSecret } = setup({ retryAfterSeconds: 5 });
      fetchSecret.mockRejectedValue(awsError('ResourceNotFoundException'));
      expect((await unavailable(cache.get())).retryAfterSeconds).toBe(5);
    });

    it.each([
      'ResourceNotFoundException',
      'AccessDeniedException',
      'DecryptionFailure',
      'InvalidRequestException',
      'InvalidParameterException',
    ])('fails fast on %s without retrying', async (name) => {
      const { cache, fetchSecret, sleeps } = setup();
      const cause = awsError(name);
      fetchSecret.mockRejectedValue(cause);
      const error = await unavailable(cache.get());
      expect(fetchSecret).toHaveBeenCalledTimes(1);
      expect(sleeps).toEqual([]);
      expect(error.cause).toBe(cause);
      expect(error.attempts).toBe(1);
      expect(error.message).toBe(`secret "trtc" could not be loaded (${name}, 1 attempt)`);
    });

    it('does not retry an invalid secret, reports it with the field name, and rereads it on the next get', async () => {
      const { cache, fetchSecret, sleeps } = setup();
      fetchSecret
        .mockResolvedValueOnce({ secretString: JSON.stringify({ sdkAppId: 0, secretKey: FAKE_SECRET_KEY }) })
        .mockResolvedValueOnce({ secretString: secretText(3) });
      const error = await unavailable(cache.get());
      expect(fetchSecret).toHaveBeenCalledTimes(1);
      expect(sleeps).toEqual([]);
      expect(error.cause).toBeInstanceOf(SecretInvalidError);
      expect((error.cause as SecretInvalidError).fields).toEqual(['sdkAppId']);
      expect(error.message).toBe(
        'secret "trtc" is invalid: secret "trtc": field "sdkAppId" must be an integer between 1 and 4294967295',
      );
      expect(JSON.stringify(error)).not.toContain(FAKE_SECRET_KEY);
      expect(error.message).not.toContain(FAKE_SECRET_KEY);
      // An operator fixed the secret: the next request picks it up.
      expect((await cache.get()).sdkAppId).toBe(1400000003);
    });

    it('does not retry a SecretInvalidError thrown by the source (a binary secret)', async () => {
      const { cache, fetchSecret } = setup();
      fetchSecret.mockRejectedValue(
        new SecretInvalidError('secret "trtc" has no SecretString', { secretName: 'trtc' }),
      );
      await unavailable(cache.get());
      expect(fetchSecret).toHaveBeenCalledTimes(1);
    });

    it('names the secret generically when no secretName is given', async () => {
      const anonymous = createSecretCache({
        fetchSecret: async () => {
          throw awsError('AccessDeniedException');
        },
        parse: (text) => text,
        ttlMs: TTL,
        now: () => START,
        retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
        sleep: async () => undefined,
      });
      expect((await unavailable(anonymous.get())).message).toBe(
        'secret could not be loaded (AccessDeniedException, 1 attempt)',
      );
    });
  });

  describe('single flight', () => {
    it('shares one fetch among N concurrent cold gets', async () => {
      const { cache, fetchSecret } = setup();
      const pending = deferred<SecretFetchResult>();
      fetchSecret.mockReturnValueOnce(pending.promise);
      const gets = Array.from({ length: 50 }, () => cache.get());
      pending.resolve({ secretString: secretText(1) });
      const values = await Promise.all(gets);
      expect(fetchSecret).toHaveBeenCalledTimes(1);
      expect(new Set(values).size).toBe(1);
    });

    it('shares one failing load among concurrent gets, then tries again', async () => {
      const { cache, fetchSecret } = setup({ retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 10 } });
      fetchSecret.mockRejectedValueOnce(awsError('InternalServiceError'));
      fetchSecret.mockRejectedValueOnce(awsError('InternalServiceError'));
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => cache.get()));
      expect(results.every((result) => result.status === 'rejected')).toBe(true);
      expect(fetchSecret).toHaveBeenCalledTimes(2);
      await cache.get();
      expect(fetchSecret).toHaveBeenCalledTimes(3);
    });

    it('shares the refetch after expiry too', async () => {
      const { cache, fetchSecret, advance } = setup();
      await cache.get();
      advance(TTL);
      await Promise.all(Array.from({ length: 20 }, () => cache.get()));
      expect(fetchSecret).toHaveBeenCalledTimes(2);
    });
  });

  describe('prefetch', () => {
    it('loads ahead so the first get needs no fetch of its own', async () => {
      const { cache, fetchSecret } = setup();
      await cache.prefetch();
      expect(fetchSecret).toHaveBeenCalledTimes(1);
      await cache.get();
      expect(fetchSecret).toHaveBeenCalledTimes(1);
    });

    it('swallows a failed prefetch (no unhandled rejection); the next get retries', async () => {
      const { cache, fetchSecret } = setup({ retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 } });
      fetchSecret.mockRejectedValueOnce(awsError('AccessDeniedException'));
      const unhandled: unknown[] = [];
      const listener = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', listener);
      try {
        // Resolves (INIT must not fail) even though the load failed.
        await expect(cache.prefetch()).resolves.toBeUndefined();
        // Unhandled rejections are reported after the microtask queue drains: wait two macrotasks.
        await new Promise((resolve) => setImmediate(resolve));
        await new Promise((resolve) => setImmediate(resolve));
      } finally {
        process.off('unhandledRejection', listener);
      }
      expect(unhandled).toEqual([]);
      expect((await cache.get()).sdkAppId).toBe(1400000001);
      expect(fetchSecret).toHaveBeenCalledTimes(2);
    });
  });

  describe('options', () => {
    const base: SecretCacheOptions<string> = {
      fetchSecret: async () => ({ secretString: '' }),
      parse: (text) => text,
      ttlMs: 1,
      now: () => 0,
      retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
      sleep: async () => undefined,
    };

    it.each([
      ['ttlMs 0', { ttlMs: 0 }],
      ['ttlMs Infinity', { ttlMs: Number.POSITIVE_INFINITY }],
      ['attempts 0', { retry: { attempts: 0, baseDelayMs: 0, maxDelayMs: 0 } }],
      ['attempts 1.5', { retry: { attempts: 1.5, baseDelayMs: 0, maxDelayMs: 0 } }],
      ['a negative delay', { retry: { attempts: 1, baseDelayMs: -1, maxDelayMs: 0 } }],
      ['a fractional Retry-After', { retryAfterSeconds: 0.5 }],
      ['no clock', { now: undefined as unknown as () => number }],
    ])('rejects %s with a TypeError', (_label, override) => {
      expect(() => createSecretCache({ ...base, ...override })).toThrow(TypeError);
    });
  });
});
