import { createHmac, timingSafeEqual } from 'node:crypto';

// How the loopback STS (fakeSts.ts) makes temporary keys, shared with the loopback COS (fakeCos.ts)
// and the tests, so that each can check a key without asking the other: the secret key is derived from
// the key id with a seed, and the session token carries the issued policy and the expiry under a MAC.
// Real STS tokens are opaque; these only need to be unforgeable without the seed.

/** A CAM policy as STS received it (after URL-decoding). */
export interface FakeCamPolicy {
  readonly version: string;
  readonly statement: readonly {
    readonly effect: string;
    readonly action: string | readonly string[];
    readonly resource: string | readonly string[];
  }[];
}

/** What a fake session token says. */
export interface FakeTokenClaims {
  readonly tmpSecretId: string;
  /** The permanent key that asked STS for it. */
  readonly callerSecretId: string;
  readonly policy: FakeCamPolicy;
  /** Unix seconds. */
  readonly expiredTime: number;
}

const TOKEN_PREFIX = 'fakests1';

function mac(seed: string, text: string): Buffer {
  return createHmac('sha256', seed).update(text, 'utf8').digest();
}

/**
 * The secret key of a fake temporary key id.
 *
 * @example
 * ```ts
 * const secretKey = fakeTmpSecretKey(E2E_STS_SEED, tmpSecretId);
 * ```
 */
export function fakeTmpSecretKey(seed: string, tmpSecretId: string): string {
  return mac(seed, `key:${tmpSecretId}`).toString('base64url').slice(0, 40);
}

/**
 * A session token for a fake temporary key.
 *
 * @example
 * ```ts
 * const token = fakeSessionToken(seed, { tmpSecretId, policy, expiredTime });
 * ```
 */
export function fakeSessionToken(seed: string, claims: FakeTokenClaims): string {
  const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return `${TOKEN_PREFIX}.${payload}.${mac(seed, payload).toString('base64url')}`;
}

/**
 * What a fake session token says, or `undefined` when it is not one made with `seed` (forged, altered,
 * another seed, not a token at all). Does not check the expiry.
 *
 * @example
 * ```ts
 * const claims = readFakeSessionToken(seed, response.SecurityToken);
 * claims?.policy.statement[0]?.resource; // ['qcs::cos:...:bucket/users/alice/*']
 * ```
 */
export function readFakeSessionToken(seed: string, token: unknown): FakeTokenClaims | undefined {
  if (typeof token !== 'string') return undefined;
  const [prefix, payload, signature, ...rest] = token.split('.');
  if (prefix !== TOKEN_PREFIX || payload === undefined || signature === undefined || rest.length > 0) {
    return undefined;
  }
  const expected = mac(seed, payload);
  const received = Buffer.from(signature, 'base64url');
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) return undefined;
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as FakeTokenClaims;
}
