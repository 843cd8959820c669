import * as v from 'valibot';
import { bool, httpsOrLoopbackUrl, integer, list, text } from './configValues';
import { COS_ENV_ENTRIES, type CosSettings, cosSettingsOf } from './cos/cosSettings';
import { IM_REST_ENDPOINTS } from './im/accountCheck';
import type { RoomPolicyKind } from './policy/createRoomPolicy';
import { ROOM_PRIVILEGE_NAMES, type RoomPrivilege } from './policy/roomPrivileges';
import { parseRoomRules, type RoomRule } from './policy/roomRules';
import { minimumCosKeyGraceSeconds } from './rotation/cosKeyGrace';

// The only reader of process.env. Parsed once, at cold start, with a schema: a bad setting stops the
// function before it serves anything, with a message that names every bad variable (never its value,
// which may be a secret). The result is frozen. The same schema checks the whole configuration at
// package and deploy time (deploy/serverlessFragments.ts), so a deployment cannot carry a setting that
// would make a function fail at cold start.

/** Committed development defaults: fake, public, and refused by every deployed stage. */
export const DEV_DEFAULTS = Object.freeze({
  sessionHs256Secret: 'dev-only-session-secret-NOT-FOR-PRODUCTION-0000',
  sessionIssuer: 'tencent-token-issuer-dev',
  sessionAudience: 'tencent-token-issuer-local',
  trtcSecretFile: 'dev/secrets/trtc.json',
  cosSecretFile: 'dev/secrets/cos.json',
});

export const LOCAL_STAGE = 'local';

/** The secrets of the service: one per concern, so each function's IAM role names only its own. */
export type SecretConcern = 'trtc' | 'cos' | 'session' | 'cosRotator';

/**
 * The Secrets Manager name of a concern's secret when its `*_SECRET_ID` is not set. The deployment
 * derives both the function's environment and its IAM resource from the same name (one source).
 *
 * @example
 * ```ts
 * defaultSecretId('prod', 'trtc'); // 'tencent-token-issuer/prod/trtc'
 * ```
 */
export function defaultSecretId(stage: string, concern: SecretConcern): string {
  // cosRotator -> cos-rotator
  return `tencent-token-issuer/${stage}/${concern.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

const secretId = text('must not be empty');
/** A Tencent Cloud API 3.0 endpoint: https on a host named after the service, or loopback http (tests). */
const tencentApiUrl = (service: string) =>
  v.pipe(
    v.string(),
    v.check(
      (s) =>
        new RegExp(`^https://${service}\\.[a-z0-9.-]+/?$`).test(s) ||
        /^http:\/\/127\.0\.0\.1:\d+\/?$/.test(s),
      `must be https://${service}.<domain> (http only on 127.0.0.1)`,
    ),
  );
/** EventBridge / Secrets Manager schedule expressions. */
const schedule = v.pipe(
  v.string(),
  v.regex(
    /^(rate\(\d{1,4} (hour|hours|day|days)\)|cron\([^()]+\))$/,
    'must be rate(N hours|days) or cron(...)',
  ),
);
const claimName = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_:./-]{1,64}$/, 'must be a claim name'));
/** Claims copied into an object by name: never one that names an Object.prototype member. */
const isCopyableClaim = (name: string) =>
  /^[A-Za-z0-9_:./-]{1,64}$/.test(name) && !['__proto__', 'constructor', 'prototype'].includes(name);

/**
 * Every setting, grouped by who reads it. Each function declares the groups it reads
 * (deploy/functions.ts) and receives only those variables; `session` is read by the authorizer alone,
 * except on the local stage, where every function verifies the session token itself.
 */
const SETTINGS = {
  core: {
    STAGE: v.optional(
      v.pipe(v.string(), v.regex(/^[a-z0-9-]{1,32}$/, 'must be a lower-case stage name')),
      LOCAL_STAGE,
    ),
    LOG_LEVEL: v.optional(
      v.picklist(['debug', 'info', 'warn', 'error'], 'must be debug, info, warn or error'),
      'info',
    ),
  },
  secrets: {
    SECRETS_SOURCE: v.optional(v.picklist(['aws', 'file'], 'must be aws or file')),
    SECRETS_TTL_SECONDS: v.optional(integer(1, 86_400), '300'),
    SECRETS_FETCH_ROTATION_DATE: v.optional(bool, 'true'),
    SECRETS_TIMEOUT_MS: v.optional(integer(50, 30_000), '1000'),
    SECRETS_RETRY_ATTEMPTS: v.optional(integer(1, 10), '3'),
    SECRETS_RETRY_AFTER_SECONDS: v.optional(integer(1, 3600), '2'),
  },
  'secret:trtc': {
    TRTC_SECRET_ID: v.optional(secretId),
    TRTC_SECRET_FILE: v.optional(text('must not be empty'), DEV_DEFAULTS.trtcSecretFile),
    // The ticket version decides what the TRTC secret must hold (v1: privateKeyPem).
    TRTC_TICKET_VERSION: v.optional(v.picklist(['1', '2'], 'must be 1 or 2'), '2'),
  },
  'secret:cos': {
    COS_SECRET_ID: v.optional(secretId),
    COS_SECRET_FILE: v.optional(text('must not be empty'), DEV_DEFAULTS.cosSecretFile),
  },
  'secret:session': {
    SESSION_SECRET_ID: v.optional(secretId),
  },
  'secret:cosRotator': {
    COS_ROTATOR_SECRET_ID: v.optional(secretId),
  },
  /** The rotation jobs (README, "Rotation"). */
  tencentApi: {
    TENCENT_API_TIMEOUT_MS: v.optional(integer(100, 30_000), '5000'),
  },
  'rotation:cos': {
    CAM_ENDPOINT: v.optional(tencentApiUrl('cam'), 'https://cam.tencentcloudapi.com'),
    STS_ENDPOINT: v.optional(tencentApiUrl('sts'), 'https://sts.tencentcloudapi.com'),
    COS_KEY_TEST_ATTEMPTS: v.optional(integer(1, 20), '6'),
    COS_KEY_TEST_DELAY_MS: v.optional(integer(0, 60_000), '1000'),
    COS_STS_MAX_DURATION: v.optional(integer(1, 129_600)),
    COS_KEY_GRACE_SECONDS: v.optional(integer(0, 2_592_000)),
  },
  'rotation:trtc': {
    IM_REST_ENDPOINT: v.optional(
      v.pipe(
        v.string(),
        v.check(
          (s) =>
            Object.hasOwn(IM_REST_ENDPOINTS, s) ||
            /^(https:\/\/[a-z0-9.-]+|http:\/\/127\.0\.0\.1:\d+)\/?$/.test(s),
          `must be one of ${Object.keys(IM_REST_ENDPOINTS).join(', ')} or an https origin`,
        ),
      ),
      'china',
    ),
    TRTC_ADMIN_USER_ID: v.optional(
      v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 of A-Z a-z 0-9 _ -')),
      'administrator',
    ),
  },
  http: {
    CORS_ALLOWED_ORIGINS: v.optional(list, ''),
    MAX_BODY_BYTES: v.optional(integer(64, 65_536), '4096'),
  },
  usersig: {
    USERSIG_DEFAULT_EXPIRE: v.optional(integer(60, 15_552_000), '7200'),
    USERSIG_MAX_EXPIRE: v.optional(integer(60, 15_552_000), '86400'),
  },
  rooms: {
    PRIVATEMAPKEY_DEFAULT_EXPIRE: v.optional(integer(30, 86_400), '300'),
    PRIVATEMAPKEY_MAX_EXPIRE: v.optional(integer(30, 86_400), '3600'),
    ROOM_ROLES: v.optional(v.string()),
    ROOM_DEFAULT_ROLE: v.optional(text('must not be empty'), 'audience'),
    ROOM_RULES: v.optional(v.string(), '[]'),
    ROOM_HOOK_TIMEOUT_MS: v.optional(integer(50, 10_000), '1000'),
    ROOM_HOOK_CACHE_SECONDS: v.optional(integer(0, 300), '10'),
    ROOM_HOOK_RETRY_AFTER_SECONDS: v.optional(integer(1, 3600), '2'),
  },
  /** The room policy's kinds and the claims they read: the authorizer passes those claims on. */
  roomPolicy: {
    ROOM_POLICY: v.optional(list, 'claims'),
    ROOM_CLAIM: v.optional(
      v.pipe(v.string(), v.check(isCopyableClaim, 'must be a claim name')),
      'trtc_rooms',
    ),
    ROOM_HOOK_FUNCTION: v.optional(
      v.pipe(
        v.string(),
        v.regex(
          /^([A-Za-z0-9_-]{1,64}|arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64})$/,
          'must be a Lambda function name or ARN',
        ),
      ),
    ),
    ROOM_HOOK_CLAIMS: v.optional(
      v.pipe(
        list,
        v.check((names) => names.every(isCopyableClaim), 'must list claim names'),
      ),
      '',
    ),
  },
  cos: {
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
    // Signatures and STS credentials: lib/cos/cosSettings.ts.
    ...COS_ENV_ENTRIES,
  },
  session: {
    SESSION_JWKS_URL: v.optional(httpsOrLoopbackUrl),
    SESSION_HS256_SECRET: v.optional(v.pipe(v.string(), v.minLength(32, 'must be at least 32 characters'))),
    SESSION_ISSUER: v.optional(text('must not be empty')),
    SESSION_AUDIENCE: v.optional(text('must not be empty')),
    SESSION_AUDIENCE_CLAIM: v.optional(v.picklist(['aud', 'client_id'], 'must be aud or client_id'), 'aud'),
    SESSION_ALGORITHMS: v.optional(list),
    SESSION_USER_CLAIM: v.optional(claimName, 'sub'),
    SESSION_USER_ID_MAPPING: v.optional(
      v.picklist(['exact', 'uuid', 'digest'], 'must be exact, uuid or digest'),
      'exact',
    ),
    SESSION_ROLE_CLAIM: v.optional(claimName, 'trtc_role'),
    SESSION_CLOCK_TOLERANCE_SECONDS: v.optional(integer(0, 300), '30'),
    SESSION_JWKS_CACHE_SECONDS: v.optional(integer(30, 86_400), '600'),
  },
  /** Read when packaging, deploying or starting locally (deploy/serverlessFragments.ts), never by a function. */
  deploy: {
    HTTP_PORT: v.optional(integer(1, 65_535), '3000'),
    LAMBDA_PORT: v.optional(integer(1, 65_535), '3002'),
    API_THROTTLE_RATE_LIMIT: v.optional(integer(1, 100_000), '50'),
    API_THROTTLE_BURST_LIMIT: v.optional(integer(1, 100_000), '100'),
    AUTHORIZER_CACHE_SECONDS: v.optional(integer(0, 3600), '300'),
    COS_ROTATION_SCHEDULE: v.optional(schedule, 'rate(30 days)'),
    TRTC_ROTATION_SCHEDULE: v.optional(schedule, 'rate(365 days)'),
    ROTATION_WINDOW: v.optional(
      v.pipe(v.string(), v.regex(/^\d{1,2}h$/, 'must be a number of hours such as 2h')),
      '2h',
    ),
    JOBS_SCHEDULE: v.optional(schedule, 'rate(1 hour)'),
    /** false: the hourly jobs' rules are created disabled (the e2e stack invokes the jobs itself). */
    JOBS_ENABLED: v.optional(bool, 'true'),
    RESERVED_CONCURRENCY: v.optional(
      v.pipe(
        list,
        v.check(
          (items) => items.every((item) => /^[A-Za-z][A-Za-z0-9]*=\d{1,5}$/.test(item)),
          'must be a comma-separated list of function=count',
        ),
        v.transform((items) =>
          Object.fromEntries(items.map((item) => item.split('=')).map(([k, n]) => [k, Number(n)])),
        ),
      ),
      '',
    ),
  },
} as const;

/** A group of settings, read together by the functions that need them. */
export type SettingGroup = keyof typeof SETTINGS;

/**
 * The variable names of each setting group: what a function that reads the group is given.
 *
 * @example
 * ```ts
 * SETTING_GROUPS.usersig; // ['USERSIG_DEFAULT_EXPIRE', 'USERSIG_MAX_EXPIRE']
 * ```
 */
export const SETTING_GROUPS = Object.freeze(
  Object.fromEntries(
    Object.entries(SETTINGS).map(([group, entries]) => [group, Object.freeze(Object.keys(entries))]),
  ) as { readonly [G in SettingGroup]: readonly (keyof (typeof SETTINGS)[G] & string)[] },
);

/**
 * Settings whose values are secrets: they may only come from the environment on the local stage, and
 * never end up in a template or a function's configuration (deployed stages read them from Secrets
 * Manager).
 */
export const SECRET_SETTINGS: readonly string[] = Object.freeze(['SESSION_HS256_SECRET']);

/** What the functions read: every group but `deploy`. */
const RUNTIME_GROUPS = (Object.keys(SETTINGS) as SettingGroup[]).filter((group) => group !== 'deploy');

const ENTRIES = Object.assign({}, ...Object.values(SETTINGS)) as {
  [K in keyof UnionToIntersection<(typeof SETTINGS)[SettingGroup]>]: UnionToIntersection<
    (typeof SETTINGS)[SettingGroup]
  >[K];
};
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;
type Entries = typeof ENTRIES;
type Env = { [K in keyof Entries]: v.InferOutput<Entries[K]> };

const PRIVILEGE_NAMES = [...ROOM_PRIVILEGE_NAMES];
const ROOM_POLICY_KINDS: readonly RoomPolicyKind[] = ['claims', 'rules', 'hook'];

/** Anchors may do everything (0xff); the audience may join and receive only (0xab). */
const DEFAULT_ROOM_ROLES: Record<string, RoomPrivilege[]> = {
  anchor: [...PRIVILEGE_NAMES],
  audience: ['createRoom', 'enterRoom', 'receiveAudio', 'receiveVideo', 'receiveSubStream'],
};

const RoomRolesSchema = v.record(
  v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,32}$/)),
  v.array(v.picklist(PRIVILEGE_NAMES)),
);

/** How a session's subject becomes a Tencent user id (see lib/session/mapUserId.ts). */
export type UserIdMapping = 'exact' | 'uuid' | 'digest';

/**
 * How session tokens are verified. Exactly one key source is set: `jwksUrl` (the identity provider's
 * keys), `hs256SecretId` (an HS256 secret in Secrets Manager, deployed stages) or `hs256Secret` (the
 * secret itself, local stage only).
 */
export interface SessionConfig {
  readonly jwksUrl?: string;
  readonly hs256SecretId?: string;
  readonly hs256Secret?: string;
  readonly issuer: string;
  readonly audience: string;
  /** The claim the audience is checked against: `aud`, or `client_id` (Cognito access tokens). */
  readonly audienceClaim: 'aud' | 'client_id';
  readonly algorithms: readonly string[];
  readonly userClaim: string;
  readonly userIdMapping: UserIdMapping;
  readonly roleClaim: string;
  readonly clockToleranceSeconds: number;
  readonly jwksCacheSeconds: number;
  /** Claims the authorizer passes on to the functions (the room policy's), when the token has them. */
  readonly contextClaims?: readonly string[];
}

export interface ExpiryPolicy {
  readonly defaultSeconds: number;
  readonly maxSeconds: number;
}

export interface SecretLocation {
  /** The Secrets Manager name or ARN (`SECRETS_SOURCE=aws`). */
  readonly secretId?: string;
  /** The local JSON file (`SECRETS_SOURCE=file`). */
  readonly file?: string;
}

export interface Config {
  readonly stage: string;
  /** True for the `local` stage, the only one allowed to use the committed development defaults. */
  readonly isLocal: boolean;
  readonly secrets: {
    readonly source: 'aws' | 'file';
    readonly trtc: SecretLocation;
    readonly cos: SecretLocation;
    readonly session: SecretLocation;
    readonly cosRotator: SecretLocation;
    readonly ttlSeconds: number;
    readonly fetchRotationDate: boolean;
    readonly timeoutMs: number;
    readonly retryAttempts: number;
    readonly retryAfterSeconds: number;
  };
  /**
   * How session tokens are verified. Absent on a deployed stage whose environment carries no session
   * settings: only the authorizer reads them there (see {@link requireSessionConfig}).
   */
  readonly session?: SessionConfig;
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
    /** The room policy's kinds; a room none of them grants is refused. */
    readonly policy: readonly RoomPolicyKind[];
    /** The session claim of the `claims` kind. */
    readonly claim: string;
    readonly rules: readonly RoomRule[];
    /** Present when the policy includes `hook`. */
    readonly hook?: {
      readonly functionName: string;
      readonly timeoutMs: number;
      readonly cacheSeconds: number;
      readonly retryAfterSeconds: number;
      readonly claims: readonly string[];
    };
  };
  /** TLS sig version of the tickets issued: 1 (ECDSA, needs privateKeyPem in the secret) or 2 (HMAC). */
  readonly ticketVersion: 1 | 2;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly rotation: RotationConfig;
}

/** Settings of the rotation jobs (README, "Rotation"). */
export interface RotationConfig {
  /** `url` to connect to; `host`, the public host name the request is addressed and signed for. */
  readonly cam: { readonly url: string; readonly host: string };
  readonly sts: { readonly url: string; readonly host: string };
  readonly tencentApiTimeoutMs: number;
  /** testSecret: attempts and the first backoff delay (doubling, at most 8x). */
  readonly keyTest: { readonly attempts: number; readonly baseDelayMs: number };
  /** How long the previous COS key stays active after a rotation. */
  readonly cosKeyGraceSeconds: number;
  /** IM REST API origin for account_check. */
  readonly imRestEndpoint: string;
  readonly trtcAdminUserId: string;
}

/** A configuration that cannot be used. The message lists every bad variable, never a value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';
  /** One sentence per problem, each naming its variable. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.problems = problems;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Parses every variable on its own, so that one bad variable does not hide the next: the result holds
 * the valid values (defaults where unset or invalid) and one sentence per invalid variable.
 */
function parseEach(
  env: Readonly<Record<string, string | undefined>>,
  groups: readonly SettingGroup[] = RUNTIME_GROUPS,
): { e: Env; problems: string[]; present: Set<string> } {
  const problems: string[] = [];
  const present = new Set<string>();
  const out: Record<string, unknown> = {};
  const checked = new Set<string>(groups.flatMap((group) => SETTING_GROUPS[group]));
  for (const [name, schema] of Object.entries(ENTRIES) as [string, v.GenericSchema][]) {
    if (!checked.has(name)) {
      out[name] = v.safeParse(schema, undefined).output;
      continue;
    }
    const raw = env[name];
    // Unset and empty variables both mean "use the default".
    const value = raw === undefined || raw === '' ? undefined : raw;
    if (value !== undefined) present.add(name);
    const parsed = v.safeParse(schema, value);
    if (parsed.success) {
      out[name] = parsed.output;
      continue;
    }
    // valibot's default messages quote the received value; only our own expectation texts are kept.
    const message = parsed.issues[0]?.message ?? 'Invalid';
    problems.push(`${name} ${message.startsWith('Invalid') ? 'has an invalid value' : message}`);
    out[name] = v.safeParse(schema, undefined).output;
  }
  return { e: out as Env, problems, present };
}

const JWS_ALGORITHMS = new Set([
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

function sessionConfigOf(
  e: Env,
  present: ReadonlySet<string>,
  isLocal: boolean,
  problems: string[],
  required: boolean,
): SessionConfig | undefined {
  const sources = [e.SESSION_JWKS_URL, e.SESSION_HS256_SECRET, e.SESSION_SECRET_ID].filter(
    (source) => source !== undefined,
  );
  if (sources.length > 1) {
    problems.push('set only one of SESSION_JWKS_URL, SESSION_SECRET_ID and SESSION_HS256_SECRET');
  }
  if (!isLocal && e.SESSION_HS256_SECRET !== undefined) {
    problems.push(
      `SESSION_HS256_SECRET is only allowed on the ${LOCAL_STAGE} stage: store the secret in Secrets Manager and set SESSION_SECRET_ID`,
    );
  }
  if (e.SESSION_HS256_SECRET === DEV_DEFAULTS.sessionHs256Secret && !isLocal) {
    problems.push('the development session secret is refused outside the local stage');
  }
  type KeySource = Pick<SessionConfig, 'jwksUrl' | 'hs256SecretId' | 'hs256Secret'>;
  const keySource: KeySource | undefined =
    e.SESSION_JWKS_URL !== undefined
      ? { jwksUrl: e.SESSION_JWKS_URL }
      : e.SESSION_SECRET_ID !== undefined
        ? { hs256SecretId: e.SESSION_SECRET_ID }
        : e.SESSION_HS256_SECRET !== undefined
          ? { hs256Secret: e.SESSION_HS256_SECRET }
          : isLocal
            ? { hs256Secret: DEV_DEFAULTS.sessionHs256Secret }
            : undefined;
  if (!isLocal) {
    const anySessionSetting = SETTING_GROUPS.session.some((name) => present.has(name));
    // No session settings at all: this function does not verify sessions (only the authorizer does).
    if (keySource === undefined && !anySessionSetting && !required) return undefined;
    if (keySource === undefined) {
      problems.push(`SESSION_JWKS_URL or SESSION_SECRET_ID must be set outside the ${LOCAL_STAGE} stage`);
    }
    if (e.SESSION_ISSUER === undefined) problems.push('SESSION_ISSUER must be set outside the local stage');
    if (e.SESSION_AUDIENCE === undefined)
      problems.push('SESSION_AUDIENCE must be set outside the local stage');
  }

  const symmetricKey = keySource?.jwksUrl === undefined;
  const algorithms = e.SESSION_ALGORITHMS ?? (symmetricKey ? ['HS256'] : ['RS256', 'ES256']);
  const symmetric = algorithms.filter((alg) => alg.startsWith('HS'));
  if (algorithms.length === 0 || algorithms.some((alg) => !JWS_ALGORITHMS.has(alg))) {
    problems.push('SESSION_ALGORITHMS must list JWS algorithms such as RS256,ES256 (never none)');
  }
  // Mixing key kinds is how algorithm-confusion attacks start: a JWKS means asymmetric only.
  if (!symmetricKey && symmetric.length > 0)
    problems.push('SESSION_ALGORITHMS with a JWKS must not include HS*');
  if (symmetricKey && symmetric.length !== algorithms.length) {
    problems.push('SESSION_ALGORITHMS with an HS256 secret must be HS* only');
  }
  if (keySource === undefined) return undefined;
  return {
    ...keySource,
    issuer: e.SESSION_ISSUER ?? DEV_DEFAULTS.sessionIssuer,
    audience: e.SESSION_AUDIENCE ?? DEV_DEFAULTS.sessionAudience,
    audienceClaim: e.SESSION_AUDIENCE_CLAIM,
    algorithms,
    userClaim: e.SESSION_USER_CLAIM,
    userIdMapping: e.SESSION_USER_ID_MAPPING,
    roleClaim: e.SESSION_ROLE_CLAIM,
    clockToleranceSeconds: e.SESSION_CLOCK_TOLERANCE_SECONDS,
    jwksCacheSeconds: e.SESSION_JWKS_CACHE_SECONDS,
    contextClaims: [
      ...new Set([
        ...(e.ROOM_POLICY.includes('claims') ? [e.ROOM_CLAIM] : []),
        ...(e.ROOM_POLICY.includes('hook') ? e.ROOM_HOOK_CLAIMS : []),
      ]),
    ],
  };
}

/**
 * Parses the environment into the service configuration. Throws ConfigError naming every problem.
 * On a deployed stage, `session` is present only when session settings are given (the authorizer's
 * environment); {@link requireSessionConfig} insists on it, and so does `requireSession` (the check of a
 * whole deployment, where the authorizer's settings must be among the rest).
 *
 * @example
 * ```ts
 * const config = loadConfig(process.env); // at cold start, once
 * ```
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  options: { readonly requireSession?: boolean } = {},
): Config {
  const { e, problems, present } = parseEach(env);
  const isLocal = e.STAGE === LOCAL_STAGE;
  const secretsSource = e.SECRETS_SOURCE ?? (isLocal ? 'file' : 'aws');
  // A deployed stage must never run on the committed fake keys.
  if (!isLocal && secretsSource === 'file') {
    problems.push(`SECRETS_SOURCE=file is only allowed on the ${LOCAL_STAGE} stage`);
  }
  const session = sessionConfigOf(e, present, isLocal, problems, options.requireSession === true);

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
  if (!Object.hasOwn(roles, e.ROOM_DEFAULT_ROLE)) {
    problems.push('ROOM_DEFAULT_ROLE must name a role of ROOM_ROLES');
  }
  const policy = [...new Set(e.ROOM_POLICY)] as RoomPolicyKind[];
  if (policy.some((kind) => !ROOM_POLICY_KINDS.includes(kind))) {
    problems.push('ROOM_POLICY must list claims, rules, hook (comma-separated)');
  }
  let rulesJson: unknown;
  try {
    rulesJson = JSON.parse(e.ROOM_RULES);
  } catch {
    rulesJson = undefined;
  }
  const parsedRules = parseRoomRules(rulesJson, Object.keys(roles));
  const rules = 'rules' in parsedRules ? parsedRules.rules : [];
  if ('problems' in parsedRules)
    problems.push(...parsedRules.problems.map((problem) => `ROOM_RULES ${problem}`));
  const hook = policy.includes('hook');
  if (hook && e.ROOM_HOOK_FUNCTION === undefined) {
    problems.push('ROOM_HOOK_FUNCTION must be set when ROOM_POLICY includes hook');
  }

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
  const minimumGrace = minimumCosKeyGraceSeconds({
    secretsTtlSeconds: e.SECRETS_TTL_SECONDS,
    // The temporary keys the COS functions sign with or hand out (lib/cos) count toward the grace too.
    credentialLifetimesSeconds: [
      e.COS_MAX_EXPIRE,
      e.COS_STS_MAX_DURATION ?? 0,
      cos.sts ? Math.max(cos.sts.keySeconds, cos.credentialsExpiry.maxSeconds) : 0,
    ],
  });
  if (e.COS_KEY_GRACE_SECONDS !== undefined && e.COS_KEY_GRACE_SECONDS < minimumGrace) {
    problems.push(
      `COS_KEY_GRACE_SECONDS must be at least ${minimumGrace} (SECRETS_TTL_SECONDS + the longest COS credential lifetime + 300)`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const location = (id: string | undefined, concern: SecretConcern, file?: string): SecretLocation =>
    secretsSource === 'file'
      ? { ...(file === undefined ? {} : { file }) }
      : { secretId: id ?? defaultSecretId(e.STAGE, concern) };
  return deepFreeze({
    stage: e.STAGE,
    isLocal,
    secrets: {
      source: secretsSource,
      trtc: location(e.TRTC_SECRET_ID, 'trtc', e.TRTC_SECRET_FILE),
      cos: location(e.COS_SECRET_ID, 'cos', e.COS_SECRET_FILE),
      session: e.SESSION_SECRET_ID === undefined ? {} : { secretId: e.SESSION_SECRET_ID },
      cosRotator: location(e.COS_ROTATOR_SECRET_ID, 'cosRotator'),
      ttlSeconds: e.SECRETS_TTL_SECONDS,
      fetchRotationDate: e.SECRETS_FETCH_ROTATION_DATE,
      timeoutMs: e.SECRETS_TIMEOUT_MS,
      retryAttempts: e.SECRETS_RETRY_ATTEMPTS,
      retryAfterSeconds: e.SECRETS_RETRY_AFTER_SECONDS,
    },
    ...(session === undefined ? {} : { session }),
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
    rooms: {
      roles,
      defaultRole: e.ROOM_DEFAULT_ROLE,
      policy,
      claim: e.ROOM_CLAIM,
      rules,
      ...(hook && e.ROOM_HOOK_FUNCTION !== undefined
        ? {
            hook: {
              functionName: e.ROOM_HOOK_FUNCTION,
              timeoutMs: e.ROOM_HOOK_TIMEOUT_MS,
              cacheSeconds: e.ROOM_HOOK_CACHE_SECONDS,
              retryAfterSeconds: e.ROOM_HOOK_RETRY_AFTER_SECONDS,
              claims: e.ROOM_HOOK_CLAIMS,
            },
          }
        : {}),
    },
    ticketVersion: e.TRTC_TICKET_VERSION === '1' ? 1 : 2,
    logLevel: e.LOG_LEVEL,
    rotation: {
      cam: tencentApiEndpoint(e.CAM_ENDPOINT, 'cam.tencentcloudapi.com'),
      sts: tencentApiEndpoint(e.STS_ENDPOINT, 'sts.tencentcloudapi.com'),
      tencentApiTimeoutMs: e.TENCENT_API_TIMEOUT_MS,
      keyTest: { attempts: e.COS_KEY_TEST_ATTEMPTS, baseDelayMs: e.COS_KEY_TEST_DELAY_MS },
      cosKeyGraceSeconds: e.COS_KEY_GRACE_SECONDS ?? minimumGrace,
      imRestEndpoint: Object.hasOwn(IM_REST_ENDPOINTS, e.IM_REST_ENDPOINT)
        ? IM_REST_ENDPOINTS[e.IM_REST_ENDPOINT as keyof typeof IM_REST_ENDPOINTS]
        : e.IM_REST_ENDPOINT.replace(/\/$/, ''),
      trtcAdminUserId: e.TRTC_ADMIN_USER_ID,
    },
  });
}

/** A loopback URL keeps the service's public host name (the SDK signs for it); https names its own. */
function tencentApiEndpoint(url: string, publicHost: string): { url: string; host: string } {
  const parsed = new URL(url);
  return { url: parsed.origin, host: parsed.protocol === 'https:' ? parsed.host : publicHost };
}

/**
 * Settings of the deployment itself (ports of the local run, API throttling, the authorizer cache,
 * reserved concurrency), read when packaging or starting, never by a function.
 *
 * @example
 * ```ts
 * loadDeploySettings({ HTTP_PORT: '4000' }).httpPort; // 4000
 * ```
 */
export interface DeploySettings {
  readonly httpPort: number;
  readonly lambdaPort: number;
  readonly throttleRateLimit: number;
  readonly throttleBurstLimit: number;
  readonly authorizerCacheSeconds: number;
  /** Function name -> reserved concurrency; functions not named have none. */
  readonly reservedConcurrency: Readonly<Record<string, number>>;
  /** Rotation schedules (Secrets Manager) and the hourly jobs' schedule (EventBridge). */
  readonly rotation: {
    readonly cosSchedule: string;
    readonly trtcSchedule: string;
    readonly window: string;
    readonly jobsSchedule: string;
    readonly jobsEnabled: boolean;
  };
}

/**
 * Parses the deployment settings.
 *
 * @throws {ConfigError} naming every bad variable.
 *
 * @example
 * ```ts
 * const { httpPort, lambdaPort } = loadDeploySettings(process.env);
 * ```
 */
export function loadDeploySettings(env: Readonly<Record<string, string | undefined>>): DeploySettings {
  const { e, problems } = parseEach(env, ['deploy']);
  if (e.HTTP_PORT === e.LAMBDA_PORT) problems.push('HTTP_PORT and LAMBDA_PORT must differ');
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze({
    httpPort: e.HTTP_PORT,
    lambdaPort: e.LAMBDA_PORT,
    throttleRateLimit: e.API_THROTTLE_RATE_LIMIT,
    throttleBurstLimit: e.API_THROTTLE_BURST_LIMIT,
    authorizerCacheSeconds: e.AUTHORIZER_CACHE_SECONDS,
    reservedConcurrency: e.RESERVED_CONCURRENCY,
    rotation: {
      cosSchedule: e.COS_ROTATION_SCHEDULE,
      trtcSchedule: e.TRTC_ROTATION_SCHEDULE,
      window: e.ROTATION_WINDOW,
      jobsSchedule: e.JOBS_SCHEDULE,
      jobsEnabled: e.JOBS_ENABLED,
    },
  });
}

/**
 * The session configuration, which the authorizer (and, on the local stage, every function) needs.
 *
 * @throws {ConfigError} when the environment configures no session verification.
 *
 * @example
 * ```ts
 * const verifier = createSessionVerifier(requireSessionConfig(config));
 * ```
 */
export function requireSessionConfig(config: Pick<Config, 'session'>): SessionConfig {
  if (config.session === undefined) {
    throw new ConfigError([
      `SESSION_JWKS_URL or SESSION_SECRET_ID must be set outside the ${LOCAL_STAGE} stage`,
      'SESSION_ISSUER must be set outside the local stage',
      'SESSION_AUDIENCE must be set outside the local stage',
    ]);
  }
  return config.session;
}
