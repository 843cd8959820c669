import * as v from 'valibot';
import { COS_ENV_ENTRIES, type CosSettings, cosSettingsOf } from './cos/cosSettings';

// The only reader of process.env. Parsed once, at cold start, with a schema: a bad setting stops the
// function before it serves anything, with a message that names the variable (never its value, which
// may be a secret). The result is frozen.

/** Committed development defaults: fake, public, and refused by every deployed stage. */
export const DEV_DEFAULTS = Object.freeze({
  sessionHs256Secret: 'dev-only-session-secret-NOT-FOR-PRODUCTION-0000',
  sessionIssuer: 'tencent-token-issuer-dev',
  sessionAudience: 'tencent-token-issuer-local',
  trtcSecretFile: 'dev/secrets/trtc.json',
  cosSecretFile: 'dev/secrets/cos.json',
});

const LOCAL_STAGE = 'local';

const text = (message: string) => v.pipe(v.string(), v.trim(), v.nonEmpty(message));
const integer = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\d+$/, `must be a whole number between ${min} and ${max}`),
    v.transform(Number),
    v.number(),
    v.minValue(min, `must be a whole number between ${min} and ${max}`),
    v.maxValue(max, `must be a whole number between ${min} and ${max}`),
  );
const bool = v.pipe(
  v.picklist(['true', 'false'], 'must be true or false'),
  v.transform((s) => s === 'true'),
);
const list = v.pipe(
  v.string(),
  v.transform((s) =>
    s
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ),
);
const httpsOrLoopbackUrl = v.pipe(
  v.string(),
  v.url('must be a URL'),
  v.check(
    (s) => s.startsWith('https://') || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(s),
    'must be an https URL (http only on loopback)',
  ),
);

const EnvSchema = v.object({
  STAGE: v.optional(
    v.pipe(v.string(), v.regex(/^[a-z0-9-]{1,32}$/, 'must be a lower-case stage name')),
    LOCAL_STAGE,
  ),
  SECRETS_SOURCE: v.optional(v.picklist(['aws', 'file'], 'must be aws or file')),
  TRTC_SECRET_ID: v.optional(text('must not be empty')),
  COS_SECRET_ID: v.optional(text('must not be empty')),
  TRTC_SECRET_FILE: v.optional(text('must not be empty'), DEV_DEFAULTS.trtcSecretFile),
  COS_SECRET_FILE: v.optional(text('must not be empty'), DEV_DEFAULTS.cosSecretFile),
  SECRETS_TTL_SECONDS: v.optional(integer(1, 86_400), '300'),
  SECRETS_FETCH_ROTATION_DATE: v.optional(bool, 'true'),
  SECRETS_TIMEOUT_MS: v.optional(integer(50, 30_000), '1000'),
  SECRETS_RETRY_ATTEMPTS: v.optional(integer(1, 10), '3'),
  SECRETS_RETRY_AFTER_SECONDS: v.optional(integer(1, 3600), '2'),
  SESSION_JWKS_URL: v.optional(httpsOrLoopbackUrl),
  SESSION_HS256_SECRET: v.optional(v.pipe(v.string(), v.minLength(32, 'must be at least 32 characters'))),
  SESSION_ISSUER: v.optional(text('must not be empty')),
  SESSION_AUDIENCE: v.optional(text('must not be empty')),
  SESSION_ALGORITHMS: v.optional(list),
  SESSION_USER_CLAIM: v.optional(text('must not be empty'), 'sub'),
  SESSION_ROLE_CLAIM: v.optional(text('must not be empty'), 'trtc_role'),
  SESSION_CLOCK_TOLERANCE_SECONDS: v.optional(integer(0, 300), '30'),
  SESSION_JWKS_CACHE_SECONDS: v.optional(integer(30, 86_400), '600'),
  CORS_ALLOWED_ORIGINS: v.optional(list, ''),
  MAX_BODY_BYTES: v.optional(integer(64, 65_536), '4096'),
  USERSIG_DEFAULT_EXPIRE: v.optional(integer(60, 15_552_000), '7200'),
  USERSIG_MAX_EXPIRE: v.optional(integer(60, 15_552_000), '86400'),
  PRIVATEMAPKEY_DEFAULT_EXPIRE: v.optional(integer(30, 86_400), '300'),
  PRIVATEMAPKEY_MAX_EXPIRE: v.optional(integer(30, 86_400), '3600'),
  COS_DEFAULT_EXPIRE: v.optional(integer(1, 86_400), '600'),
  COS_MAX_EXPIRE: v.optional(integer(1, 86_400), '3600'),
  COS_KEY_PREFIX: v.optional(
    v.pipe(
      v.string(),
      v.check((s) => s.includes('{userId}'), 'must contain {userId}'),
      v.check((s) => s.endsWith('/') && !s.startsWith('/'), 'must end with / and not start with /'),
    ),
    'users/{userId}/',
  ),
  ...COS_ENV_ENTRIES,
  ROOM_ROLES: v.optional(v.string()),
  ROOM_DEFAULT_ROLE: v.optional(text('must not be empty'), 'audience'),
  LOG_LEVEL: v.optional(
    v.picklist(['debug', 'info', 'warn', 'error'], 'must be debug, info, warn or error'),
    'info',
  ),
});

/** The named TRTC permission bits (privilegeMap). */
export const ROOM_PRIVILEGES = Object.freeze({
  createRoom: 0x01,
  enterRoom: 0x02,
  sendAudio: 0x04,
  receiveAudio: 0x08,
  sendVideo: 0x10,
  receiveVideo: 0x20,
  sendSubStream: 0x40,
  receiveSubStream: 0x80,
});
export type RoomPrivilege = keyof typeof ROOM_PRIVILEGES;
const PRIVILEGE_NAMES = Object.keys(ROOM_PRIVILEGES) as RoomPrivilege[];

/** Anchors may do everything (0xff); the audience may join and receive only (0xab). */
const DEFAULT_ROOM_ROLES: Record<string, RoomPrivilege[]> = {
  anchor: [...PRIVILEGE_NAMES],
  audience: ['createRoom', 'enterRoom', 'receiveAudio', 'receiveVideo', 'receiveSubStream'],
};

const RoomRolesSchema = v.record(
  v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,32}$/)),
  v.array(v.picklist(PRIVILEGE_NAMES)),
);

export interface SessionConfig {
  /** Where the app's identity provider publishes its signing keys; absent when `hs256Secret` is used. */
  readonly jwksUrl?: string;
  readonly hs256Secret?: string;
  readonly issuer: string;
  readonly audience: string;
  readonly algorithms: readonly string[];
  readonly userClaim: string;
  readonly roleClaim: string;
  readonly clockToleranceSeconds: number;
  readonly jwksCacheSeconds: number;
}

export interface ExpiryPolicy {
  readonly defaultSeconds: number;
  readonly maxSeconds: number;
}

export interface Config {
  readonly stage: string;
  /** True for the `local` stage, the only one allowed to use the committed development defaults. */
  readonly isLocal: boolean;
  readonly secrets: {
    readonly source: 'aws' | 'file';
    readonly trtc: { readonly secretId?: string; readonly file: string };
    readonly cos: { readonly secretId?: string; readonly file: string };
    readonly ttlSeconds: number;
    readonly fetchRotationDate: boolean;
    readonly timeoutMs: number;
    readonly retryAttempts: number;
    readonly retryAfterSeconds: number;
  };
  readonly session: SessionConfig;
  readonly corsAllowedOrigins: readonly string[];
  readonly maxBodyBytes: number;
  readonly expiry: {
    readonly userSig: ExpiryPolicy;
    readonly privateMapKey: ExpiryPolicy;
    readonly cos: ExpiryPolicy;
  };
  /** COS signatures and STS credentials: see lib/cos/cosSettings.ts. */
  readonly cos: CosSettings;
  readonly rooms: {
    readonly roles: Readonly<Record<string, readonly RoomPrivilege[]>>;
    readonly defaultRole: string;
  };
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** A configuration that cannot be used. The message lists every bad variable, never a value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';
}

function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string[] {
  return issues.map((issue) => {
    const name = issue.path?.map((p) => String(p.key)).join('.') ?? 'environment';
    // valibot's default messages quote the received value; only our own expectation texts are kept.
    const expectation = issue.message.startsWith('Invalid') ? 'has an invalid value' : issue.message;
    return `${name} ${expectation}`;
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Parses the environment into the service configuration. Throws ConfigError naming every problem.
 *
 * @example
 * ```ts
 * const config = loadConfig(process.env); // at cold start, once
 * ```
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  // Unset and empty variables both mean "use the default".
  const present = Object.fromEntries(
    Object.entries(env).filter(
      ([name, value]) => name in EnvSchema.entries && value !== undefined && value !== '',
    ),
  );
  const parsed = v.safeParse(EnvSchema, present);
  if (!parsed.success)
    throw new ConfigError(`invalid configuration: ${describeIssues(parsed.issues).join('; ')}`);
  const e = parsed.output;
  const problems: string[] = [];
  const isLocal = e.STAGE === LOCAL_STAGE;

  const secretsSource = e.SECRETS_SOURCE ?? (isLocal ? 'file' : 'aws');
  const usesDevSecret = e.SESSION_JWKS_URL === undefined && e.SESSION_HS256_SECRET === undefined;
  const hs256Secret = e.SESSION_HS256_SECRET ?? (usesDevSecret ? DEV_DEFAULTS.sessionHs256Secret : undefined);
  if (e.SESSION_JWKS_URL !== undefined && e.SESSION_HS256_SECRET !== undefined) {
    problems.push('set only one of SESSION_JWKS_URL and SESSION_HS256_SECRET');
  }
  if (!isLocal) {
    // A deployed stage must never run on the committed fake keys.
    if (secretsSource === 'file')
      problems.push(`SECRETS_SOURCE=file is only allowed on the ${LOCAL_STAGE} stage`);
    if (hs256Secret === DEV_DEFAULTS.sessionHs256Secret) {
      problems.push(`SESSION_JWKS_URL or SESSION_HS256_SECRET must be set outside the ${LOCAL_STAGE} stage`);
    }
    if (e.SESSION_ISSUER === undefined) problems.push('SESSION_ISSUER must be set outside the local stage');
    if (e.SESSION_AUDIENCE === undefined)
      problems.push('SESSION_AUDIENCE must be set outside the local stage');
  }

  const algorithms = e.SESSION_ALGORITHMS ?? (hs256Secret === undefined ? ['RS256', 'ES256'] : ['HS256']);
  const symmetric = algorithms.filter((alg) => alg.startsWith('HS'));
  const allowed = new Set([
    'RS256',
    'RS384',
    'RS512',
    'PS256',
    'PS384',
    'PS512',
    'ES256',
    'ES384',
    'ES512',
    'EdDSA',
    'HS256',
    'HS384',
    'HS512',
  ]);
  if (algorithms.length === 0 || algorithms.some((alg) => !allowed.has(alg))) {
    problems.push('SESSION_ALGORITHMS must list JWS algorithms such as RS256,ES256 (never none)');
  }
  // Mixing key kinds is how algorithm-confusion attacks start: a JWKS means asymmetric only.
  if (hs256Secret === undefined && symmetric.length > 0)
    problems.push('SESSION_ALGORITHMS with a JWKS must not include HS*');
  if (hs256Secret !== undefined && symmetric.length !== algorithms.length) {
    problems.push('SESSION_ALGORITHMS with an HS256 secret must be HS* only');
  }

  let roles: Record<string, RoomPrivilege[]> = DEFAULT_ROOM_ROLES;
  if (e.ROOM_ROLES !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(e.ROOM_ROLES);
    } catch {
      json = undefined;
    }
    const parsedRoles = v.safeParse(RoomRolesSchema, json);
    if (parsedRoles.success) roles = parsedRoles.output;
    else problems.push('ROOM_ROLES must be a JSON object of role name -> array of privilege names');
  }
  if (!(e.ROOM_DEFAULT_ROLE in roles)) problems.push('ROOM_DEFAULT_ROLE must name a role of ROOM_ROLES');

  for (const [kind, def, max] of [
    ['USERSIG', e.USERSIG_DEFAULT_EXPIRE, e.USERSIG_MAX_EXPIRE],
    ['PRIVATEMAPKEY', e.PRIVATEMAPKEY_DEFAULT_EXPIRE, e.PRIVATEMAPKEY_MAX_EXPIRE],
    ['COS', e.COS_DEFAULT_EXPIRE, e.COS_MAX_EXPIRE],
  ] as const) {
    if (def > max) problems.push(`${kind}_DEFAULT_EXPIRE must not exceed ${kind}_MAX_EXPIRE`);
  }
  const cos = cosSettingsOf(
    e,
    { isLocal, keyPrefix: e.COS_KEY_PREFIX, maxSignatureSeconds: e.COS_MAX_EXPIRE },
    problems,
  );
  if (problems.length > 0) throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);

  return deepFreeze({
    stage: e.STAGE,
    isLocal,
    secrets: {
      source: secretsSource,
      trtc: { ...(e.TRTC_SECRET_ID ? { secretId: e.TRTC_SECRET_ID } : {}), file: e.TRTC_SECRET_FILE },
      cos: { ...(e.COS_SECRET_ID ? { secretId: e.COS_SECRET_ID } : {}), file: e.COS_SECRET_FILE },
      ttlSeconds: e.SECRETS_TTL_SECONDS,
      fetchRotationDate: e.SECRETS_FETCH_ROTATION_DATE,
      timeoutMs: e.SECRETS_TIMEOUT_MS,
      retryAttempts: e.SECRETS_RETRY_ATTEMPTS,
      retryAfterSeconds: e.SECRETS_RETRY_AFTER_SECONDS,
    },
    session: {
      ...(e.SESSION_JWKS_URL ? { jwksUrl: e.SESSION_JWKS_URL } : {}),
      ...(hs256Secret ? { hs256Secret } : {}),
      issuer: e.SESSION_ISSUER ?? DEV_DEFAULTS.sessionIssuer,
      audience: e.SESSION_AUDIENCE ?? DEV_DEFAULTS.sessionAudience,
      algorithms,
      userClaim: e.SESSION_USER_CLAIM,
      roleClaim: e.SESSION_ROLE_CLAIM,
      clockToleranceSeconds: e.SESSION_CLOCK_TOLERANCE_SECONDS,
      jwksCacheSeconds: e.SESSION_JWKS_CACHE_SECONDS,
    },
    corsAllowedOrigins: e.CORS_ALLOWED_ORIGINS,
    maxBodyBytes: e.MAX_BODY_BYTES,
    expiry: {
      userSig: { defaultSeconds: e.USERSIG_DEFAULT_EXPIRE, maxSeconds: e.USERSIG_MAX_EXPIRE },
      privateMapKey: {
        defaultSeconds: e.PRIVATEMAPKEY_DEFAULT_EXPIRE,
        maxSeconds: e.PRIVATEMAPKEY_MAX_EXPIRE,
      },
      cos: { defaultSeconds: e.COS_DEFAULT_EXPIRE, maxSeconds: e.COS_MAX_EXPIRE },
    },
    cos,
    rooms: { roles, defaultRole: e.ROOM_DEFAULT_ROLE },
    logLevel: e.LOG_LEVEL,
  });
}
