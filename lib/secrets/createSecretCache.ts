import { SecretInvalidError, SecretsUnavailableError } from './errors';

/**
 * One read of a secret from its store. `versionId` and `nextRotationDate` are optional metadata: the
 * rotation date, when known, shortens the cache lifetime so that a rotated key is picked up on time.
 *
 * @example
 * ```ts
 * const result: SecretFetchResult = {
 *   secretString: '{"sdkAppId":1400000000,"secretKey":"..."}',
 *   versionId: 'a1b2c3',
 *   nextRotationDate: new Date('2025-02-01T00:00:00Z'),
 * };
 * ```
 */
export interface SecretFetchResult {
  readonly secretString: string;
  readonly versionId?: string;
  readonly nextRotationDate?: Date;
}

/**
 * Reads the current version of one secret. Implemented by `secretsManagerSource` (AWS) and
 * `fileSecretSource` (local development).
 *
 * @example
 * ```ts
 * // a test double
 * const fetchSecret: FetchSecret = async () => ({ secretString: '{"sdkAppId":1,"secretKey":"k"}' });
 * ```
 */
export type FetchSecret = () => Promise<SecretFetchResult>;

/**
 * How one `get()` retries a failed fetch: at most `attempts` fetches in total, the n-th retry waiting
 * `min(maxDelayMs, baseDelayMs * 2^(n-1))` ms, or a uniformly random part of it when `random` is given
 * ("full jitter").
 *
 * @example
 * ```ts
 * // waits 100 ms, then 200 ms (or a random part of each with jitter): 3 fetches at most
 * const retry: SecretRetryPolicy = { attempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 };
 * ```
 */
export interface SecretRetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Options of {@link createSecretCache}.
 *
 * @example
 * ```ts
 * const options: SecretCacheOptions<TrtcSecret> = {
 *   fetchSecret: fileSecretSource({ path: 'dev-secrets.json', secretId: 'trtc' }),
 *   parse: (text) => parseSecret(TrtcSecretSchema, text, 'trtc'),
 *   ttlMs: 300_000,
 *   now: Date.now,
 *   retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 },
 *   sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
 * };
 * ```
 */
export interface SecretCacheOptions<T> {
  /** Reads the secret from its store. */
  readonly fetchSecret: FetchSecret;
  /** Turns the secret text into a value; throws `SecretInvalidError` (value-free messages) when it cannot. */
  readonly parse: (secretString: string) => T;
  /** How long a loaded secret is served before it is read again, in ms. */
  readonly ttlMs: number;
  /** The clock, in ms since the epoch (`Date.now` in production, a variable in tests). */
  readonly now: () => number;
  readonly retry: SecretRetryPolicy;
  /** Waits between retries (a timer in production, a recorder in tests). */
  readonly sleep: (ms: number) => Promise<void>;
  /** Random number in [0, 1) for full jitter (`Math.random` in production); no jitter when omitted. */
  readonly random?: () => number;
  /** Sent to clients as `Retry-After` when the secret is unavailable. Default 1. */
  readonly retryAfterSeconds?: number;
  /** Names the secret in error messages (the secret id or an alias such as `trtc`). */
  readonly secretName?: string;
}

/**
 * A per-container cache of one parsed secret.
 *
 * - `get()` resolves the cached value while it is fresh, otherwise loads it (one load at a time, shared
 *   by all concurrent callers). It rejects only with `SecretsUnavailableError`.
 * - `prefetch()` loads it at cold start (awaited at module top level, so the work happens in Lambda's
 *   INIT phase) and never rejects: on failure the first request loads it again.
 *
 * @example
 * ```ts
 * const trtcSecret: SecretCache<TrtcSecret> = createSecretCache(options);
 * await trtcSecret.prefetch();
 * const { secretKey } = await trtcSecret.get();
 * ```
 */
export interface SecretCache<T> {
  get(): Promise<T>;
  prefetch(): Promise<void>;
}

// Errors that another attempt within the same request cannot fix: the secret is missing, we may not read
// it, KMS cannot decrypt it, or the request itself is wrong. Failing at once answers 503 quickly instead
// of burning the request's time budget on sleeps. (AWS SDK v3 errors carry the exception name in `name`.)
const NON_RETRYABLE_ERROR_NAMES: ReadonlySet<string> = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'DecryptionFailure',
  'InvalidRequestException',
  'InvalidParameterException',
]);

function isRetryable(error: unknown): boolean {
  if (error instanceof SecretInvalidError) return false;
  return !(error instanceof Error && NON_RETRYABLE_ERROR_NAMES.has(error.name));
}

interface CachedSecret<T> {
  readonly value: T;
  readonly expiresAt: number;
}

/**
 * Creates the cache that stands between a handler and its secret store.
 *
 * A loaded secret is served until `min(loadedAt + ttlMs, nextRotationDate)`. A failure is never cached:
 * the next `get()` tries again. Transient fetch failures are retried with exponential backoff within the
 * same `get()`; non-retryable AWS errors and invalid secrets fail at once. Every failure surfaces as
 * `SecretsUnavailableError` (HTTP 503 with `Retry-After`) whose `cause` is the last underlying error.
 *
 * @example
 * ```ts
 * const trtcSecret = createSecretCache({
 *   fetchSecret: secretsManagerSource({ client, secretId: config.trtcSecretId, fetchRotationDate: true }),
 *   parse: (text) => parseSecret(TrtcSecretSchema, text, 'trtc'),
 *   ttlMs: 5 * 60_000,
 *   now: Date.now,
 *   retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 },
 *   sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
 *   random: Math.random,
 *   secretName: 'trtc',
 * });
 * await trtcSecret.prefetch(); // at module top level: the fetch happens in INIT, not in the first request
 *
 * // in the handler
 * const { sdkAppId, secretKey } = await trtcSecret.get();
 * ```
 */
export function createSecretCache<T>(options: SecretCacheOptions<T>): SecretCache<T> {
  const { fetchSecret, parse, ttlMs, now, retry, sleep, random } = options;
  checkOptions(options);
  const retryAfterSeconds = options.retryAfterSeconds ?? 1;
  const label = options.secretName === undefined ? 'secret' : `secret "${options.secretName}"`;

  let cached: CachedSecret<T> | undefined;
  let inFlight: Promise<T> | undefined;

  const backoffDelay = (retryNumber: number): number => {
    const cap = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (retryNumber - 1));
    return random === undefined ? cap : Math.floor(random() * cap);
  };

  const expiryOf = (loadedAt: number, nextRotationDate: Date | undefined): number => {
    const ttlExpiry = loadedAt + ttlMs;
    const rotation = nextRotationDate?.getTime();
    // A rotation date that is not in the future (overdue or failed rotation) is ignored: we have just read
    // the current version, and honouring a past date would make every request refetch the secret.
    if (rotation === undefined || Number.isNaN(rotation) || rotation <= loadedAt) return ttlExpiry;
    return Math.min(ttlExpiry, rotation);
  };

  const unavailable = (cause: unknown, attempts: number): SecretsUnavailableError => {
    const reason =
      cause instanceof SecretInvalidError
        ? `is invalid: ${cause.message}`
        : `could not be loaded (${errorName(cause)}, ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'})`;
    return new SecretsUnavailableError(`${label} ${reason}`, { retryAfterSeconds, attempts, cause });
  };

  const load = async (): Promise<T> => {
    let lastError: unknown;
    for (let attempt = 1; attempt <= retry.attempts; attempt += 1) {
      if (attempt > 1) await sleep(backoffDelay(attempt - 1));
      let fetched: SecretFetchResult;
      try {
        fetched = await fetchSecret();
      } catch (error) {
        if (!isRetryable(error)) throw unavailable(error, attempt);
        lastError = error;
        continue;
      }
      let value: T;
      try {
        value = parse(fetched.secretString);
      } catch (error) {
        // Not retried: the same text would fail the same way. The next get() reads the store again,
        // which picks up an operator's fix.
        throw unavailable(error, attempt);
      }
      cached = { value, expiresAt: expiryOf(now(), fetched.nextRotationDate) };
      return value;
    }
    throw unavailable(lastError, retry.attempts);
  };

  const get = (): Promise<T> => {
    if (cached !== undefined) {
      if (now() < cached.expiresAt) return Promise.resolve(cached.value);
      // Fail closed: once the TTL (or the rotation date) has passed, the old value is dropped, not kept
      // as a fallback. After a rotation the old key may already be revoked, so tickets signed with it
      // would be rejected by Tencent later, far from the cause; and a secret that an operator replaced
      // because it leaked must stop being used. A 503 with Retry-After is the honest answer.
      cached = undefined;
    }
    if (inFlight === undefined) {
      // Single flight: every caller that arrives during a load shares it (N cold requests, one fetch).
      inFlight = load().finally(() => {
        inFlight = undefined;
      });
    }
    return inFlight;
  };

  return {
    get,
    async prefetch() {
      // A failed prefetch must neither reject (which would fail INIT) nor become an unhandled rejection
      // (which ends a Node process); the first request that needs the secret loads it again and reports
      // the failure as a 503. Bounded by the client's timeout and the retry policy.
      await get().then(
        () => undefined,
        () => undefined,
      );
    },
  };
}

function errorName(error: unknown): string {
  if (error instanceof Error) return error.name;
  return typeof error;
}

function checkOptions<T>(options: SecretCacheOptions<T>): void {
  const { fetchSecret, parse, ttlMs, now, retry, sleep, random, retryAfterSeconds } = options;
  if (typeof fetchSecret !== 'function') {
    throw new TypeError('createSecretCache: fetchSecret must be a function');
  }
  if (typeof parse !== 'function') throw new TypeError('createSecretCache: parse must be a function');
  if (typeof now !== 'function') throw new TypeError('createSecretCache: now must be a function');
  if (typeof sleep !== 'function') throw new TypeError('createSecretCache: sleep must be a function');
  if (random !== undefined && typeof random !== 'function') {
    throw new TypeError('createSecretCache: random must be a function');
  }
  if (typeof ttlMs !== 'number' || !(ttlMs > 0) || !Number.isFinite(ttlMs)) {
    throw new TypeError('createSecretCache: ttlMs must be a positive finite number');
  }
  if (typeof retry !== 'object' || retry === null) {
    throw new TypeError('createSecretCache: retry must be an object');
  }
  if (!Number.isSafeInteger(retry.attempts) || retry.attempts < 1) {
    throw new TypeError('createSecretCache: retry.attempts must be an integer >= 1');
  }
  for (const key of ['baseDelayMs', 'maxDelayMs'] as const) {
    const value = retry[key];
    if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
      throw new TypeError(`createSecretCache: retry.${key} must be a finite number >= 0`);
    }
  }
  if (
    retryAfterSeconds !== undefined &&
    (!Number.isSafeInteger(retryAfterSeconds) || retryAfterSeconds < 0)
  ) {
    throw new TypeError('createSecretCache: retryAfterSeconds must be an integer >= 0');
  }
}
