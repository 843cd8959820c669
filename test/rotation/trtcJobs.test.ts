import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { knownTencentCodes } from '../../lib/im/tencentErrorCodes';
import { createLogger } from '../../lib/log/logger';
import { RotationError } from '../../lib/rotation/RotationError';
import { TRTC_STAGED_LABEL } from '../../lib/rotation/rotateTrtcKeyStep';
import {
  handleTrtcRotationEvent,
  runTrtcKeyCheck,
  type TrtcJobDeps,
  trtcJobDeps,
} from '../../lib/rotation/trtcRotationHandler';
import { type FakeImRest, startFakeImRest } from '../support/fakeImRest';
import { type FakeSecretsManager, startFakeSecretsManager } from '../support/fakeSecretsManager';
import { driveRotation } from '../support/rotationDriver';

// The staged TRTC rotation and the key health check against the loopback Secrets Manager (real AWS SDK
// client) and the loopback IM REST API, which checks the admin ticket with Tencent's official libraries.

const SECRET_ID = 'unit/trtc';
const SDK_APP_ID = 1_400_000_123;
const OLD = { sdkAppId: SDK_APP_ID, secretKey: 'unit-FAKE-old-trtc-key-000000000000' };
const NEW = { sdkAppId: SDK_APP_ID, secretKey: 'unit-FAKE-new-trtc-key-111111111111' };

let sm: FakeSecretsManager;
let im: FakeImRest;
let client: SecretsManagerClient;
let deps: TrtcJobDeps;
const lines: string[] = [];

beforeAll(async () => {
  sm = await startFakeSecretsManager();
  im = await startFakeImRest();
  client = new SecretsManagerClient({
    endpoint: sm.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  const config = loadConfig({
    STAGE: 'unit',
    SECRETS_SOURCE: 'aws',
    TRTC_SECRET_ID: SECRET_ID,
    IM_REST_ENDPOINT: im.url,
    TRTC_ADMIN_USER_ID: 'ops_admin',
  });
  deps = trtcJobDeps(config, {
    client,
    log: createLogger({ level: 'debug', write: (line) => lines.push(line) }),
  });
});

afterAll(async () => {
  client.destroy();
  await Promise.all([sm.close(), im.close()]);
});

beforeEach(() => {
  sm.deleteSecret(SECRET_ID);
  sm.putSecret(SECRET_ID, JSON.stringify(OLD));
  im.setApp({ sdkAppId: SDK_APP_ID, secretKey: OLD.secretKey });
  im.setFault(null);
  im.resetCalls();
  lines.length = 0;
});

const rotate = (attempts = 1) =>
  driveRotation({
    secretId: SECRET_ID,
    begin: (token) => sm.beginRotation(SECRET_ID, token),
    invoke: (event) => handleTrtcRotationEvent(event, deps),
    attempts,
  });

const current = () =>
  JSON.parse(
    sm.versions(SECRET_ID).find((v) => v.stages.includes('AWSCURRENT'))?.secretString ?? '{}',
  ) as object;
const lastLine = () => JSON.parse(lines.at(-1) ?? '{}') as Record<string, unknown>;

/** What `aws secretsmanager put-secret-value --version-stages STAGED` does, through the real client. */
async function putStaged(secret: object): Promise<void> {
  await client.send(
    new PutSecretValueCommand({
      SecretId: SECRET_ID,
      ClientRequestToken: 'c0ffee00-0000-4000-8000-000000000001',
      SecretString: JSON.stringify(secret),
      VersionStages: [TRTC_STAGED_LABEL],
    }),
  );
}

describe('the staged TRTC rotation', () => {
  it('promotes the staged key once Tencent accepts it, and clears the stage', async () => {
    await putStaged(NEW);
    im.setApp({ sdkAppId: SDK_APP_ID, secretKey: NEW.secretKey }); // changed in the console
    const result = await rotate();
    expect(result.attempts.map((a) => a.error ?? 'ok')).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(current()).toEqual(NEW);
    expect(sm.versions(SECRET_ID).some((v) => v.stages.includes(TRTC_STAGED_LABEL))).toBe(false);
    // testSecret really asked Tencent, with the admin account, and Tencent accepted the ticket.
    expect(im.calls).toEqual([
      {
        path: '/v4/im_open_login_svc/account_check',
        sdkAppId: SDK_APP_ID,
        identifier: 'ops_admin',
        errorCode: 0,
      },
    ]);
  });

  it('fails clearly when nothing is staged, and changes nothing', async () => {
    const result = await rotate();
    expect(result.ok).toBe(false);
    expect(result.attempts[0]?.error).toMatch(/nothing is staged.*--version-stages STAGED/);
    expect(current()).toEqual(OLD);
  });

  it('refuses a staged key Tencent does not accept (70009), explaining why; the old key stays current', async () => {
    await putStaged(NEW); // staged, but the console still has the old key
    const result = await rotate();
    expect(result.attempts.at(-1)).toMatchObject({
      step: 'testSecret',
      error: expect.stringMatching(/70009 \(userSig signature check failed\).*Fix: /),
    });
    expect(current()).toEqual(OLD);
  });

  it('refuses a staged secret for another app, or the key already in use', async () => {
    await putStaged({ ...NEW, sdkAppId: SDK_APP_ID + 1 });
    expect((await rotate()).attempts[0]?.error).toMatch(/a rotation changes the key, not the app/);
  });

  it('refuses a staged key that is the current one', async () => {
    await putStaged(OLD);
    expect((await rotate()).attempts[0]?.error).toMatch(/already in use/);
  });

  it('refuses a staged secret that is not a TRTC secret, naming the field', async () => {
    await putStaged({ sdkAppId: SDK_APP_ID });
    expect((await rotate()).attempts[0]?.error).toMatch(/field "secretKey" is required/);
  });

  it('an unreachable IM REST API fails testSecret (retried later); a retry after recovery finishes', async () => {
    await putStaged(NEW);
    im.setApp({ sdkAppId: SDK_APP_ID, secretKey: NEW.secretKey });
    im.setFault({ kind: 'reset', times: 1 });
    const result = await rotate(3);
    expect(result.ok).toBe(true);
    expect(result.attempts.map((a) => `${a.step}${a.error ? ' failed' : ''}`)).toEqual([
      'createSecret',
      'setSecret',
      'testSecret failed',
      'createSecret',
      'setSecret',
      'testSecret',
      'finishSecret',
    ]);
    expect(current()).toEqual(NEW);
  });

  it('every error is a RotationError with a code', async () => {
    const error = await handleTrtcRotationEvent({ Step: 'nope' }, deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RotationError);
    expect((error as RotationError).code).toBe('INVALID_EVENT');
  });
});

describe('the TRTC key health check', () => {
  it('passes for the key Tencent holds: metric 0 in an EMF line', async () => {
    const result = await runTrtcKeyCheck(deps);
    expect(result).toMatchObject({ ok: true, reason: 'OK', errorCode: 0 });
    const line = lastLine();
    expect(line).toMatchObject({
      level: 'info',
      TrtcKeyCheckFailed: 0,
      Stage: 'unit',
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'TencentTokenIssuer',
            Dimensions: [['Stage']],
            Metrics: [{ Name: 'TrtcKeyCheckFailed', Unit: 'Count' }],
          },
        ],
      },
    });
    expect(typeof (line._aws as { Timestamp: unknown }).Timestamp).toBe('number');
  });

  it('fails for a key changed in the console (70009): logged with cause and fix, metric 1', async () => {
    im.setApp({ sdkAppId: SDK_APP_ID, secretKey: NEW.secretKey });
    const result = await runTrtcKeyCheck(deps);
    expect(result).toMatchObject({ ok: false, reason: 'TENCENT_ERROR', errorCode: 70009 });
    expect(lastLine()).toMatchObject({
      level: 'error',
      TrtcKeyCheckFailed: 1,
      errorCode: 70009,
      meaning: 'userSig signature check failed',
      fix: expect.stringContaining('rotate the TRTC secret'),
    });
  });

  it.each([
    70001, 70003, 70009, 70013, 70014, 70016, 70050,
  ])('explains Tencent code %i in plain words', async (code) => {
    im.setFault({ kind: 'errorCode', errorCode: code, times: 1 });
    const result = await runTrtcKeyCheck(deps);
    expect(result).toMatchObject({ ok: false, errorCode: code });
    const line = lastLine();
    expect(knownTencentCodes()).toContain(code);
    expect(line.cause).toEqual(expect.any(String));
    expect(line.fix).toEqual(expect.any(String));
    expect(line.detail).toMatch(new RegExp(`^Tencent answered ${code} `));
  });

  it.each([
    ['resets the connection', { kind: 'reset' } as const, 'IM_REST_UNREACHABLE'],
    ['answers HTTP 502', { kind: 'status', status: 502 } as const, 'IM_REST_BAD_RESPONSE'],
    ['answers HTML', { kind: 'notJson' } as const, 'IM_REST_BAD_RESPONSE'],
  ])('when the IM REST API %s: metric 1, reason %s', async (_what, fault, reason) => {
    im.setFault({ ...fault, times: 1 });
    expect(await runTrtcKeyCheck(deps)).toMatchObject({ ok: false, reason });
    expect(lastLine()).toMatchObject({ TrtcKeyCheckFailed: 1, reason });
  });

  it('an unreadable TRTC secret: metric 1, reason SECRET_UNAVAILABLE', async () => {
    sm.deleteSecret(SECRET_ID);
    expect(await runTrtcKeyCheck(deps)).toEqual({ ok: false, reason: 'SECRET_UNAVAILABLE' });
    expect(lastLine()).toMatchObject({ TrtcKeyCheckFailed: 1, reason: 'SECRET_UNAVAILABLE' });
  });

  it('never logs the admin ticket or the key', async () => {
    im.setApp({ sdkAppId: SDK_APP_ID, secretKey: NEW.secretKey });
    await runTrtcKeyCheck(deps);
    const text = lines.join('\n');
    expect(text).not.toContain(OLD.secretKey);
    expect(text).not.toMatch(/eJ[\w*-]{40,}/);
    expect(text).not.toContain('usersig=');
  });
});
