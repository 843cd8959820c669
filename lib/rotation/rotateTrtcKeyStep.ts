import type { Logger } from '../log/logger';
import { type TrtcSecret, TrtcSecretSchema } from '../secrets/secretSchemas';
import { describeKeyCheck, type TrtcKeyCheckResult } from './checkTrtcKey';
import { parseRotatedSecret, tryParseRotatedSecret } from './parseRotatedSecret';
import { RotationError } from './RotationError';
import { type PreparedStep, prepareRotationStep, promotePending } from './rotationEvent';
import { type RotationSecretStore, versionWithStage } from './rotationSecretStore';

// A staged rotation of the TRTC/IM key. Tencent has no API to change an app's key and holds one key per
// app, so the change happens in the console first; the operator then stages the new secret as a version
// of the same secret labelled STAGED (`aws secretsmanager put-secret-value --version-stages STAGED`),
// which no token function reads (they read AWSCURRENT), and starts the rotation. A label on the same
// secret needs no second secret, no extra IAM grant, and keeps the staged key under the secret's own
// encryption and audit trail. Steps: createSecret copies the staged secret into AWSPENDING; setSecret has
// nothing to do; testSecret asks Tencent (account_check) whether it accepts the pending key; finishSecret
// moves AWSCURRENT and removes the STAGED label.

/** The staging label an operator puts on the new TRTC secret version. */
export const TRTC_STAGED_LABEL = 'STAGED';

/**
 * What the TRTC rotation needs, injected.
 *
 * @example
 * ```ts
 * const deps: TrtcKeyRotationDeps = { store, secretId: 'prod/trtc', checkKey: (secret) => checkTrtcKey({ ... }), log };
 * ```
 */
export interface TrtcKeyRotationDeps {
  readonly store: RotationSecretStore;
  /** The one secret this function may rotate (name or ARN). */
  readonly secretId: string;
  /** Asks Tencent about a key (see `checkTrtcKey`). */
  readonly checkKey: (secret: TrtcSecret) => Promise<TrtcKeyCheckResult>;
  readonly log: Logger;
}

/**
 * Runs one rotation step for the TRTC secret; every step can be repeated with the same token.
 *
 * @throws {RotationError} `NOTHING_STAGED`, `STAGED_APP_MISMATCH`, `STAGED_KEY_UNCHANGED`, `SECRET_INVALID`,
 *   `KEY_TEST_FAILED`, and the event checks of `prepareRotationStep`.
 *
 * @example
 * ```ts
 * await rotateTrtcKeyStep({ Step: 'testSecret', SecretId: arn, ClientRequestToken: token }, deps);
 * ```
 */
export async function rotateTrtcKeyStep(event: unknown, deps: TrtcKeyRotationDeps): Promise<void> {
  const prepared = await prepareRotationStep(deps.store, deps.secretId, event);
  const log = deps.log.child({ step: prepared.step, versionId: prepared.token });
  if (prepared.step === 'finishSecret') return finishSecret(prepared, deps, log);
  if (prepared.alreadyCurrent) {
    log.info('rotation step skipped: the version is already AWSCURRENT');
    return;
  }
  switch (prepared.step) {
    case 'createSecret':
      return createSecret(prepared, deps, log);
    case 'setSecret':
      // Tencent has no API for the key: the operator already changed it in the console.
      log.info('setSecret: nothing to set at Tencent (the key is changed in the console)');
      return;
    case 'testSecret':
      return testSecret(prepared, deps, log);
  }
}

async function createSecret(prepared: PreparedStep, deps: TrtcKeyRotationDeps, log: Logger): Promise<void> {
  const { store } = deps;
  if (
    (await store.getValue(prepared.secretArn, { versionId: prepared.token, stage: 'AWSPENDING' })) !==
    undefined
  ) {
    log.info('createSecret: the pending version already holds the staged key');
    return;
  }
  const staged = await store.getValue(prepared.secretArn, { stage: TRTC_STAGED_LABEL });
  if (staged === undefined) {
    throw new RotationError(
      'NOTHING_STAGED',
      `nothing is staged: no version of ${prepared.described.name} carries the ${TRTC_STAGED_LABEL} label. Change the key in the console, then run: aws secretsmanager put-secret-value --secret-id ${prepared.described.name} --secret-string file://trtc.json --version-stages ${TRTC_STAGED_LABEL}`,
    );
  }
  const stagedSecret = parseRotatedSecret(TrtcSecretSchema, staged.secretString, 'trtc', TRTC_STAGED_LABEL);
  const currentVersion = await store.getValue(prepared.secretArn, { stage: 'AWSCURRENT' });
  const current =
    currentVersion === undefined
      ? undefined
      : parseRotatedSecret(TrtcSecretSchema, currentVersion.secretString, 'trtc', 'AWSCURRENT');
  if (current !== undefined && current.sdkAppId !== stagedSecret.sdkAppId) {
    throw new RotationError(
      'STAGED_APP_MISMATCH',
      `the staged secret is for SDKAppID ${stagedSecret.sdkAppId}, the current one for ${current.sdkAppId}: a rotation changes the key, not the app`,
    );
  }
  if (current !== undefined && sameKeys(current, stagedSecret)) {
    throw new RotationError(
      'STAGED_KEY_UNCHANGED',
      'the staged key is the key already in use: nothing to rotate',
    );
  }
  await store.putValue(prepared.secretArn, prepared.token, JSON.stringify(stagedSecret), ['AWSPENDING']);
  log.info('createSecret: the staged key is in AWSPENDING', { stagedVersionId: staged.versionId });
}

async function testSecret(prepared: PreparedStep, deps: TrtcKeyRotationDeps, log: Logger): Promise<void> {
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
  const result = await deps.checkKey(
    parseRotatedSecret(TrtcSecretSchema, pending.secretString, 'trtc', 'AWSPENDING'),
  );
  if (!result.ok) {
    throw new RotationError(
      'KEY_TEST_FAILED',
      `the pending TRTC key failed account_check: ${describeKeyCheck(result)}`,
    );
  }
  log.info('testSecret: Tencent accepts the pending key', { sdkAppId: result.sdkAppId });
}

async function finishSecret(prepared: PreparedStep, deps: TrtcKeyRotationDeps, log: Logger): Promise<void> {
  await promotePending(deps.store, prepared);
  // Clear the stage once its key is current (also when a retry finds AWSCURRENT already moved).
  const described = await deps.store.describe(prepared.secretArn);
  const stagedVersion = versionWithStage(described, TRTC_STAGED_LABEL);
  if (stagedVersion !== undefined) {
    const [staged, current] = await Promise.all([
      deps.store.getValue(prepared.secretArn, { versionId: stagedVersion }),
      deps.store.getValue(prepared.secretArn, { stage: 'AWSCURRENT' }),
    ]);
    const stagedKey =
      staged === undefined ? undefined : tryParseRotatedSecret(TrtcSecretSchema, staged.secretString, 'trtc');
    const currentKey =
      current === undefined
        ? undefined
        : tryParseRotatedSecret(TrtcSecretSchema, current.secretString, 'trtc');
    if (stagedKey !== undefined && currentKey !== undefined && sameKeys(stagedKey, currentKey)) {
      await deps.store.moveStage(prepared.secretArn, TRTC_STAGED_LABEL, { removeFrom: stagedVersion });
    } else {
      log.warn('finishSecret: a different key is staged; the STAGED label is left in place', {
        stagedVersion,
      });
    }
  }
  log.info(
    'rotation finished: the new TRTC key is AWSCURRENT; tickets signed with the old key no longer verify at Tencent',
  );
}

function sameKeys(a: TrtcSecret, b: TrtcSecret): boolean {
  return a.secretKey === b.secretKey && a.privateKeyPem === b.privateKeyPem;
}
