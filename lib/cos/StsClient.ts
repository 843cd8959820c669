import type { CamPolicy } from './cosPrefixPolicy';

/**
 * One request for a temporary key: the caller's CAM key pair signs the STS call, and the key it gets
 * can do at most what `policy` allows (and what the CAM key itself may do).
 *
 * @example
 * ```ts
 * const request: TemporaryKeyRequest = { secretId, secretKey, region: 'ap-guangzhou', policy, durationSeconds: 1800, userId: 'alice' };
 * ```
 */
export interface TemporaryKeyRequest {
  readonly secretId: string;
  readonly secretKey: string;
  /** The STS `Region` parameter (the bucket's region). */
  readonly region: string;
  readonly policy: CamPolicy;
  readonly durationSeconds: number;
  /** Whose key it is: named in the AssumeRole session, so CAM's audit trail shows the user. */
  readonly userId: string;
}

/**
 * A temporary key from STS. Times are Unix seconds from STS's clock: `startTime` is when it was issued.
 *
 * @example
 * ```ts
 * const key: TemporaryKey = { tmpSecretId, tmpSecretKey, securityToken, startTime: 1700000000, expiredTime: 1700001800 };
 * ```
 */
export interface TemporaryKey {
  readonly tmpSecretId: string;
  readonly tmpSecretKey: string;
  readonly securityToken: string;
  readonly startTime: number;
  readonly expiredTime: number;
  /** STS's request id, for the audit log. */
  readonly requestId?: string;
}

/**
 * What issues temporary keys; implemented by `createTencentStsClient`, a fake in unit tests.
 *
 * @example
 * ```ts
 * const stub: StsClient = { issue: async () => key };
 * ```
 */
export interface StsClient {
  /** Rejects only with `StsError('STS_UNAVAILABLE')`. */
  issue(request: TemporaryKeyRequest): Promise<TemporaryKey>;
}
