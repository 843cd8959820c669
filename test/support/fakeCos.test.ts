import COS from 'cos-nodejs-sdk-v5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosPrefixPolicy } from '../../lib/cos/cosPrefixPolicy';
import { createTencentStsClient } from '../../lib/cos/createTencentStsClient';
import type { TemporaryKey } from '../../lib/cos/StsClient';
import { type FakeCos, startFakeCos } from './fakeCos';
import { type FakeSts, startFakeSts } from './fakeSts';
import { fakeSessionToken } from './fakeTemporaryKeys';
import { rawCosRequest } from './rawCosRequest';

// The loopback COS must refuse what COS refuses (a signature that does not recompute over what arrived,
// an expired or forged key, an action outside a temporary key's policy) and accept what it accepts (the
// official client's requests, and unsigned extra headers when the key's policy allows their effect).

const SEED = 'fake-cos-test-seed';
const BUCKET = { appId: '1250000000', bucket: 'uploads-1250000000', region: 'ap-guangzhou' };
const OWNER = { secretId: 'AKIDfakeCosOwnerKeyNotReal01', secretKey: 'fake-cos-owner-secret-not-real' };
const HOST = 'uploads-1250000000.cos.ap-guangzhou.myqcloud.com';
let sts: FakeSts;
let cos: FakeCos;
let aliceKey: TemporaryKey;

beforeAll(async () => {
  sts = await startFakeSts({ camKeys: { [OWNER.secretId]: OWNER.secretKey }, seed: SEED });
  cos = await startFakeCos({
    ...BUCKET,
    permanentKeys: { [OWNER.secretId]: { secretKey: OWNER.secretKey } },
    stsSeed: SEED,
  });
  const client = await createTencentStsClient({ endpoint: sts.url, timeoutMs: 1000, retryAfterSeconds: 1 });
  aliceKey = await client.issue({
    ...OWNER,
    region: BUCKET.region,
    policy: cosPrefixPolicy({
      ...BUCKET,
      prefix: 'users/alice/',
      actions: ['name/cos:GetObject', 'name/cos:HeadObject', 'name/cos:PutObject'],
    }),
    durationSeconds: 1800,
    userId: 'alice',
  });
  cos.seed('users/bob/secret.txt', 'bob only');
});
afterAll(async () => {
  await cos.close();
  await sts.close();
});

const owner = () =>
  new COS({ SecretId: OWNER.secretId, SecretKey: OWNER.secretKey, Protocol: 'http:', Proxy: cos.proxyUrl });
const asAlice = () =>
  new COS({
    Protocol: 'http:',
    Proxy: cos.proxyUrl,
    getAuthorization: (_options, callback) =>
      callback({
        TmpSecretId: aliceKey.tmpSecretId,
        TmpSecretKey: aliceKey.tmpSecretKey,
        SecurityToken: aliceKey.securityToken,
        StartTime: aliceKey.startTime,
        ExpiredTime: aliceKey.expiredTime,
      }),
  });
const where = { Bucket: BUCKET.bucket, Region: BUCKET.region };

async function sdkError(promise: Promise<unknown>): Promise<{ statusCode?: number; code?: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeDefined();
  return error as { statusCode?: number; code?: string };
}

/** An Authorization for a request, made with a key, listing exactly `signed` headers. */
function sign(
  key: { secretId: string; secretKey: string },
  method: string,
  keyName: string,
  signed: Record<string, string>,
  query: Record<string, string> = {},
) {
  return COS.getAuthorization({
    SecretId: key.secretId,
    SecretKey: key.secretKey,
    Method: method as COS.Method,
    Key: keyName,
    Headers: { Host: HOST, ...signed },
    Query: query,
  });
}

describe('fake COS with the official client', () => {
  it('stores and serves objects signed with a permanent key, keys with spaces and non-ASCII included', async () => {
    const client = owner();
    const key = 'users/alice/相册 2024/a b+c.txt';
    await client.putObject({ ...where, Key: key, Body: Buffer.from('hello'), ContentType: 'text/plain' });
    const got = await client.getObject({ ...where, Key: key });
    expect(got.Body.toString()).toBe('hello');
    const head = await client.headObject({ ...where, Key: key });
    expect(head.headers?.['content-type']).toBe('text/plain');
    expect(cos.requests.slice(-3).map((r) => [r.method, r.code, r.keyKind])).toEqual([
      ['PUT', 'OK', 'permanent'],
      ['GET', 'OK', 'permanent'],
      ['HEAD', 'OK', 'permanent'],
    ]);
  });

  it('runs a multipart upload and an abort', async () => {
    const client = owner();
    const Key = 'users/alice/big.bin';
    const { UploadId } = await client.multipartInit({
      ...where,
      Key,
      ContentType: 'application/octet-stream',
    });
    const one = await client.multipartUpload({
      ...where,
      Key,
      UploadId,
      PartNumber: 1,
      Body: Buffer.alloc(1024, 1),
    });
    const two = await client.multipartUpload({
      ...where,
      Key,
      UploadId,
      PartNumber: 2,
      Body: Buffer.alloc(10, 2),
    });
    await client.multipartComplete({
      ...where,
      Key,
      UploadId,
      Parts: [
        { PartNumber: 1, ETag: one.ETag },
        { PartNumber: 2, ETag: two.ETag },
      ],
    });
    expect(cos.objects.get(Key)?.body.length).toBe(1034);
    const aborted = await client.multipartInit({ ...where, Key: 'users/alice/gone.bin' });
    await client.multipartAbort({ ...where, Key: 'users/alice/gone.bin', UploadId: aborted.UploadId });
    const error = await sdkError(
      client.multipartUpload({
        ...where,
        Key: 'users/alice/gone.bin',
        UploadId: aborted.UploadId,
        PartNumber: 1,
        Body: 'x',
      }),
    );
    expect(error.statusCode).toBe(404);
  });

  it('accepts a temporary key inside its policy and refuses it outside', async () => {
    const client = asAlice();
    await client.putObject({ ...where, Key: 'users/alice/t.txt', Body: 'mine' });
    expect((await client.getObject({ ...where, Key: 'users/alice/t.txt' })).Body.toString()).toBe('mine');
    const outside = await sdkError(client.getObject({ ...where, Key: 'users/bob/secret.txt' }));
    expect(outside.statusCode).toBe(403);
    expect(cos.requests.at(-1)).toMatchObject({
      code: 'AccessDenied',
      keyKind: 'temporary',
      actions: ['name/cos:GetObject'],
    });
    const notGranted = await sdkError(client.deleteObject({ ...where, Key: 'users/alice/t.txt' }));
    expect(notGranted.statusCode).toBe(403);
  });
});

describe('fake COS signature checks', () => {
  it('refuses a signature that does not cover what arrived (path, listed header, key)', async () => {
    const authorization = sign(OWNER, 'GET', 'users/alice/t.txt', {});
    const other = await rawCosRequest(cos.proxyUrl, HOST, {
      method: 'GET',
      key: 'users/bob/secret.txt',
      headers: { Authorization: authorization },
    });
    expect(other.code).toBe('SignatureDoesNotMatch');

    const typed = sign(OWNER, 'PUT', 'users/alice/x.png', { 'content-type': 'image/png' });
    const changed = await rawCosRequest(cos.proxyUrl, HOST, {
      method: 'PUT',
      key: 'users/alice/x.png',
      headers: { Authorization: typed, 'Content-Type': 'text/html' },
      body: '<script>',
    });
    expect(changed.code).toBe('SignatureDoesNotMatch');

    const wrongKey = sign({ ...OWNER, secretKey: 'not-the-key' }, 'GET', 'users/alice/t.txt', {});
    const forged = await rawCosRequest(cos.proxyUrl, HOST, {
      method: 'GET',
      key: 'users/alice/t.txt',
      headers: { Authorization: wrongKey },
    });
    expect(forged.code).toBe('SignatureDoesNotMatch');
  });

  it('refuses anonymous, expired and unknown-key requests and forged tokens', async () => {
    expect((await rawCosRequest(cos.proxyUrl, HOST, { method: 'GET', key: 'users/alice/t.txt' })).code).toBe(
      'AccessDenied',
    );
    const expired = COS.getAuthorization({
      ...{ SecretId: OWNER.secretId, SecretKey: OWNER.secretKey },
      Method: 'GET',
      Key: 'users/alice/t.txt',
      Headers: { Host: HOST },
      KeyTime: '1600000000;1600000600',
    });
    expect(
      (
        await rawCosRequest(cos.proxyUrl, HOST, {
          method: 'GET',
          key: 'users/alice/t.txt',
          headers: { Authorization: expired },
        })
      ).code,
    ).toBe('AccessDenied');
    const unknown = sign({ secretId: 'AKIDnobody', secretKey: 'x' }, 'GET', 'users/alice/t.txt', {});
    expect(
      (
        await rawCosRequest(cos.proxyUrl, HOST, {
          method: 'GET',
          key: 'users/alice/t.txt',
          headers: { Authorization: unknown },
        })
      ).code,
    ).toBe('InvalidAccessKeyId');
    const wide = {
      version: '2.0',
      statement: [{ effect: 'allow', action: ['name/cos:*'], resource: ['*'] }],
    };
    const forgedToken = fakeSessionToken('another-seed', {
      tmpSecretId: aliceKey.tmpSecretId,
      callerSecretId: OWNER.secretId,
      policy: wide,
      expiredTime: aliceKey.expiredTime,
    });
    const auth = sign(
      { secretId: aliceKey.tmpSecretId, secretKey: aliceKey.tmpSecretKey },
      'GET',
      'users/bob/secret.txt',
      {},
    );
    const response = await rawCosRequest(cos.proxyUrl, HOST, {
      method: 'GET',
      key: 'users/bob/secret.txt',
      headers: { Authorization: auth, 'x-cos-security-token': forgedToken },
    });
    expect(response.code).toBe('InvalidAccessKeyId');
  });

  it('acts on an unsigned copy source: a permanent key copies, a temporary key is stopped by its policy', async () => {
    const copy = { 'x-cos-copy-source': `${HOST}/users/bob/secret.txt` };
    const byOwner = await rawCosRequest(cos.proxyUrl, HOST, {
      method: 'PUT',
      key: 'users/alice/loot.txt',
      headers: { Authorization: sign(OWNER, 'PUT', 'users/alice/loot.txt', {}), ...copy },
    });
    expect(byOwner.status).toBe(200);
    expect(cos.objects.get('users/alice/loot.txt')?.body.toString()).toBe('bob only');

    const alice = { secretId: aliceKey.tmpSecretId, secretKey: aliceKey.tmpSecretKey };
    const byAlice = await rawCosRequest(cos.proxyUrl, HOST, {
      method: 'PUT',
      key: 'users/alice/loot2.txt',
      headers: {
        Authorization: sign(alice, 'PUT', 'users/alice/loot2.txt', {}),
        'x-cos-security-token': aliceKey.securityToken,
        ...copy,
      },
    });
    expect(byAlice.code).toBe('AccessDenied');
    expect(cos.requests.at(-1)?.actions).toEqual(['name/cos:PutObject', 'name/cos:GetObject']);
    expect(cos.objects.has('users/alice/loot2.txt')).toBe(false);
  });

  it('needs the ACL, tagging and image-processing actions for their headers and parameters', async () => {
    const alice = { secretId: aliceKey.tmpSecretId, secretKey: aliceKey.tmpSecretKey };
    const token = { 'x-cos-security-token': aliceKey.securityToken };
    const auth = sign(alice, 'PUT', 'users/alice/t.txt', {});
    for (const extra of [
      { 'x-cos-acl': 'public-read' },
      { 'x-cos-tagging': 'a=b' },
      { 'Pic-Operations': '{}' },
    ]) {
      const response = await rawCosRequest(cos.proxyUrl, HOST, {
        method: 'PUT',
        key: 'users/alice/t.txt',
        headers: { Authorization: auth, ...token, ...extra },
        body: 'x',
      });
      expect(response.code).toBe('AccessDenied');
    }
    const acl = await rawCosRequest(cos.proxyUrl, HOST, {
      method: 'PUT',
      key: 'users/alice/t.txt',
      query: { acl: '' },
      headers: { Authorization: auth, ...token, 'x-cos-acl': 'public-read' },
    });
    expect(acl.code).toBe('AccessDenied');
    expect(cos.requests.at(-1)?.actions[0]).toBe('name/cos:PutObjectACL');
  });
});
