import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';

// The Secrets Manager calls a rotation makes, on an injected SDK client (the real one against the
// loopback fake in tests). Reads of a version that does not exist (or has no value yet, like the empty
// AWSPENDING version a rotation starts with) resolve `undefined` instead of throwing.

/**
 * What `DescribeSecret` says about a secret's versions.
 *
 * @example
 * ```ts
 * const described: DescribedSecret = { arn, name: 'prod/cos', rotationEnabled: true, versionStages: { v1: ['AWSCURRENT'] } };
 * ```
 */
export interface DescribedSecret {
  readonly arn: string;
  readonly name: string;
  readonly rotationEnabled: boolean;
  /** version id -> staging labels, for the versions that carry a label. */
  readonly versionStages: Readonly<Record<string, readonly string[]>>;
  readonly lastRotatedDate: Date | undefined;
}

/** One version's value. */
export interface SecretVersionValue {
  readonly versionId: string;
  readonly secretString: string;
  readonly createdDate: Date | undefined;
}

/**
 * The rotation's view of Secrets Manager.
 *
 * @example
 * ```ts
 * const store = rotationSecretStore(client);
 * const pending = await store.getValue(arn, { versionId: token, stage: 'AWSPENDING' });
 * ```
 */
export interface RotationSecretStore {
  describe(secretId: string): Promise<DescribedSecret>;
  getValue(
    secretId: string,
    select: { versionId?: string; stage?: string },
  ): Promise<SecretVersionValue | undefined>;
  /** `PutSecretValue` with the token as version id (idempotent per token). */
  putValue(secretId: string, token: string, secretString: string, stages: readonly string[]): Promise<void>;
  /** `UpdateSecretVersionStage`. */
  moveStage(secretId: string, stage: string, change: { moveTo?: string; removeFrom?: string }): Promise<void>;
}

/**
 * Wraps a Secrets Manager client.
 *
 * @example
 * ```ts
 * const store = rotationSecretStore(createSecretsManagerClient({ requestTimeoutMs: 3_000, connectionTimeoutMs: 1_000 }));
 * ```
 */
export function rotationSecretStore(client: SecretsManagerClient): RotationSecretStore {
  if (typeof client?.send !== 'function')
    throw new TypeError('rotationSecretStore: client must be a SecretsManagerClient');
  return {
    async describe(secretId) {
      const out = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
      return {
        arn: out.ARN ?? secretId,
        name: out.Name ?? secretId,
        rotationEnabled: out.RotationEnabled === true,
        versionStages: out.VersionIdsToStages ?? {},
        lastRotatedDate: out.LastRotatedDate,
      };
    },
    async getValue(secretId, select) {
      try {
        const out = await client.send(
          new GetSecretValueCommand({
            SecretId: secretId,
            ...(select.versionId === undefined ? {} : { VersionId: select.versionId }),
            ...(select.stage === undefined ? {} : { VersionStage: select.stage }),
          }),
        );
        if (typeof out.SecretString !== 'string' || out.VersionId === undefined) return undefined;
        return { versionId: out.VersionId, secretString: out.SecretString, createdDate: out.CreatedDate };
      } catch (error) {
        if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
        throw error;
      }
    },
    async putValue(secretId, token, secretString, stages) {
      await client.send(
        new PutSecretValueCommand({
          SecretId: secretId,
          ClientRequestToken: token,
          SecretString: secretString,
          VersionStages: [...stages],
        }),
      );
    },
    async moveStage(secretId, stage, change) {
      await client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: secretId,
          VersionStage: stage,
          ...(change.moveTo === undefined ? {} : { MoveToVersionId: change.moveTo }),
          ...(change.removeFrom === undefined ? {} : { RemoveFromVersionId: change.removeFrom }),
        }),
      );
    },
  };
}

/** The version id that carries `stage`, if any. */
export function versionWithStage(described: DescribedSecret, stage: string): string | undefined {
  return Object.entries(described.versionStages).find(([, stages]) => stages.includes(stage))?.[0];
}
