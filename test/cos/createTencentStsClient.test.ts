import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cosPrefixPolicy } from '../../lib/cos/cosPrefixPolicy';
import { createTencentStsClient } from '../../lib/cos/createTencentStsClient';
import type { StsClient, TemporaryKeyRequest } from '../../lib/cos/StsClient';
import { StsError } from '../../lib/cos/StsError';
import { type FakeSts, startFakeSts } from '../support/fakeSts';
import { fakeTmpSecretKey, readFakeSessionToken } from '../support/fakeTemporaryKeys';

// The real Tencent SDK client against the loopback STS, which recomputes every request's TC3 signature
// with the SDK's own signer: the requests are the ones Tencent STS would accept.

const SEED = 'unit-sts-seed-not-a-secret';
const CAM = { secretId: 'AKIDunitCamKeyNotReal0001', secretKey: 'unit-cam-secret-key-not-real' };
let sts: FakeSts;
let client: StsClient;

const policy = cosPrefixPolicy({
  appId: '1250000000',
  bucket: 'uploads-1250000000',
  region: 'ap-guangzhou',
  prefix: 'users/alice/',
  actions: ['name/cos:GetObject', 'name/cos:PutObject'],
});
const request: TemporaryKeyRequest = {
  ...CAM,
  region: 'ap-guangzhou',
  policy,
  durationSeconds: 1800,
  userId: 'alice',
};

beforeAll(async () => {
  sts = await startFakeSts({ camKeys: { [CAM.secretId]: CAM.secretKey }, seed: SEED });
  client = await createTencentStsClient({ endpoint: sts.url, timeoutMs: 1000, retryAfterSeconds: 4 });
});
afterAll(() => sts.close());
beforeEach(() => {
  sts.setFault(null);
  sts.resetCalls();
});

async function stsError(promise: Promise<unknown>): Promise<StsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StsError);
  return error as StsError;
}

describe('createTencentStsClient', () => {
  it('gets a key with GetFederationToken, signed so that the SDK signer verifies it, with the policy asked for', async () => {
    const before = Math.floor(Date.now() / 1000);
    const key = await client.issue(request);
    expect(sts.calls).toEqual([{ action: 'GetFederationToken', outcome: 'OK' }]);
    const [issued] = sts.issued.slice(-1);
    expect(issued).toMatchObject({
      action: 'GetFederationToken',
      callerSecretId: CAM.secretId,
      region: 'ap-guangzhou',
      durationSeconds: 1800,
      policy,
    });
    expect(key.tmpSecretId).toBe(issued?.tmpSecretId);
    expect(key.tmpSecretKey).toBe(fakeTmpSecretKey(SEED, key.tmpSecretId));
    expect(readFakeSessionToken(SEED, key.securityToken)?.policy).toEqual(policy);
    expect(key.expiredTime - key.startTime).toBe(1800);
    expect(key.startTime).toBeGreaterThanOrEqual(before);
    expect(key.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('uses AssumeRole with a session name of the user when a role is configured', async () => {
    const withRole = await createTencentStsClient({
      endpoint: sts.url,
      timeoutMs: 1000,
      retryAfterSeconds: 1,
      roleArn: 'qcs::cam::uin/100000000001:roleName/cos-uploads',
    });
    await withRole.issue({ ...request, durationSeconds: 3600 });
    expect(sts.calls).toEqual([{ action: 'AssumeRole', outcome: 'OK' }]);
    expect(sts.issued.at(-1)).toMatchObject({
      action: 'AssumeRole',
      roleSessionName: 'tti-alice',
      durationSeconds: 3600,
    });
  });

  it('is refused by STS when it signs with a key STS does not know (the signature is checked)', async () => {
    const error = await stsError(client.issue({ ...request, secretKey: 'not-the-key' }));
    expect(error.code).toBe('STS_UNAVAILABLE');
    expect(error.stsCode).toBe('AuthFailure.SignatureFailure');
    expect(error.retryAfterSeconds).toBe(4);
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.message).not.toContain('not-the-key');
  });

  it('reports an STS error answer and does not retry it', async () => {
    sts.setFault({ kind: 'error', code: 'InternalError' });
    const error = await stsError(client.issue(request));
    expect(error.stsCode).toBe('InternalError');
    expect(sts.calls).toHaveLength(1);
  });

  it('reports an HTTP error and an answer without credentials', async () => {
    sts.setFault({ kind: 'status', status: 502, times: 1 });
    expect((await stsError(client.issue(request))).message).toBe('STS answered HTTP 502');
    sts.setFault({ kind: 'garbage', times: 1 });
    expect((await stsError(client.issue(request))).message).toBe('STS answered without usable credentials');
  });

  it('tries a dropped connection once more, then gives up', async () => {
    sts.setFault({ kind: 'reset', times: 1 });
    await expect(client.issue(request)).resolves.toMatchObject({
      tmpSecretId: expect.stringMatching(/^AKID/),
    });
    expect(sts.calls.map((call) => call.outcome)).toEqual(['reset', 'OK']);

    sts.resetCalls();
    sts.setFault({ kind: 'reset' });
    expect((await stsError(client.issue(request))).message).toBe('STS could not be reached');
    expect(sts.calls.map((call) => call.outcome)).toEqual(['reset', 'reset']);
  });

  it('gives up on an STS that does not answer within the timeout', async () => {
    const impatient = await createTencentStsClient({
      endpoint: sts.url,
      timeoutMs: 100,
      retryAfterSeconds: 1,
    });
    sts.setFault({ kind: 'delay', ms: 2000 });
    expect((await stsError(impatient.issue(request))).message).toBe('STS could not be reached');
  });

  it('refuses an endpoint that is not http(s)', async () => {
    await expect(
      createTencentStsClient({ endpoint: 'ftp://x', timeoutMs: 1, retryAfterSeconds: 1 }),
    ).rejects.toThrow(TypeError);
  });
});
