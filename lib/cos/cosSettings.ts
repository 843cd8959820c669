import * as v from 'valibot';
import type { ExpiryPolicy } from '../config';
import { bool, integer, list } from '../configValues';
// Straight from the policy files, not lib/policy/index.ts: that one reaches lib/config.ts, which imports this.
import type { CosSignRules } from '../policy/checkCosRequest';
import {
  COS_METHODS,
  COS_OPERATION_NAMES,
  COS_SUBRESOURCES,
  type CosOperation,
  camActionOf,
  DEFAULT_COS_SIGN_OPERATIONS,
} from '../policy/cosOperations';
import {
  type CosSignAllowlist,
  DEFAULT_COS_SIGN_ALLOWLIST,
  DEFAULT_UPLOAD_CONTENT_TYPES,
  SERVER_OWNED_HEADERS,
} from '../policy/cosSignAllowlist';

// The COS settings of lib/config.ts: the environment entries (spread into its schema, so lib/config.ts
// stays the only reader of process.env) and the cross-checks that need several of them.

/** STS's own limit for a sub-account's GetFederationToken; AssumeRole allows 43200. */
const STS_MAX_SECONDS = 129_600;
const ASSUME_ROLE_MAX_SECONDS = 43_200;
/** COS's own limit for one PUT (5 GiB). */
const COS_MAX_PUT_BYTES = 5 * 1024 ** 3;
/** A signing key must outlive the longest signature by this much when it is fetched. */
export const STS_KEY_MARGIN_SECONDS = 60;

/**
 * The COS entries of the environment schema.
 *
 * @example
 * ```ts
 * const EnvSchema = v.object({ ...otherEntries, ...COS_ENV_ENTRIES });
 * ```
 */
export const COS_ENV_ENTRIES = {
  COS_HOST: v.optional(
    v.pipe(
      v.string(),
      v.regex(
        /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/,
        'must be a lower-case host name without a port',
      ),
    ),
  ),
  COS_SIGN_OPERATIONS: v.optional(list, DEFAULT_COS_SIGN_OPERATIONS.join(',')),
  COS_SIGN_ALLOWLIST: v.optional(v.string()),
  COS_MAX_UPLOAD_BYTES: v.optional(integer(1, COS_MAX_PUT_BYTES), String(100 * 1024 * 1024)),
  COS_UPLOAD_CONTENT_TYPES: v.optional(list, DEFAULT_UPLOAD_CONTENT_TYPES.join(',')),
  COS_V4_ONCE_ENABLED: v.optional(bool, 'false'),
  COS_STS_ENABLED: v.optional(bool),
  COS_STS_ENDPOINT: v.optional(
    v.pipe(
      v.string(),
      v.url('must be a URL'),
      v.check(
        (s) =>
          /^https:\/\/[^/?#]+\/?$/.test(s) || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/?$/.test(s),
        'must be an https origin such as https://sts.tencentcloudapi.com (http only on loopback)',
      ),
    ),
    'https://sts.tencentcloudapi.com',
  ),
  COS_STS_ROLE_ARN: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^qcs::cam::uin\/\d+:role(Name)?\/[\w+=,.@/-]+$/, 'must be a CAM role ARN (qcs::cam::uin/...)'),
    ),
  ),
  COS_STS_TIMEOUT_MS: v.optional(integer(100, 30_000), '2000'),
  COS_STS_KEY_SECONDS: v.optional(integer(60, STS_MAX_SECONDS), '7200'),
  COS_STS_ACTIONS: v.optional(list),
  COS_CREDENTIALS_DEFAULT_EXPIRE: v.optional(integer(60, STS_MAX_SECONDS), '1800'),
  COS_CREDENTIALS_MAX_EXPIRE: v.optional(integer(60, STS_MAX_SECONDS), '7200'),
  // Replaced by COS_SIGN_OPERATIONS; still read so that an old setting fails instead of being ignored.
  COS_ALLOWED_METHODS: v.optional(v.string()),
};

type CosEnv = v.InferOutput<v.ObjectSchema<typeof COS_ENV_ENTRIES, undefined>>;

/**
 * Tencent STS settings: where to ask, how long to wait, and what the keys it issues may do.
 *
 * @example
 * ```ts
 * const sts: StsSettings = { endpoint: 'https://sts.tencentcloudapi.com', timeoutMs: 2000, keySeconds: 7200, actions };
 * ```
 */
export interface StsSettings {
  /** The STS origin, e.g. `https://sts.tencentcloudapi.com` (`sts.intl.tencentcloudapi.com` outside China). */
  readonly endpoint: string;
  /** AssumeRole with this role instead of GetFederationToken. */
  readonly roleArn?: string;
  readonly timeoutMs: number;
  /** Lifetime of the temporary keys the service signs with (cached per user). */
  readonly keySeconds: number;
  /** CAM actions of the keys handed out by `POST /v1/cos/credentials`. */
  readonly credentialActions: readonly string[];
  /** CAM actions of the keys the service signs with: those of the enabled sign operations. */
  readonly signingActions: readonly string[];
}

/**
 * The COS part of the service configuration.
 *
 * @example
 * ```ts
 * const cos: CosSettings = config.cos;
 * ```
 */
export interface CosSettings {
  /** Where a user's objects live, such as `users/{userId}/`. */
  readonly keyPrefix: string;
  /** The host to sign; absent means the bucket's domain `<bucket>.cos.<region>.myqcloud.com`. */
  readonly host?: string;
  readonly sign: CosSignRules;
  readonly v4OnceEnabled: boolean;
  /** Absent when STS is not used (the local stage by default): signatures use the bucket key. */
  readonly sts?: StsSettings;
  readonly credentialsExpiry: ExpiryPolicy;
}

const HEADER_ENTRY = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(-\*)?$/;
const QUERY_NAME = /^[A-Za-z0-9._~-]{1,64}$/;
const AllowlistSchema = v.record(
  v.picklist(COS_METHODS),
  v.strictObject({
    headers: v.array(v.pipe(v.string(), v.regex(HEADER_ENTRY))),
    query: v.array(v.pipe(v.string(), v.regex(QUERY_NAME))),
  }),
);
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;
const CAM_ACTION = /^name\/cos:[A-Za-z]+$/;

/**
 * Builds the COS settings from the parsed environment, adding a sentence to `problems` for every bad
 * or inconsistent variable (never quoting a value).
 *
 * @example
 * ```ts
 * const cos = cosSettingsOf(parsedEnv, { isLocal, keyPrefix, maxSignatureSeconds: 3600 }, problems);
 * ```
 */
export function cosSettingsOf(
  env: CosEnv,
  context: { readonly isLocal: boolean; readonly keyPrefix: string; readonly maxSignatureSeconds: number },
  problems: string[],
): CosSettings {
  if (env.COS_ALLOWED_METHODS !== undefined) {
    problems.push('COS_ALLOWED_METHODS was replaced by COS_SIGN_OPERATIONS (see README); unset it');
  }
  const unknownOperations = env.COS_SIGN_OPERATIONS.filter(
    (name) => !(COS_OPERATION_NAMES as string[]).includes(name),
  );
  if (unknownOperations.length > 0 || env.COS_SIGN_OPERATIONS.length === 0) {
    problems.push(`COS_SIGN_OPERATIONS must list operations from ${COS_OPERATION_NAMES.join(', ')}`);
  }
  const operations = env.COS_SIGN_OPERATIONS.filter((name): name is CosOperation =>
    (COS_OPERATION_NAMES as string[]).includes(name),
  );

  let allowlist: CosSignAllowlist = DEFAULT_COS_SIGN_ALLOWLIST;
  if (env.COS_SIGN_ALLOWLIST !== undefined) {
    const parsed = v.safeParse(AllowlistSchema, parseJson(env.COS_SIGN_ALLOWLIST));
    if (!parsed.success) {
      problems.push(
        'COS_SIGN_ALLOWLIST must be a JSON object of method -> { "headers": [names or prefix-*], "query": [names] }',
      );
    } else {
      const entries = Object.values(parsed.output);
      const serverOwned = entries.some((entry) =>
        entry.headers.some((name) => SERVER_OWNED_HEADERS.includes(name.toLowerCase())),
      );
      const subresource = entries.some((entry) =>
        entry.query.some((name) => COS_SUBRESOURCES.some((sub) => sub.toLowerCase() === name.toLowerCase())),
      );
      if (serverOwned) {
        problems.push('COS_SIGN_ALLOWLIST must not list Host, Authorization or x-cos-security-token');
      }
      if (subresource) {
        problems.push(
          'COS_SIGN_ALLOWLIST must not list uploads, uploadId or partNumber (COS_SIGN_OPERATIONS decides)',
        );
      }
      allowlist = parsed.output;
    }
  }

  const contentTypes = env.COS_UPLOAD_CONTENT_TYPES.map((type) => type.toLowerCase());
  if (contentTypes.some((type) => !MEDIA_TYPE.test(type))) {
    problems.push('COS_UPLOAD_CONTENT_TYPES must list media types such as image/png (no wildcards)');
  }

  const credentialsExpiry = {
    defaultSeconds: env.COS_CREDENTIALS_DEFAULT_EXPIRE,
    maxSeconds: env.COS_CREDENTIALS_MAX_EXPIRE,
  };
  if (credentialsExpiry.defaultSeconds > credentialsExpiry.maxSeconds) {
    problems.push('COS_CREDENTIALS_DEFAULT_EXPIRE must not exceed COS_CREDENTIALS_MAX_EXPIRE');
  }
  // The prefix goes into a CAM resource, where "*" and "?" would be wildcards widening it.
  if (!/^[A-Za-z0-9/_.{}-]+$/.test(context.keyPrefix)) {
    problems.push('COS_KEY_PREFIX must use only letters, digits and / _ . - besides {userId}');
  }

  let sts: StsSettings | undefined;
  if (env.COS_STS_ENABLED ?? !context.isLocal) {
    const credentialActions = env.COS_STS_ACTIONS ?? DEFAULT_COS_SIGN_OPERATIONS.map(camActionOf);
    if (credentialActions.length === 0 || credentialActions.some((action) => !CAM_ACTION.test(action))) {
      problems.push('COS_STS_ACTIONS must list CAM actions such as name/cos:GetObject (no wildcards)');
    }
    if (env.COS_STS_KEY_SECONDS < context.maxSignatureSeconds + STS_KEY_MARGIN_SECONDS) {
      problems.push(`COS_STS_KEY_SECONDS must be at least COS_MAX_EXPIRE + ${STS_KEY_MARGIN_SECONDS}`);
    }
    if (
      env.COS_STS_ROLE_ARN !== undefined &&
      Math.max(env.COS_STS_KEY_SECONDS, credentialsExpiry.maxSeconds) > ASSUME_ROLE_MAX_SECONDS
    ) {
      problems.push(
        `COS_STS_KEY_SECONDS and COS_CREDENTIALS_MAX_EXPIRE must be at most ${ASSUME_ROLE_MAX_SECONDS} with COS_STS_ROLE_ARN`,
      );
    }
    sts = {
      endpoint: env.COS_STS_ENDPOINT.replace(/\/$/, ''),
      ...(env.COS_STS_ROLE_ARN === undefined ? {} : { roleArn: env.COS_STS_ROLE_ARN }),
      timeoutMs: env.COS_STS_TIMEOUT_MS,
      keySeconds: env.COS_STS_KEY_SECONDS,
      credentialActions,
      signingActions: operations.map(camActionOf),
    };
  }

  return {
    keyPrefix: context.keyPrefix,
    ...(env.COS_HOST === undefined ? {} : { host: env.COS_HOST }),
    sign: {
      operations,
      allowlist,
      maxUploadBytes: env.COS_MAX_UPLOAD_BYTES,
      uploadContentTypes: contentTypes,
    },
    v4OnceEnabled: env.COS_V4_ONCE_ENABLED,
    ...(sts === undefined ? {} : { sts }),
    credentialsExpiry,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
