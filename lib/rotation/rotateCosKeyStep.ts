import type { Logger } from '../log/logger';
import { type CosSecret, CosSecretSchema } from '../secrets/secretSchemas';
import type { CamAccessKey, CamAccessKeys } from './camAccessKeys';
import { previousKeyRetiredAt } from './cosKeyGrace';
import { parseRotatedSecret, tryParseRotatedSecret } from './parseRotatedSecret';
import { keyFingerprint, RotationError } from './RotationError';
import { type PreparedStep, prepareRotationStep, promotePending } from './rotationEvent';
import type { RotationSecretStore } from './rotationSecretStore';
import type { TencentCredential } from './tencentApiCaller';

// The four Secrets Manager rotation steps for the COS secret, against Tencent CAM. A CAM user holds at
// most two API keys: the one behind AWSCURRENT (never touched here) and one more. Every key this
// rotation makes carries the rotation's ClientRequestToken in its Description, so a retried step finds
// the key an earlier attempt made. A key's secret is shown only once (in CreateAccessKey's answer): if
// that attempt died before the secret reached the AWSPENDING version, the key is useless and is
// deleted, and a new one is made. The previous key (behind AWSPREVIOUS) stays active through finishSecret;
// it is disabled by the scheduled `disablePreviousCosKey` once its grace period has passed, and deleted
// by the next rotation's createSecret (which refuses to run while that grace has not passed).

/** Prefix of the CAM key Description that marks a key made by this rotation; the token follows. */
export const COS_ROTATION_TAG_PREFIX = 'tencent-token-issuer:rotation:';

/**
 * What the COS rotation needs, injected.
 *
 * @example
 * ```ts
 * const deps: CosKeyRotationDeps = { store, secretId: 'prod/cos', camKeys, callerUin, graceSeconds: 4200,
 *   now: Date.now, sleep, keyTest: { attempts: 6, baseDelayMs: 1000, maxDelayMs: 8000 }, log };
 * ```
 */
export interface CosKeyRotationDeps {
  readonly store: RotationSecretStore;
  /** The one secret this function may rotate (name or ARN). */
  readonly secretId: string;
  /** The COS user's key management, signed with the rotator's own credential. */
  readonly camKeys: () => Promise<CamAccessKeys>;
  /** Whom a key authenticates as (STS GetCallerIdentity signed with that key): the user's UIN. */
  readonly callerUin: (credential: TencentCredential) => Promise<string>;
  /** How long the previous key stays active after a rotation (see `minimumCosKeyGraceSeconds`). */
  readonly graceSeconds: number;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** testSecret's retries while CAM propagates a new key: attempts, exponential backoff. */
  readonly keyTest: { readonly attempts: number; readonly baseDelayMs: number; readonly maxDelayMs: number };
  readonly log: Logger;
}

/**
 * Runs one rotation step for the COS secret. Throws (so Secrets Manager retries) when the step cannot
 * complete; every step can be repeated with the same token.
 *
 * - `createSecret`: puts `{ ...current, secretId, secretKey }` of a new CAM key into AWSPENDING. Deletes
 *   keys left by failed rotations (tagged, never current) and the previous key (once past its grace);
 *   refuses keys it does not know.
 * - `setSecret`: nothing to set at Tencent (the key exists once created); checks the pending key is in CAM.
 * - `testSecret`: the pending key must authenticate as the target user (STS GetCallerIdentity), retried
 *   with backoff because CAM takes a while to accept a new key.
 * - `finishSecret`: moves AWSCURRENT to the pending version; the old key stays active.
 *
 * @throws {RotationError}
 *
 * @example
 * ```ts
 * await rotateCosKeyStep({ Step: 'createSecret', SecretId: arn, ClientRequestToken: token }, deps);
 * ```
 */
export async function rotateCosKeyStep(event: unknown, deps: CosKeyRotationDeps): Promise<void> {
  const prepared = await prepareRotationStep(deps.store, deps.secretId, event);
  const log = deps.log.child({ step: prepared.step, versionId: prepared.token });
  if (prepared.alreadyCurrent) {
    log.info('rotation step skipped: the version is already AWSCURRENT');
    return;
  }
  switch (prepared.step) {
    case 'createSecret':
      return createSecret(prepared, deps, log);
    case 'setSecret':
      return setSecret(prepared, deps, log);
    case 'testSecret':
      return testSecret(prepared, deps, log);
    case 'finishSecret':
      await promotePending(deps.store, prepared);
      log.info(
        'rotation finished: AWSCURRENT moved; the previous key stays active through its grace period',
        {
          graceSeconds: deps.graceSeconds,
        },
      );
      return;
  }
}

async function createSecret(prepared: PreparedStep, deps: CosKeyRotationDeps, log: Logger): Promise<void> {
  const { store } = deps;
  const { secretArn, token } = prepared;
  if ((await store.getValue(secretArn, { versionId: token, stage: 'AWSPENDING' })) !== undefined) {
    log.info('createSecret: the pending version already holds a key');
    return;
  }
  const currentVersion = await store.getValue(secretArn, { stage: 'AWSCURRENT' });
  if (currentVersion === undefined)
    throw new RotationError('SECRET_INVALID', `${prepared.described.name} has no AWSCURRENT value`);
  const current = parseRotatedSecret(CosSecretSchema, currentVersion.secretString, 'cos', 'AWSCURRENT');
  const previousVersion = await store.getValue(secretArn, { stage: 'AWSPREVIOUS' });
  const previousKeyId =
    previousVersion === undefined
      ? undefined
      : tryParseRotatedSecret(CosSecretSchema, previousVersion.secretString, 'cos')?.secretId;

  const cam = await deps.camKeys();
  const keys = await cam.list();
  const tag = `${COS_ROTATION_TAG_PREFIX}${token}`;
  if (!keys.some((key) => key.accessKeyId === current.secretId)) {
    throw new RotationError(
      'CURRENT_KEY_UNKNOWN',
      `the AWSCURRENT key ${keyFingerprint(current.secretId)} is not a key of CAM user ${cam.targetUin}: check targetUin in the rotator secret`,
    );
  }
  // Decide everything before changing anything.
  const toDelete: { key: CamAccessKey; why: string }[] = [];
  for (const key of keys) {
    if (key.accessKeyId === current.secretId) continue;
    if (key.accessKeyId === previousKeyId) {
      const retiredAt = previousKeyRetiredAt(prepared.described.lastRotatedDate, currentVersion.createdDate);
      const graceEnds = retiredAt === undefined ? undefined : retiredAt + deps.graceSeconds * 1000;
      if (graceEnds === undefined || deps.now() < graceEnds) {
        const left =
          graceEnds === undefined ? 'an unknown time' : `${Math.ceil((graceEnds - deps.now()) / 1000)} s`;
        throw new RotationError(
          'PREVIOUS_KEY_IN_GRACE',
          `the previous key ${keyFingerprint(key.accessKeyId)} may still sign live credentials for ${left}; rotate again after its grace period (${deps.graceSeconds} s)`,
        );
      }
      toDelete.push({ key, why: 'previous key, past its grace period' });
    } else if (key.description?.startsWith(COS_ROTATION_TAG_PREFIX)) {
      // Made by a rotation (this one or an earlier failed one) whose secret never became current: no
      // credential was ever signed with it, and its secret is lost or abandoned.
      toDelete.push({
        key,
        why:
          key.description === tag ? 'made by an earlier attempt of this step' : 'left by a failed rotation',
      });
    } else {
      throw new RotationError(
        'UNEXPECTED_KEY',
        `CAM user ${cam.targetUin} holds key ${keyFingerprint(key.accessKeyId)}, which is neither AWSCURRENT, AWSPREVIOUS nor made by a rotation: remove it in the console (or put it into the secret) first`,
      );
    }
  }
  for (const { key, why } of toDelete) {
    await cam.remove(key);
    log.info('createSecret: deleted a CAM key', { keyRef: keyFingerprint(key.accessKeyId), why });
  }
  const created = await cam.create(tag);
  log.info('createSecret: created a CAM key', { keyRef: keyFingerprint(created.accessKeyId) });
  const pending: CosSecret = { ...current, secretId: created.accessKeyId, secretKey: created.secretKey };
  await store.putValue(secretArn, token, JSON.stringify(pending), ['AWSPENDING']);
  log.info('createSecret: the new key is in AWSPENDING');
}

async function setSecret(prepared: PreparedStep, deps: CosKeyRotationDeps, log: Logger): Promise<void> {
  const pending = await pendingSecret(prepared, deps);
  const keys = await (await deps.camKeys()).list();
  const key = keys.find((candidate) => candidate.accessKeyId === pending.secretId);
  if (key === undefined || key.status !== 'Active') {
    throw new RotationError(
      'PENDING_KEY_MISSING',
      `the AWSPENDING key ${keyFingerprint(pending.secretId)} is ${key === undefined ? 'not in CAM' : 'disabled'}: cancel this rotation (remove AWSPENDING from version ${prepared.token}) and rotate again`,
    );
  }
  log.info('setSecret: the pending key is active in CAM');
}

async function testSecret(prepared: PreparedStep, deps: CosKeyRotationDeps, log: Logger): Promise<void> {
  const pending = await pendingSecret(prepared, deps);
  const cam = await deps.camKeys();
  const { attempts, baseDelayMs, maxDelayMs } = deps.keyTest;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    if (attempt > 1) await deps.sleep(Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 2)));
    let uin: string;
    try {
      uin = await deps.callerUin({ secretId: pending.secretId, secretKey: pending.secretKey });
    } catch (error) {
      lastError = error;
      log.info('testSecret: the pending key does not authenticate yet', {
        attempt,
        tencentCode: error instanceof RotationError ? error.tencentCode : undefined,
      });
      continue;
    }
    if (uin !== String(cam.targetUin)) {
      throw new RotationError(
        'KEY_TEST_FAILED',
        `the pending key authenticates as UIN ${uin}, not as the COS user ${cam.targetUin}`,
      );
    }
    log.info('testSecret: the pending key authenticates as the COS user', { attempt });
    return;
  }
  throw new RotationError(
    'KEY_TEST_FAILED',
    `the pending key ${keyFingerprint(pending.secretId)} did not authenticate after ${attempts} attempts (last: ${lastError instanceof Error ? lastError.message : String(lastError)})`,
    { cause: lastError },
  );
}

async function pendingSecret(prepared: PreparedStep, deps: CosKeyRotationDeps): Promise<CosSecret> {
  const pending = await deps.store.getValue(prepared.secretArn, {
    versionId: prepared.token,
    stage: 'AWSPENDING',
  });
  if (pending === undefined) {
    throw new RotationError(
      'VERSION_NOT_PENDING',
      `version ${prepared.token} has no value yet: createSecret has not completed`,
    );
  }
  return parseRotatedSecret(CosSecretSchema, pending.secretString, 'cos', 'AWSPENDING');
}
