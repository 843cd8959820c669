import * as v from 'valibot';
import { RotationError } from './RotationError';
import { type DescribedSecret, type RotationSecretStore, versionWithStage } from './rotationSecretStore';

// The event Secrets Manager invokes a rotation function with, and the checks every step makes before
// doing anything: the secret is the one this function rotates (deny by default: IAM also limits the
// function to it), rotation is enabled, and the token names the AWSPENDING version.

/** The four steps, in the order Secrets Manager runs them. */
export const ROTATION_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
export type RotationStep = (typeof ROTATION_STEPS)[number];

const RotationEventSchema = v.object({
  Step: v.picklist(ROTATION_STEPS),
  SecretId: v.pipe(v.string(), v.nonEmpty()),
  // Secrets Manager's tokens are UUIDs; the COS rotation also writes the token into a CAM key's
  // Description, which allows [\w+=,.@:/-] only.
  ClientRequestToken: v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{32,64}$/)),
});

/** A validated rotation event. */
export type RotationEvent = v.InferOutput<typeof RotationEventSchema>;

/** Whether an invocation looks like a rotation step (it names a `Step`). */
export function isRotationEvent(event: unknown): boolean {
  return typeof event === 'object' && event !== null && 'Step' in event;
}

/**
 * Where a step stands: the secret (by ARN), the token, and whether this version is already current.
 *
 * @example
 * ```ts
 * const { secretArn, token, alreadyCurrent } = await prepareRotationStep(store, config.secretId, event);
 * ```
 */
export interface PreparedStep {
  readonly step: RotationStep;
  readonly secretArn: string;
  readonly token: string;
  readonly described: DescribedSecret;
  /** The token's version already carries AWSCURRENT: the rotation has finished. */
  readonly alreadyCurrent: boolean;
}

/**
 * Validates the event against the secret's state.
 *
 * @throws {RotationError} `INVALID_EVENT`, `SECRET_NOT_ALLOWED`, `ROTATION_NOT_ENABLED`, `VERSION_UNKNOWN`,
 *   `VERSION_NOT_PENDING`.
 *
 * @example
 * ```ts
 * const prepared = await prepareRotationStep(store, 'prod/cos', { Step: 'createSecret', SecretId: arn, ClientRequestToken });
 * ```
 */
export async function prepareRotationStep(
  store: RotationSecretStore,
  allowedSecretId: string,
  event: unknown,
): Promise<PreparedStep> {
  const parsed = v.safeParse(RotationEventSchema, event);
  if (!parsed.success) {
    throw new RotationError(
      'INVALID_EVENT',
      'not a rotation event: expected { Step: createSecret|setSecret|testSecret|finishSecret, SecretId, ClientRequestToken (32-64 of [A-Za-z0-9-]) }',
    );
  }
  const { Step: step, SecretId: secretId, ClientRequestToken: token } = parsed.output;
  const described = await store.describe(secretId);
  const allowed = secretId === allowedSecretId ? described : await store.describe(allowedSecretId);
  if (described.arn !== allowed.arn) {
    throw new RotationError(
      'SECRET_NOT_ALLOWED',
      `this function rotates ${allowed.name} only, not ${described.name}`,
    );
  }
  if (!described.rotationEnabled) {
    throw new RotationError('ROTATION_NOT_ENABLED', `rotation is not enabled for ${described.name}`);
  }
  const stages = described.versionStages[token];
  if (stages === undefined) {
    throw new RotationError(
      'VERSION_UNKNOWN',
      `${described.name} has no version ${token} with a staging label`,
    );
  }
  const alreadyCurrent = stages.includes('AWSCURRENT');
  if (!alreadyCurrent && !stages.includes('AWSPENDING')) {
    throw new RotationError('VERSION_NOT_PENDING', `version ${token} of ${described.name} is not AWSPENDING`);
  }
  return { step, secretArn: described.arn, token, described, alreadyCurrent };
}

/**
 * Moves AWSCURRENT to the token's version (AWSPREVIOUS follows the old one), unless it is already there.
 *
 * @example
 * ```ts
 * await promotePending(store, prepared);
 * ```
 */
export async function promotePending(store: RotationSecretStore, prepared: PreparedStep): Promise<void> {
  if (prepared.alreadyCurrent) return;
  const current = versionWithStage(prepared.described, 'AWSCURRENT');
  await store.moveStage(prepared.secretArn, 'AWSCURRENT', {
    moveTo: prepared.token,
    ...(current === undefined ? {} : { removeFrom: current }),
  });
}
