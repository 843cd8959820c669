import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type ApiResponse, post, sessionToken, sleep, waitOutSecretCache } from '../e2e/support/client';
import { COS_SECRET_ID, E2E_CAM, E2E_COS_SECRET, E2E_SETTINGS } from '../e2e/support/fixtures';
import { fakeTencentCloud, rotateThroughStack, secretVersions } from '../e2e/support/rotationClient';
import { e2eCamSeed } from '../e2e/support/rotationFakes';
import { cosV5SignedWith, temporaryKeyOf } from '../e2e/support/tokens';
import type { FakeSecretsManagerFault } from '../support/fakeSecretsManager';
import type { FakeTencentCloudFault, FakeTencentCloudSeed } from '../support/fakeTencentCloudApi';
import type { DriverAttempt } from '../support/rotationDriver';

// The COS key rotation through the running service (rotateCosKey in serverless-offline, the real AWS and
// Tencent SDK clients, the loopback Secrets Manager and CAM/STS), with one fault at a time at each step
// and at each CAM call, retried the way Secrets Manager retries (the rotation again, same token). Every
// run must end with exactly one new key, never more than two keys, and consistent stages. Then a
// rotation under load: eight senders get COS signatures while it runs, and none fails.

type CosSecret = typeof E2E_COS_SECRET;
const ORPHAN_ID = 'AKIDe2eFAKEorphanFromFailedRotation';

interface Scenario {
  readonly secretsManager?: FakeSecretsManagerFault;
  readonly cam?: FakeTencentCloudFault;
  readonly seed?: Partial<FakeTencentCloudSeed>;
}

/** A key a failed earlier rotation left behind (tagged, never current). */
const withOrphan: Partial<FakeTencentCloudSeed> = {
  keys: [
    ...e2eCamSeed().keys,
    {
      accessKeyId: ORPHAN_ID,
      secretKey: 'e2eFAKEorphanSecret',
      uin: E2E_CAM.cosUserUin,
      status: 'Active',
      description: 'tencent-token-issuer:rotation:0f0f0f0f-0000-4000-8000-000000000000',
    },
  ],
};

const step = (skip: number): FakeSecretsManagerFault => ({
  kind: 'status',
  status: 500,
  operation: 'DescribeSecret',
  times: 1,
  skip,
});

const SCENARIOS: readonly [string, Scenario][] = [
  ['createSecret fails (its DescribeSecret answers 500)', { secretsManager: step(0) }],
  ['setSecret fails (its DescribeSecret answers 500)', { secretsManager: step(1) }],
  ['testSecret fails (its DescribeSecret answers 500)', { secretsManager: step(2) }],
  ['finishSecret fails (its DescribeSecret answers 500)', { secretsManager: step(3) }],
  [
    'GetSecretValue throttled',
    { secretsManager: { kind: 'throttle', operation: 'GetSecretValue', times: 1 } },
  ],
  [
    'PutSecretValue: connection reset, nothing written',
    { secretsManager: { kind: 'reset', operation: 'PutSecretValue', times: 1 } },
  ],
  [
    'PutSecretValue: written, answer lost',
    { secretsManager: { kind: 'lostResponse', operation: 'PutSecretValue', times: 1 } },
  ],
  [
    'UpdateSecretVersionStage answers 500',
    { secretsManager: { kind: 'status', status: 500, operation: 'UpdateSecretVersionStage', times: 1 } },
  ],
  [
    'UpdateSecretVersionStage: moved, answer lost',
    { secretsManager: { kind: 'lostResponse', operation: 'UpdateSecretVersionStage', times: 1 } },
  ],
  [
    'ListAccessKeys: InternalError',
    { cam: { action: 'ListAccessKeys', kind: 'error', code: 'InternalError', times: 1 } },
  ],
  [
    'CreateAccessKey: RequestLimitExceeded',
    { cam: { action: 'CreateAccessKey', kind: 'error', code: 'RequestLimitExceeded', times: 1 } },
  ],
  [
    'CreateAccessKey: connection reset, no key made',
    { cam: { action: 'CreateAccessKey', kind: 'reset', times: 1 } },
  ],
  [
    'CreateAccessKey: key made, answer (and secret) lost',
    { cam: { action: 'CreateAccessKey', kind: 'lostResponse', times: 1 } },
  ],
  ['GetCallerIdentity: the new key propagates (3 refusals)', { seed: { propagationFailures: 3 } }],
  [
    'GetCallerIdentity: HTTP 502',
    { cam: { action: 'GetCallerIdentity', kind: 'status', status: 502, times: 1 } },
  ],
  ['an orphan key from a failed rotation (no fault)', { seed: withOrphan }],
  [
    'orphan + UpdateAccessKey (disable) fails',
    { seed: withOrphan, cam: { action: 'UpdateAccessKey', kind: 'error', code: 'InternalError', times: 1 } },
  ],
  [
    'orphan + DeleteAccessKey fails',
    { seed: withOrphan, cam: { action: 'DeleteAccessKey', kind: 'error', code: 'InternalError', times: 1 } },
  ],
  [
    'orphan + DeleteAccessKey: deleted, answer lost',
    { seed: withOrphan, cam: { action: 'DeleteAccessKey', kind: 'lostResponse', times: 1 } },
  ],
];

async function restore(): Promise<void> {
  await secretVersions.setFault(null);
  await fakeTencentCloud.reset(e2eCamSeed());
  await secretVersions.recreate(COS_SECRET_ID, E2E_COS_SECRET);
}

beforeEach(restore);
afterAll(async () => {
  await restore();
  await waitOutSecretCache();
  console.info(`\nCOS rotation under one fault at a time:\n${table.join('\n')}`);
});

const table: string[] = ['| fault | steps as run (✗ = failed, retried) | CAM calls |', '|---|---|---|'];

function describeAttempts(attempts: readonly DriverAttempt[]): string {
  return attempts
    .map((a) =>
      a.error === undefined
        ? a.step
        : `${a.step} ✗ (${a.error
            .replace(/^the function failed \(serverless-offline still answers 200\): \w+: /, '')
            .replace(/\s+/g, ' ')
            .slice(0, 80)})`,
    )
    .join(' → ');
}

describe.each(SCENARIOS)('one fault: %s', (name, scenario) => {
  it('ends with exactly one new key, at most two keys, consistent stages', async () => {
    if (scenario.seed !== undefined) await fakeTencentCloud.reset(e2eCamSeed(scenario.seed));
    await fakeTencentCloud.resetCalls();
    if (scenario.secretsManager !== undefined) await secretVersions.setFault(scenario.secretsManager);
    if (scenario.cam !== undefined) await fakeTencentCloud.setFault(scenario.cam);

    const result = await rotateThroughStack('rotateCosKey', COS_SECRET_ID, { attempts: 4 });
    await secretVersions.setFault(null);
    await fakeTencentCloud.setFault(null);
    const calls = await fakeTencentCloud.calls();
    table.push(
      `| ${name} | ${describeAttempts(result.attempts)} | ${calls
        .map((c) => `${c.action}${c.fault ? `[${c.fault}]` : ''}${c.errorCode ? `=${c.errorCode}` : ''}`)
        .join(', ')} |`,
    );

    expect(result.ok, describeAttempts(result.attempts)).toBe(true);
    // The fault really happened: some attempt failed, or (propagation) STS refused the new key first.
    expect(
      result.attempts.some((a) => a.error !== undefined) ||
        calls.some((c) => c.errorCode !== null || c.fault !== null) ||
        scenario.seed === withOrphan,
    ).toBe(true);

    const current = await secretVersions.current<CosSecret>(COS_SECRET_ID);
    const keys = (await fakeTencentCloud.keys()).filter((k) => k.uin === E2E_CAM.cosUserUin);
    expect(
      keys
        .map(
          (k) =>
            `${k.accessKeyId === E2E_COS_SECRET.secretId ? 'original' : k.accessKeyId === current.secretId ? 'new' : k.accessKeyId} ${k.status}`,
        )
        .sort(),
    ).toEqual(['new Active', 'original Active']);
    expect(calls.some((c) => c.errorCode === 'OperationDenied.AccessKeyOverLimit')).toBe(false);
    expect({ ...current, secretId: 'x', secretKey: 'x' }).toEqual({
      ...E2E_COS_SECRET,
      secretId: 'x',
      secretKey: 'x',
    });

    const versions = await secretVersions.list(COS_SECRET_ID);
    const labelled = versions
      .filter((v) => v.stages.length > 0)
      .map((v) => ({
        stages: [...v.stages].sort(),
        secretId: (JSON.parse(v.secretString ?? '{}') as CosSecret).secretId,
      }));
    expect(labelled).toEqual([
      { stages: ['AWSPREVIOUS'], secretId: E2E_COS_SECRET.secretId },
      { stages: ['AWSCURRENT', 'AWSPENDING'], secretId: current.secretId },
    ]);
  });
});

interface Sample {
  readonly sentAt: number;
  readonly receivedAt: number;
  readonly status: number;
  readonly keys: readonly string[];
}

describe('a COS rotation under load', () => {
  it('eight senders get signatures throughout; none fails; each verifies with the old or the new key', async () => {
    const ttlMs = E2E_SETTINGS.secretsTtlSeconds * 1000;
    await waitOutSecretCache(); // the cosSign containers hold the original key
    const samples: Sample[] = [];
    let finishStartedAt = Number.POSITIVE_INFINITY;
    let finishedAt = Number.POSITIVE_INFINITY;
    let newKey: CosSecret | undefined;
    // cosSign signs with temporary keys (STS): a signature verifies with the temporary key, which names
    // the CAM key that asked STS for it.
    const keysOf = (response: ApiResponse): string[] => {
      const json = response.json as Record<string, unknown>;
      const temporary = temporaryKeyOf(json.securityToken);
      if (temporary === undefined || !cosV5SignedWith(json, temporary)) return [];
      const found: string[] = [];
      if (temporary.callerSecretId === E2E_COS_SECRET.secretId) found.push('old');
      if (newKey !== undefined && temporary.callerSecretId === newKey.secretId) found.push('new');
      return found;
    };
    const pending: { sentAt: number; receivedAt: number; response: ApiResponse }[] = [];
    let oldSeen = 0;
    const sender = async (index: number): Promise<void> => {
      let n = 0;
      while (Date.now() < finishedAt + ttlMs + 1500) {
        const token = await sessionToken(`load_${index}`);
        const sentAt = Date.now();
        const response = await post('/v1/cos/sign', {
          token,
          body: {
            method: 'PUT',
            key: `users/load_${index}/${n++}.bin`,
            headers: { 'Content-Type': 'image/png', 'Content-Length': 5 },
          },
        });
        pending.push({ sentAt, receivedAt: Date.now(), response });
        const temporary = temporaryKeyOf((response.json as Record<string, unknown>).securityToken);
        if (response.status === 200 && temporary?.callerSecretId === E2E_COS_SECRET.secretId) {
          oldSeen += 1;
        }
      }
    };
    const senders = Promise.all(Array.from({ length: 8 }, (_, i) => sender(i)));
    // Rotate once the function workers are warm and signing with the original key (serverless-offline
    // starts a worker per concurrent request; a cold one loads the secret only after its bundle).
    for (let waited = 0; oldSeen < 32 && waited < 60_000; waited += 50) await sleep(50);
    const result = await rotateThroughStack('rotateCosKey', COS_SECRET_ID, {
      onInvoke: (invoked) => {
        if (invoked === 'finishSecret') finishStartedAt = Math.min(finishStartedAt, Date.now());
      },
    });
    finishedAt = Date.now();
    await senders;
    expect(result.ok).toBe(true);
    newKey = await secretVersions.current<CosSecret>(COS_SECRET_ID);
    for (const { sentAt, receivedAt, response } of pending) {
      samples.push({
        sentAt,
        receivedAt,
        status: response.status,
        keys: response.status === 200 ? keysOf(response) : [],
      });
    }
    const counts = samples.reduce<Record<string, number>>((acc, s) => {
      const kind = `${s.status} ${s.keys.join('+') || 'no key'}`;
      acc[kind] = (acc[kind] ?? 0) + 1;
      return acc;
    }, {});
    console.info(
      `COS rotation under load: ${samples.length} signatures while rotating, ${JSON.stringify(counts)}`,
    );

    expect(samples.filter((s) => s.status !== 200)).toEqual([]);
    expect(samples.filter((s) => s.keys.length !== 1)).toEqual([]);
    expect(samples.filter((s) => s.receivedAt < finishStartedAt && s.keys[0] !== 'old')).toEqual([]);
    expect(samples.filter((s) => s.sentAt > finishedAt + ttlMs + 500 && s.keys[0] !== 'new')).toEqual([]);
    expect(samples.some((s) => s.keys[0] === 'old') && samples.some((s) => s.keys[0] === 'new')).toBe(true);
    // Both keys stayed active at CAM the whole time (nothing is disabled within the grace period).
    const keys = (await fakeTencentCloud.keys()).filter((k) => k.uin === E2E_CAM.cosUserUin);
    expect(keys.map((k) => k.status)).toEqual(['Active', 'Active']);
  });
});
