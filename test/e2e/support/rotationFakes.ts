import { type FakeImRest, startFakeImRest } from '../../support/fakeImRest';
import type { FakeSecretsManager } from '../../support/fakeSecretsManager';
import {
  type FakeTencentCloudApi,
  type FakeTencentCloudSeed,
  startFakeTencentCloudApi,
} from '../../support/fakeTencentCloudApi';
import {
  COS_ROTATOR_SECRET_ID,
  E2E_CAM,
  E2E_COS_ROTATOR,
  E2E_COS_SECRET,
  E2E_TRTC_ADMIN,
  E2E_TRTC_SECRET,
} from './fixtures';

// The outside services of the rotation jobs, for the stack: the loopback Tencent Cloud API (CAM and
// STS) and IM REST API, seeded with the fixture keys, and the environment that points the functions at
// them. Tests drive both through their admin APIs.

/** CAM as the fixtures have it: the COS user's one key (the fixture COS key) and the rotator's key. */
export function e2eCamSeed(extra: Partial<FakeTencentCloudSeed> = {}): FakeTencentCloudSeed {
  return {
    ownerUin: E2E_CAM.ownerUin,
    keys: [
      {
        accessKeyId: E2E_COS_SECRET.secretId,
        secretKey: E2E_COS_SECRET.secretKey,
        uin: E2E_CAM.cosUserUin,
        status: 'Active',
      },
      {
        accessKeyId: E2E_COS_ROTATOR.secretId,
        secretKey: E2E_COS_ROTATOR.secretKey,
        uin: E2E_CAM.rotatorUin,
        status: 'Active',
      },
    ],
    managers: { [E2E_CAM.rotatorUin]: [E2E_CAM.cosUserUin] },
    ...extra,
  };
}

export interface RotationFakes {
  readonly tencentCloud: FakeTencentCloudApi;
  readonly imRest: FakeImRest;
  /** Variables for serverless-offline (the rotation functions read them). */
  readonly env: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/**
 * Starts both fakes and seeds the rotator's secret into the fake Secrets Manager.
 *
 * @example
 * ```ts
 * const fakes = await startRotationFakes(fakeSecretsManager);
 * ```
 */
export async function startRotationFakes(secretsManager: FakeSecretsManager): Promise<RotationFakes> {
  const tencentCloud = await startFakeTencentCloudApi(e2eCamSeed());
  const imRest = await startFakeImRest({
    apps: [{ sdkAppId: E2E_TRTC_SECRET.sdkAppId, secretKey: E2E_TRTC_SECRET.secretKey }],
  });
  secretsManager.putSecret(COS_ROTATOR_SECRET_ID, JSON.stringify(E2E_COS_ROTATOR));
  return {
    tencentCloud,
    imRest,
    env: {
      COS_ROTATOR_SECRET_ID,
      CAM_ENDPOINT: tencentCloud.url,
      STS_ENDPOINT: tencentCloud.url,
      TENCENT_API_TIMEOUT_MS: '2000',
      COS_KEY_TEST_DELAY_MS: '50',
      IM_REST_ENDPOINT: imRest.url,
      TRTC_ADMIN_USER_ID: E2E_TRTC_ADMIN,
      // The suites invoke the hourly jobs themselves; a schedule firing mid-test would disturb them.
      JOBS_ENABLED: 'false',
    },
    close: async () => {
      await Promise.all([tencentCloud.close(), imRest.close()]);
    },
  };
}
