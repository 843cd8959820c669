import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { disablePreviousCosKey } from '../../lib/rotation/disablePreviousCosKey';
import { RotationError } from '../../lib/rotation/RotationError';
import { COS_ROTATION_TAG_PREFIX, rotateCosKeyStep } from '../../lib/rotation/rotateCosKeyStep';
import {
  COS_SECRET_ID,
  COS_USER_UIN,
  cosVersions,
  type Harness,
  ORIGINAL_COS,
  ROTATOR,
  ROTATOR_SECRET_ID,
  startHarness,
} from './cosRotationHarness';

// The COS rotation against the loopback Secrets Manager and CAM/STS, both driven by their official
// clients: what each step does, that every step can be repeated, what it refuses, and the grace period.

let h: Harness;
const GRACE_MS = () => h.deps.graceSeconds * 1000;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.reset();
});

async function rotationError(promise: Promise<unknown>): Promise<RotationError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(RotationError);
  return error as RotationError;
}

function currentCos(): Record<string, unknown> {
  const version = h.sm.versions(COS_SECRET_ID).find((v) => v.stages.includes('AWSCURRENT'));
  return JSON.parse(version?.secretString ?? '{}') as Record<string, unknown>;
}

describe('a COS key rotation', () => {
  it('creates exactly one tagged key, makes it current and leaves the old key active', async () => {
    const result = await h.rotate();

    expect(result.attempts.map((a) => a.error ?? 'ok')).toEqual(['ok', 'ok', 'ok', 'ok']);
    const keys = h.userKeys();
    expect(keys).toHaveLength(2);
    const created = keys.find((key) => key.accessKeyId !== ORIGINAL_COS.secretId);
    expect(created).toMatchObject({
      status: 'Active',
      description: `${COS_ROTATION_TAG_PREFIX}${result.token}`,
    });
    expect(keys.find((key) => key.accessKeyId === ORIGINAL_COS.secretId)?.status).toBe('Active');
    // The new version keeps everything but the key pair.
    const current = currentCos();
    expect(current).toMatchObject({
      ...ORIGINAL_COS,
      secretId: created?.accessKeyId,
      secretKey: expect.any(String),
    });
    expect(current.secretKey).not.toBe(ORIGINAL_COS.secretKey);
    expect(cosVersions(h.sm)).toEqual([
      { stages: ['AWSPREVIOUS'], secretId: ORIGINAL_COS.secretId },
      { stages: ['AWSCURRENT', 'AWSPENDING'], secretId: created?.accessKeyId },
    ]);
  });

  it('signs every CAM and STS call with TC3 (the fake recomputes each signature with the SDK)', async () => {
    await h.rotate();
    const calls = h.tc.calls;
    expect(calls.map((call) => `${call.service}:${call.action}:${call.errorCode ?? 'ok'}`)).toEqual([
      'cam:ListAccessKeys:ok',
      'cam:CreateAccessKey:ok',
      'cam:ListAccessKeys:ok',
      'sts:GetCallerIdentity:ok',
    ]);
    // The rotator's key manages; the new key only proves itself to STS.
    expect(calls.filter((c) => c.service === 'cam').every((c) => c.accessKeyId === ROTATOR.secretId)).toBe(
      true,
    );
    expect(calls.at(-1)?.accessKeyId).toBe(currentCos().secretId);
  });

  it('repeating every step with the same token creates no second key', async () => {
    const token = '5c3f1e2a-7b9d-4c6e-8f0a-123456789abc';
    h.sm.beginRotation(COS_SECRET_ID, token);
    for (const Step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) {
      await rotateCosKeyStep({ Step, SecretId: COS_SECRET_ID, ClientRequestToken: token }, h.deps);
      await rotateCosKeyStep({ Step, SecretId: COS_SECRET_ID, ClientRequestToken: token }, h.deps);
    }
    expect(h.userKeys()).toHaveLength(2);
    expect(h.tc.calls.filter((c) => c.action === 'CreateAccessKey')).toHaveLength(1);
    // createSecret again after the finish is a no-op too.
    await rotateCosKeyStep(
      { Step: 'createSecret', SecretId: COS_SECRET_ID, ClientRequestToken: token },
      h.deps,
    );
    expect(h.userKeys()).toHaveLength(2);
  });

  it('a CreateAccessKey whose answer was lost leaves an orphan that the retry deletes', async () => {
    h.tc.setFault({ action: 'CreateAccessKey', kind: 'lostResponse', times: 1 });
    const result = await h.rotate();
    expect(result.ok).toBe(true);
    expect(result.attempts[0]?.error).toMatch(/CreateAccessKey failed/);
    expect(h.userKeys()).toHaveLength(2);
    expect(h.tc.calls.filter((c) => c.action === 'DeleteAccessKey')).toHaveLength(1);
    // The surviving new key is the one in the secret.
    expect(h.userKeys().map((k) => k.accessKeyId)).toContain(currentCos().secretId);
  });

  it('the pending key authenticates only after CAM has propagated it: testSecret retries', async () => {
    h.reset({ propagationFailures: 3 });
    const result = await h.rotate();
    expect(result.ok).toBe(true);
    const identity = h.tc.calls.filter((c) => c.action === 'GetCallerIdentity');
    expect(identity.map((c) => c.errorCode)).toEqual([
      'AuthFailure.SecretIdNotFound',
      'AuthFailure.SecretIdNotFound',
      'AuthFailure.SecretIdNotFound',
      null,
    ]);
  });

  it('testSecret gives up after its attempts; the key stays pending, nothing becomes current', async () => {
    h.reset({ propagationFailures: 100 });
    const result = await h.rotate({ attempts: 2 });
    expect(result.ok).toBe(false);
    expect(result.attempts.at(-1)).toMatchObject({
      step: 'testSecret',
      error: expect.stringMatching(/did not authenticate after 6 attempts/),
    });
    expect(currentCos().secretId).toBe(ORIGINAL_COS.secretId);
    expect(h.userKeys()).toHaveLength(2);
  });
});

describe('the previous key', () => {
  it('stays active through its grace period, then the scheduled task disables it (once)', async () => {
    await h.rotate();
    h.clock += GRACE_MS() - 1000;
    expect(await disablePreviousCosKey(h.deps)).toMatchObject({
      disabled: false,
      reason: expect.stringMatching(/grace/),
    });
    expect(h.userKeys().every((k) => k.status === 'Active')).toBe(true);

    h.clock += 2000;
    expect(await disablePreviousCosKey(h.deps)).toEqual({ disabled: true, reason: 'grace period over' });
    const byId = Object.fromEntries(h.userKeys().map((k) => [k.accessKeyId, k.status]));
    expect(byId[ORIGINAL_COS.secretId]).toBe('Inactive');
    expect(byId[currentCos().secretId as string]).toBe('Active');
    expect(await disablePreviousCosKey(h.deps)).toMatchObject({
      disabled: false,
      reason: expect.stringMatching(/already disabled/),
    });
  });

  it('never disables a key that AWSCURRENT also holds', async () => {
    h.sm.putSecret(COS_SECRET_ID, JSON.stringify({ ...ORIGINAL_COS, region: 'ap-shanghai' })); // same key
    h.clock += GRACE_MS() * 2;
    expect(await disablePreviousCosKey(h.deps)).toMatchObject({ disabled: false });
    expect(h.userKeys().every((k) => k.status === 'Active')).toBe(true);
  });

  it('a new rotation within the grace period is refused without touching CAM keys', async () => {
    await h.rotate();
    const before = h.userKeys();
    h.clock += 60_000;
    const result = await h.rotate({ attempts: 1 });
    expect(result.ok).toBe(false);
    expect(result.attempts[0]?.error).toMatch(/may still sign live credentials/);
    expect(h.userKeys()).toEqual(before);
  });

  it('is deleted by the next rotation once past its grace; the current key is kept', async () => {
    const first = await h.rotate();
    const firstKey = currentCos().secretId;
    h.clock += GRACE_MS() + 1000;
    await disablePreviousCosKey(h.deps);
    const second = await h.rotate();
    expect(second.ok).toBe(true);
    const keys = h.userKeys().map((k) => k.accessKeyId);
    expect(keys).toHaveLength(2);
    expect(keys).not.toContain(ORIGINAL_COS.secretId);
    expect(keys).toContain(firstKey);
    expect(keys).toContain(currentCos().secretId);
    expect(second.token).not.toBe(first.token);
  });
});

describe('refusals', () => {
  it('a key the service did not make and does not use: UNEXPECTED_KEY, nothing deleted', async () => {
    h.reset({
      keys: [
        ...h.tc.keys().map((k) => ({
          ...k,
          secretKey: k.accessKeyId === ROTATOR.secretId ? ROTATOR.secretKey : ORIGINAL_COS.secretKey,
        })),
        { accessKeyId: 'AKIDsomeoneElsesKey', secretKey: 'x', uin: COS_USER_UIN, status: 'Active' },
      ],
    });
    const result = await h.rotate({ attempts: 1 });
    expect(result.attempts[0]?.error).toMatch(/neither AWSCURRENT, AWSPREVIOUS nor made by a rotation/);
    expect(h.userKeys()).toHaveLength(2);
    expect(h.tc.calls.some((c) => c.action === 'DeleteAccessKey' || c.action === 'CreateAccessKey')).toBe(
      false,
    );
  });

  it('a rotator secret naming a user the rotator may not manage: CAM refuses, no key made', async () => {
    h.sm.putSecret(ROTATOR_SECRET_ID, JSON.stringify({ ...ROTATOR, targetUin: 999_999 }));
    const token = '6c3f1e2a-7b9d-4c6e-8f0a-123456789abc';
    h.sm.beginRotation(COS_SECRET_ID, token);
    const error = await rotationError(
      rotateCosKeyStep({ Step: 'createSecret', SecretId: COS_SECRET_ID, ClientRequestToken: token }, h.deps),
    );
    expect(error).toMatchObject({
      code: 'TENCENT_API_ERROR',
      tencentCode: 'AuthFailure.UnauthorizedOperation',
    });
    expect(h.tc.calls.some((c) => c.action === 'CreateAccessKey')).toBe(false);
  });

  it('a rotator key with the wrong secret: CAM refuses the signature', async () => {
    h.sm.putSecret(ROTATOR_SECRET_ID, JSON.stringify({ ...ROTATOR, secretKey: 'wrong-secret' }));
    const token = '7c3f1e2a-7b9d-4c6e-8f0a-123456789abc';
    h.sm.beginRotation(COS_SECRET_ID, token);
    const error = await rotationError(
      rotateCosKeyStep({ Step: 'createSecret', SecretId: COS_SECRET_ID, ClientRequestToken: token }, h.deps),
    );
    expect(error).toMatchObject({ code: 'TENCENT_API_ERROR', tencentCode: 'AuthFailure.SignatureFailure' });
  });

  it('the current key is not the target user’s: CURRENT_KEY_UNKNOWN', async () => {
    h.sm.putSecret(COS_SECRET_ID, JSON.stringify({ ...ORIGINAL_COS, secretId: 'AKIDnotInCam' }));
    const token = '8c3f1e2a-7b9d-4c6e-8f0a-123456789abc';
    h.sm.beginRotation(COS_SECRET_ID, token);
    const error = await rotationError(
      rotateCosKeyStep({ Step: 'createSecret', SecretId: COS_SECRET_ID, ClientRequestToken: token }, h.deps),
    );
    expect(error.code).toBe('CURRENT_KEY_UNKNOWN');
  });

  it('an event for another secret: SECRET_NOT_ALLOWED', async () => {
    h.sm.putSecret('unit/other', JSON.stringify(ORIGINAL_COS));
    const token = '9c3f1e2a-7b9d-4c6e-8f0a-123456789abc';
    h.sm.beginRotation('unit/other', token);
    const error = await rotationError(
      rotateCosKeyStep({ Step: 'createSecret', SecretId: 'unit/other', ClientRequestToken: token }, h.deps),
    );
    expect(error.code).toBe('SECRET_NOT_ALLOWED');
  });

  it.each([
    ['no Step', { SecretId: COS_SECRET_ID, ClientRequestToken: 'a'.repeat(36) }],
    [
      'an unknown Step',
      { Step: 'deleteSecret', SecretId: COS_SECRET_ID, ClientRequestToken: 'a'.repeat(36) },
    ],
    [
      'a token with characters CAM refuses',
      { Step: 'createSecret', SecretId: COS_SECRET_ID, ClientRequestToken: `${'a'.repeat(36)} !` },
    ],
  ])('an event with %s: INVALID_EVENT', async (_what, event) => {
    expect((await rotationError(rotateCosKeyStep(event, h.deps))).code).toBe('INVALID_EVENT');
  });

  it('a token that is not a version, or not AWSPENDING: VERSION_UNKNOWN / VERSION_NOT_PENDING', async () => {
    const unknown = 'ac3f1e2a-7b9d-4c6e-8f0a-123456789abc';
    h.sm.beginRotation(COS_SECRET_ID, 'bc3f1e2a-7b9d-4c6e-8f0a-123456789abc');
    expect(
      (
        await rotationError(
          rotateCosKeyStep(
            { Step: 'createSecret', SecretId: COS_SECRET_ID, ClientRequestToken: unknown },
            h.deps,
          ),
        )
      ).code,
    ).toBe('VERSION_UNKNOWN');
    h.sm.putSecret(COS_SECRET_ID, JSON.stringify(ORIGINAL_COS), { versionId: unknown });
    h.sm.putSecret(COS_SECRET_ID, JSON.stringify(ORIGINAL_COS)); // `unknown` is now AWSPREVIOUS
    expect(
      (
        await rotationError(
          rotateCosKeyStep(
            { Step: 'createSecret', SecretId: COS_SECRET_ID, ClientRequestToken: unknown },
            h.deps,
          ),
        )
      ).code,
    ).toBe('VERSION_NOT_PENDING');
  });

  it('logs neither the new key’s secret nor the rotator’s', async () => {
    await h.rotate();
    const text = h.lines.join('\n');
    expect(text).toContain('createSecret: created a CAM key');
    expect(text).not.toContain(currentCos().secretKey as string);
    expect(text).not.toContain(ROTATOR.secretKey);
    expect(text).not.toContain(currentCos().secretId as string); // only fingerprints
    expect(COS_USER_UIN).toBeGreaterThan(0);
  });
});
