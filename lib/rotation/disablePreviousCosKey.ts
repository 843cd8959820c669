import { parseSecret } from '../secrets/parseSecret';
import { CosSecretSchema } from '../secrets/secretSchemas';
import { previousKeyRetiredAt } from './cosKeyGrace';
import { keyFingerprint } from './RotationError';
import type { CosKeyRotationDeps } from './rotateCosKeyStep';

// The delayed half of finishSecret. Secrets Manager runs finishSecret once, right when the new key
// becomes current, but the previous key must stay active until every credential signed with it has
// expired. So an hourly schedule invokes the rotation function with { "task": "disablePreviousKey" }:
// once the grace period since the previous version stopped being current has passed, the key behind
// AWSPREVIOUS is disabled (never deleted: the next rotation does that). Repeating it changes nothing.

/** The scheduled task's event. */
export const DISABLE_PREVIOUS_KEY_TASK = 'disablePreviousKey';

/**
 * What the task did.
 *
 * @example
 * ```ts
 * const result: DisablePreviousKeyResult = { disabled: false, reason: 'in grace for 1200 s' };
 * ```
 */
export interface DisablePreviousKeyResult {
  readonly disabled: boolean;
  readonly reason: string;
}

/**
 * Disables the key behind AWSPREVIOUS when its grace period is over. Never touches the AWSCURRENT key
 * (or a previous version that holds the same key).
 *
 * @example
 * ```ts
 * const result = await disablePreviousCosKey(deps); // { disabled: true, reason: 'grace period over' }
 * ```
 */
export async function disablePreviousCosKey(
  deps: Pick<CosKeyRotationDeps, 'store' | 'secretId' | 'camKeys' | 'graceSeconds' | 'now' | 'log'>,
): Promise<DisablePreviousKeyResult> {
  const log = deps.log.child({ task: DISABLE_PREVIOUS_KEY_TASK });
  const done = (disabled: boolean, reason: string): DisablePreviousKeyResult => {
    log.info(disabled ? 'previous COS key disabled' : 'previous COS key left as it is', { reason });
    return { disabled, reason };
  };
  const described = await deps.store.describe(deps.secretId);
  const current = await deps.store.getValue(described.arn, { stage: 'AWSCURRENT' });
  const previous = await deps.store.getValue(described.arn, { stage: 'AWSPREVIOUS' });
  if (current === undefined || previous === undefined) return done(false, 'no AWSPREVIOUS version');
  const currentKeyId = keyIdOf(current.secretString);
  const previousKeyId = keyIdOf(previous.secretString);
  if (previousKeyId === undefined) return done(false, 'the AWSPREVIOUS version is not a COS secret');
  if (currentKeyId === undefined || previousKeyId === currentKeyId) {
    return done(false, 'the AWSPREVIOUS version holds the current key');
  }
  const retiredAt = previousKeyRetiredAt(described.lastRotatedDate, current.createdDate);
  if (retiredAt === undefined) return done(false, 'unknown rotation time');
  const left = retiredAt + deps.graceSeconds * 1000 - deps.now();
  if (left > 0) return done(false, `in its grace period for ${Math.ceil(left / 1000)} s more`);
  const cam = await deps.camKeys();
  const key = (await cam.list()).find((candidate) => candidate.accessKeyId === previousKeyId);
  if (key === undefined) return done(false, 'the previous key is no longer in CAM');
  if (key.status === 'Inactive') return done(false, 'the previous key is already disabled');
  await cam.setStatus(key.accessKeyId, 'Inactive');
  log.info('disabled the previous COS key', { keyRef: keyFingerprint(key.accessKeyId) });
  return done(true, 'grace period over');
}

function keyIdOf(text: string): string | undefined {
  try {
    return parseSecret(CosSecretSchema, text, 'cos').secretId;
  } catch {
    return undefined;
  }
}
