import { RotationError } from './RotationError';
import type { TencentApiCall } from './tencentApiCaller';

// Typed CAM API-key calls (cam 2019-01-16) on one target user. The caller signs with the rotator's own
// credential, which CAM allows to manage this user's keys and nothing else (see README, "Rotation").

/** The CAM API version these calls speak. */
export const CAM_API_VERSION = '2019-01-16';

/**
 * One key as `ListAccessKeys` reports it (the secret is never listed).
 *
 * @example
 * ```ts
 * const key: CamAccessKey = { accessKeyId: 'AKID…', status: 'Active', description: 'tencent-token-issuer:rotation:…' };
 * ```
 */
export interface CamAccessKey {
  readonly accessKeyId: string;
  readonly status: 'Active' | 'Inactive';
  readonly description: string | undefined;
}

/**
 * The key management of one CAM user.
 *
 * @example
 * ```ts
 * const keys = camAccessKeys(call, 100001);
 * const created = await keys.create('tencent-token-issuer:rotation:<token>');
 * ```
 */
export interface CamAccessKeys {
  readonly targetUin: number;
  list(): Promise<CamAccessKey[]>;
  /** Creates a key; its secret is in this answer only. */
  create(description: string): Promise<{ accessKeyId: string; secretKey: string }>;
  setStatus(accessKeyId: string, status: 'Active' | 'Inactive'): Promise<void>;
  /** Deletes a key (CAM wants it disabled first; this disables it when needed). Cannot be undone. */
  remove(key: CamAccessKey): Promise<void>;
}

/**
 * Binds the CAM calls to one target user.
 *
 * @example
 * ```ts
 * const keys = camAccessKeys(tencentApiCaller(camService, rotatorCredential, { timeoutMs: 5_000 }), 100001);
 * ```
 */
export function camAccessKeys(call: TencentApiCall, targetUin: number): CamAccessKeys {
  if (!Number.isSafeInteger(targetUin) || targetUin < 1)
    throw new TypeError('targetUin must be a positive integer');
  const setStatus = async (accessKeyId: string, status: 'Active' | 'Inactive'): Promise<void> => {
    await call('UpdateAccessKey', { TargetUin: targetUin, AccessKeyId: accessKeyId, Status: status });
  };
  return {
    targetUin,
    async list() {
      const { AccessKeys } = await call('ListAccessKeys', { TargetUin: targetUin });
      if (!Array.isArray(AccessKeys)) throw badAnswer('ListAccessKeys');
      return AccessKeys.map((item: unknown) => {
        const { AccessKeyId, Status, Description } = (item ?? {}) as Record<string, unknown>;
        if (typeof AccessKeyId !== 'string' || (Status !== 'Active' && Status !== 'Inactive')) {
          throw badAnswer('ListAccessKeys');
        }
        return {
          accessKeyId: AccessKeyId,
          status: Status,
          description: typeof Description === 'string' ? Description : undefined,
        };
      });
    },
    async create(description) {
      const { AccessKey } = await call('CreateAccessKey', { TargetUin: targetUin, Description: description });
      const { AccessKeyId, SecretAccessKey } = (AccessKey ?? {}) as Record<string, unknown>;
      if (typeof AccessKeyId !== 'string' || typeof SecretAccessKey !== 'string')
        throw badAnswer('CreateAccessKey');
      return { accessKeyId: AccessKeyId, secretKey: SecretAccessKey };
    },
    setStatus,
    async remove(key) {
      if (key.status === 'Active') await setStatus(key.accessKeyId, 'Inactive');
      await call('DeleteAccessKey', { TargetUin: targetUin, AccessKeyId: key.accessKeyId });
    },
  };
}

function badAnswer(action: string): RotationError {
  return new RotationError('TENCENT_API_ERROR', `${action} answered an unexpected shape`);
}
