import { userKeyPrefix } from '../policy/scopeCosKey';
import type { CosSecret } from '../secrets/secretSchemas';
import { cosPrefixPolicy } from './cosPrefixPolicy';
import type { CosSettings } from './cosSettings';
import type { TemporaryKeyCache } from './createTemporaryKeyCache';
import type { StsClient, TemporaryKey } from './StsClient';
import { StsError } from './StsError';

/**
 * The key a signature is made with: a temporary key confined to the caller's prefix (with the
 * `securityToken` that must travel with the request), or, without STS, the bucket key itself.
 *
 * @example
 * ```ts
 * const key: CosSigningKey = { kind: 'temporary', secretId, secretKey, securityToken, expiresAt: 1700007200 };
 * ```
 */
export type CosSigningKey =
  | {
      readonly kind: 'temporary';
      readonly secretId: string;
      readonly secretKey: string;
      readonly securityToken: string;
      readonly expiresAt: number;
    }
  | { readonly kind: 'bucket'; readonly secretId: string; readonly secretKey: string };

/**
 * Dependencies of {@link createCosKeys}.
 *
 * @example
 * ```ts
 * const deps: CosKeysDeps = { settings: config.cos, sts, cache: createTemporaryKeyCache({ now: Date.now }) };
 * ```
 */
export interface CosKeysDeps {
  readonly settings: Pick<CosSettings, 'keyPrefix' | 'sts'>;
  /** Absent when STS is not configured (`settings.sts` absent). */
  readonly sts?: StsClient;
  readonly cache?: TemporaryKeyCache;
}

/**
 * The keys of the COS routes.
 *
 * @example
 * ```ts
 * const key = await keys.signingKey(secret, 'alice', 600);
 * ```
 */
export interface CosKeys {
  /** Whether signatures are made with temporary keys (STS configured). */
  readonly usesSts: boolean;
  /**
   * The key to sign one request of `userId` with, valid for at least `lifetimeSeconds` more: a cached
   * temporary key when STS is configured, else the bucket key.
   */
  signingKey(secret: CosSecret, userId: string, lifetimeSeconds: number): Promise<CosSigningKey>;
  /**
   * A new temporary key for `userId` to hand out, with the configured credential actions on its
   * prefix. Throws `StsError('STS_NOT_CONFIGURED')` without STS.
   */
  credentials(secret: CosSecret, userId: string, durationSeconds: number): Promise<TemporaryKey>;
}

/**
 * Wires temporary keys for one user's prefix: the policy (the configured actions on
 * `<bucket>/<prefix>*`), the STS client and the signing-key cache. Signing keys are cached per CAM key
 * and user, so that a rotated CAM key is followed at once; handed-out keys are never cached (each
 * lifetime is the one asked for).
 *
 * @throws {TypeError} when STS is configured without a client or a cache.
 *
 * @example
 * ```ts
 * const keys = createCosKeys({ settings: config.cos, sts, cache });
 * const signing = await keys.signingKey(secret, 'alice', 600); // { kind: 'temporary', ... }
 * ```
 */
export function createCosKeys(deps: CosKeysDeps): CosKeys {
  const { settings, sts, cache } = deps;
  const stsSettings = settings.sts;
  if (stsSettings !== undefined && (sts === undefined || cache === undefined)) {
    throw new TypeError('STS is configured: an STS client and a key cache are required');
  }
  const request = (
    secret: CosSecret,
    userId: string,
    actions: readonly string[],
    durationSeconds: number,
  ) => ({
    secretId: secret.secretId,
    secretKey: secret.secretKey,
    region: secret.region,
    policy: cosPrefixPolicy({
      appId: secret.appId,
      bucket: secret.bucket,
      region: secret.region,
      prefix: userKeyPrefix(settings.keyPrefix, userId),
      actions,
    }),
    durationSeconds,
    userId,
  });

  return {
    usesSts: stsSettings !== undefined,
    async signingKey(secret, userId, lifetimeSeconds) {
      if (stsSettings === undefined || sts === undefined || cache === undefined) {
        return { kind: 'bucket', secretId: secret.secretId, secretKey: secret.secretKey };
      }
      const key = await cache.get(`${secret.secretId}\n${userId}`, lifetimeSeconds, () =>
        sts.issue(request(secret, userId, stsSettings.signingActions, stsSettings.keySeconds)),
      );
      return {
        kind: 'temporary',
        secretId: key.tmpSecretId,
        secretKey: key.tmpSecretKey,
        securityToken: key.securityToken,
        expiresAt: key.expiredTime,
      };
    },
    async credentials(secret, userId, durationSeconds) {
      if (stsSettings === undefined || sts === undefined) {
        throw new StsError(
          'STS_NOT_CONFIGURED',
          'temporary credentials need Tencent STS, which this deployment does not use (see COS_STS_ENABLED)',
        );
      }
      return sts.issue(request(secret, userId, stsSettings.credentialActions, durationSeconds));
    },
  };
}
