import { createHmac } from 'node:crypto';
import { type CryptoKey, exportJWK, exportSPKI, generateKeyPair, type JWK, SignJWT } from 'jose';
import type { SessionConfig } from '../../lib/config';

// Session tokens for tests, minted with jose where jose can mint them, and by hand where a real
// library refuses to (alg none, HMAC keyed with a PEM, arbitrary headers). Time is always explicit.

/**
 * A fixed "now" for session tests: 2030-01-01T00:00:00Z, in Unix seconds.
 *
 * @example
 * ```ts
 * createSessionVerifier(config, { now: () => TEST_NOW * 1000 });
 * ```
 */
export const TEST_NOW = 1_893_456_000;

/**
 * The HS256 secret of {@link hsSessionConfig} (test-only, never a real key).
 *
 * @example
 * ```ts
 * handMadeToken({ alg: 'HS256' }, claimsAt(TEST_NOW), TEST_HS_SECRET);
 * ```
 */
export const TEST_HS_SECRET = 'test-session-secret-0123456789abcdef-0123';

/**
 * A verifier configuration in HS256 mode; `overrides` replace fields.
 *
 * @example
 * ```ts
 * createSessionVerifier(hsSessionConfig({ userClaim: 'uid' }), { now: () => TEST_NOW * 1000 });
 * ```
 */
export function hsSessionConfig(overrides: Partial<SessionConfig> = {}): SessionConfig {
  return {
    hs256Secret: TEST_HS_SECRET,
    issuer: 'https://id.example.test/',
    audience: 'token-issuer',
    audienceClaim: 'aud',
    algorithms: ['HS256'],
    userClaim: 'sub',
    userIdMapping: 'exact',
    roleClaim: 'trtc_role',
    clockToleranceSeconds: 30,
    jwksCacheSeconds: 600,
    ...overrides,
  };
}

/**
 * A verifier configuration in JWKS mode (RS256 and ES256); `overrides` replace fields.
 *
 * @example
 * ```ts
 * jwksSessionConfig(server.url);
 * ```
 */
export function jwksSessionConfig(jwksUrl: string, overrides: Partial<SessionConfig> = {}): SessionConfig {
  const { hs256Secret: _ignored, ...base } = hsSessionConfig();
  return { ...base, jwksUrl, algorithms: ['RS256', 'ES256'], ...overrides };
}

/**
 * Claims valid at `now` for {@link hsSessionConfig}: `iss`, `aud`, `sub`, `iat`, `nbf`, `exp = now + 3600`.
 * An override whose value is `undefined` removes that claim.
 *
 * @example
 * ```ts
 * claimsAt(TEST_NOW, { sub: 'bob', exp: undefined }); // no exp
 * ```
 */
export function claimsAt(now: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    iss: 'https://id.example.test/',
    aud: 'token-issuer',
    sub: 'alice',
    iat: now,
    nbf: now,
    exp: now + 3600,
  };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete claims[name];
    else claims[name] = value;
  }
  return claims;
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/**
 * A compact JWS built by hand: `header` and `payload` are JSON-encoded (or used raw when strings),
 * and the signature is HMAC-SHA256 over the signing input with `hmacKey`, or empty without one.
 * For tokens no library will produce: `alg: none`, HMAC keyed with a public key PEM, odd headers.
 *
 * @example
 * ```ts
 * handMadeToken({ alg: 'none' }, claimsAt(TEST_NOW)); // 'eyJhbGciOiJub25lIn0.eyJ...'. (empty signature)
 * ```
 */
export function handMadeToken(
  header: Record<string, unknown> | string,
  payload: Record<string, unknown> | string,
  hmacKey?: string | Buffer,
): string {
  const encode = (part: Record<string, unknown> | string) =>
    base64url(typeof part === 'string' ? part : JSON.stringify(part));
  const input = `${encode(header)}.${encode(payload)}`;
  const signature =
    hmacKey === undefined ? '' : createHmac('sha256', hmacKey).update(input).digest('base64url');
  return `${input}.${signature}`;
}

/**
 * Signs `claims` with an HMAC secret using jose (HS256 unless `alg` says otherwise).
 *
 * @example
 * ```ts
 * await hsToken(claimsAt(TEST_NOW)); // signed with TEST_HS_SECRET
 * ```
 */
export async function hsToken(
  claims: Record<string, unknown>,
  options: { secret?: string; alg?: 'HS256' | 'HS384' | 'HS512' } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(options.secret ?? TEST_HS_SECRET));
}

/**
 * An asymmetric signing key with its public JWK (carrying `kid`, `alg`, `use`) and SPKI PEM.
 *
 * @example
 * ```ts
 * const key = await createSigningKey('RS256', 'rsa-1');
 * const jwks = { keys: [key.publicJwk] };
 * ```
 */
export interface SigningKey {
  readonly alg: 'RS256' | 'ES256' | 'PS256' | 'ES384';
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
  readonly publicPem: string;
}

/**
 * Generates a signing key pair for `alg`.
 *
 * @example
 * ```ts
 * const es = await createSigningKey('ES256', 'ec-1');
 * ```
 */
export async function createSigningKey(alg: SigningKey['alg'], kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { alg, kid, privateKey, publicJwk, publicPem: await exportSPKI(publicKey) };
}

/**
 * Signs `claims` with an asymmetric key; the header names the key's `alg` and `kid` unless
 * `header` overrides them (`kid: undefined` removes it).
 *
 * @example
 * ```ts
 * await keyToken(key, claimsAt(TEST_NOW), { kid: 'unknown' });
 * ```
 */
export async function keyToken(
  key: SigningKey,
  claims: Record<string, unknown>,
  header: { kid?: string | undefined } = {},
): Promise<string> {
  const kid = 'kid' in header ? header.kid : key.kid;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, typ: 'JWT', ...(kid === undefined ? {} : { kid }) })
    .sign(key.privateKey);
}
