import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  invokeFunction,
  logOffset,
  post,
  sessionToken,
  waitForLog,
  waitOutSecretCache,
} from './support/client';
import {
  COS_SECRET_ID,
  E2E_CAM,
  E2E_COS_SECRET,
  E2E_TRTC_ADMIN,
  E2E_TRTC_SECRET,
  TRTC_SECRET_ID,
} from './support/fixtures';
import {
  fakeImRest,
  fakeTencentCloud,
  rotateThroughStack,
  secretVersions,
  stageSecret,
} from './support/rotationClient';
import { e2eCamSeed } from './support/rotationFakes';
import { cosV5SignedWith, temporaryKeyOf, userSigSignedWith } from './support/tokens';

// The rotation jobs through the running service: each function invoked the way Secrets Manager and
// EventBridge invoke it (serverless-offline's Lambda Invoke API), against the loopback Secrets Manager,
// CAM/STS and IM REST API; the token routes then sign with what the rotation made current.

const USER = 'rotation_user';
const NEW_TRTC = { ...E2E_TRTC_SECRET, secretKey: 'e2e-FAKE-staged-trtc-key-7e5c3a1f9d8b6a4c2e0f' };

async function restore(): Promise<void> {
  await secretVersions.setFault(null);
  await fakeTencentCloud.reset(e2eCamSeed());
  await fakeImRest.setFault(null);
  await fakeImRest.setApp({ sdkAppId: E2E_TRTC_SECRET.sdkAppId, secretKey: E2E_TRTC_SECRET.secretKey });
  await secretVersions.recreate(COS_SECRET_ID, E2E_COS_SECRET);
  await secretVersions.recreate(TRTC_SECRET_ID, E2E_TRTC_SECRET);
}

beforeEach(restore);
afterAll(async () => {
  await restore();
  await waitOutSecretCache();
});

describe('checkTrtcKey (scheduled health check)', () => {
  it('passes for the key Tencent holds and logs TrtcKeyCheckFailed 0 as EMF', async () => {
    const from = logOffset();
    const result = await invokeFunction('checkTrtcKey', {});
    expect(result).toMatchObject({
      ok: true,
      reason: 'OK',
      errorCode: 0,
      sdkAppId: E2E_TRTC_SECRET.sdkAppId,
    });
    const line = await waitForLog((l) => l.includes('TRTC key check passed'), { from });
    expect(JSON.parse(line.slice(line.indexOf('{')))).toMatchObject({ TrtcKeyCheckFailed: 0, Stage: 'e2e' });
    expect(await fakeImRest.calls()).toContainEqual(
      expect.objectContaining({ identifier: E2E_TRTC_ADMIN, errorCode: 0 }),
    );
  });

  it('fails after a key change in the console (70009), explained, TrtcKeyCheckFailed 1', async () => {
    await fakeImRest.setApp({ sdkAppId: E2E_TRTC_SECRET.sdkAppId, secretKey: NEW_TRTC.secretKey });
    const from = logOffset();
    expect(await invokeFunction('checkTrtcKey', {})).toMatchObject({ ok: false, errorCode: 70009 });
    const line = await waitForLog((l) => l.includes('TRTC key check failed'), { from });
    expect(JSON.parse(line.slice(line.indexOf('{')))).toMatchObject({
      TrtcKeyCheckFailed: 1,
      errorCode: 70009,
      fix: expect.stringContaining('rotate the TRTC secret'),
    });
  });
});

describe('rotateTrtcKey (staged rotation)', () => {
  it('refuses to rotate with nothing staged, saying how to stage', async () => {
    const result = await rotateThroughStack('rotateTrtcKey', TRTC_SECRET_ID, { attempts: 1 });
    expect(result.ok).toBe(false);
    expect(result.attempts[0]?.error).toMatch(/nothing is staged/);
  });

  it('promotes a staged key Tencent accepts; userSig then signs with it', async () => {
    await fakeImRest.setApp({ sdkAppId: E2E_TRTC_SECRET.sdkAppId, secretKey: NEW_TRTC.secretKey });
    await stageSecret(TRTC_SECRET_ID, NEW_TRTC);
    const result = await rotateThroughStack('rotateTrtcKey', TRTC_SECRET_ID);
    expect(result.attempts.map((a) => a.error ?? 'ok')).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(await secretVersions.current(TRTC_SECRET_ID)).toEqual(NEW_TRTC);
    expect((await secretVersions.list(TRTC_SECRET_ID)).some((v) => v.stages.includes('STAGED'))).toBe(false);

    await waitOutSecretCache();
    const response = await post('/v1/usersig', { token: await sessionToken(USER) });
    expect(response.status).toBe(200);
    expect(userSigSignedWith((response.json as { userSig: string }).userSig, NEW_TRTC.secretKey)).toBe(true);
  });
});

describe('rotateCosKey (Secrets Manager rotation against CAM)', () => {
  it('rotates the COS key; cosSign then signs with the new key; the old key stays active', async () => {
    const result = await rotateThroughStack('rotateCosKey', COS_SECRET_ID);
    expect(result.attempts.map((a) => a.error ?? 'ok')).toEqual(['ok', 'ok', 'ok', 'ok']);
    const current = await secretVersions.current<typeof E2E_COS_SECRET>(COS_SECRET_ID);
    expect(current.secretId).not.toBe(E2E_COS_SECRET.secretId);
    const keys = (await fakeTencentCloud.keys()).filter((k) => k.uin === E2E_CAM.cosUserUin);
    expect(keys.map((k) => [k.accessKeyId, k.status]).sort()).toEqual(
      [
        [E2E_COS_SECRET.secretId, 'Active'],
        [current.secretId, 'Active'],
      ].sort(),
    );

    await waitOutSecretCache();
    const response = await post('/v1/cos/sign', {
      token: await sessionToken(USER),
      body: { method: 'GET', key: `users/${USER}/after-rotation.txt` },
    });
    expect(response.status).toBe(200);
    // cosSign signs with a temporary key (STS), which the new CAM key asked for.
    const json = response.json as Record<string, unknown>;
    const temporary = temporaryKeyOf(json.securityToken);
    expect(temporary?.callerSecretId).toBe(current.secretId);
    expect(temporary && cosV5SignedWith(json, temporary)).toBe(true);

    // The hourly task leaves the previous key alone within its grace period.
    expect(await invokeFunction('rotateCosKey', { task: 'disablePreviousKey' })).toMatchObject({
      disabled: false,
      reason: expect.stringMatching(/grace period/),
    });
  });

  it('refuses an event for another secret', async () => {
    await expect(
      invokeFunction('rotateCosKey', {
        Step: 'createSecret',
        SecretId: TRTC_SECRET_ID,
        ClientRequestToken: '00000000-0000-4000-8000-000000000000',
      }),
    ).rejects.toThrow(/rotates e2e\/cos only/);
  });
});
