import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CosSignV5Response } from '../../lib/tokens';
import type { FakeCos } from '../support/fakeCos';
import { rawCosRequest } from '../support/rawCosRequest';
import { post, recordedTokens, sessionSettings, sessionToken } from './support/client';
import { E2E_BUCKET, signingClient, startE2eCos } from './support/cosClients';
import { E2E_COS_HOST, E2E_COS_SECRET } from './support/fixtures';
import { type E2eStack, startStack } from './support/startStack';
import { expectIssuedTo } from './support/tokens';

// The COS functions without STS (COS_STS_ENABLED=false, as the local stage runs): a second, small stack
// started by this file. Signatures are made with the bucket key, so they are only as narrow as that
// key's CAM policy: the service still refuses every header and parameter outside the allowlist, but a
// header added unsigned to a valid signature reaches COS, and only the key's policy decides what it may
// do. That is why deployed stages use STS by default (README, "COS without STS").

let stack: E2eStack;
let open: FakeCos;
let scoped: FakeCos;

/** The CAM policy the README gives for a bucket key: object actions on users/* only. */
const README_BUCKET_KEY_POLICY = {
  version: '2.0',
  statement: [
    {
      effect: 'allow',
      action: [
        'name/cos:GetObject',
        'name/cos:HeadObject',
        'name/cos:PutObject',
        'name/cos:InitiateMultipartUpload',
        'name/cos:UploadPart',
        'name/cos:CompleteMultipartUpload',
        'name/cos:ListParts',
        'name/cos:AbortMultipartUpload',
      ],
      resource: [
        `qcs::cos:${E2E_COS_SECRET.region}:uid/${E2E_COS_SECRET.appId}:${E2E_COS_SECRET.bucket}/users/*`,
      ],
    },
  ],
};

beforeAll(async () => {
  stack = await startStack({
    repoRoot: fileURLToPath(new URL('../..', import.meta.url)),
    environment: { COS_STS_ENABLED: 'false' },
  });
  open = await startE2eCos();
  scoped = await startE2eCos(README_BUCKET_KEY_POLICY);
  for (const cos of [open, scoped]) cos.seed('users/bk_victim/secret.jpg', 'private', 'image/jpeg');
}, 120_000);
afterAll(async () => {
  await open?.close();
  await scoped?.close();
  await stack?.stop();
});

const sign = async (userId: string, body: Record<string, unknown>) =>
  post('/v1/cos/sign', { token: await sessionToken(userId), body, baseUrl: stack.baseUrl });

describe('COS without STS', () => {
  it('POST /v1/cos/credentials answers 501 STS_NOT_CONFIGURED', async () => {
    const response = await post('/v1/cos/credentials', {
      token: await sessionToken('bk_user'),
      body: {},
      baseUrl: stack.baseUrl,
    });
    expect(response.status).toBe(501);
    expect(response.json).toEqual({
      error: { code: 'STS_NOT_CONFIGURED', message: expect.stringContaining('STS') },
    });
  });

  it('signs with the bucket key, and the official SDK works through it', async () => {
    const client = signingClient(open, 'bk_user', { calls: 0 }, stack.baseUrl);
    const Key = 'users/bk_user/相册/a b.png';
    await client.putObject({ ...E2E_BUCKET, Key, Body: Buffer.from('png'), ContentType: 'image/png' });
    expect((await client.getObject({ ...E2E_BUCKET, Key })).Body.toString()).toBe('png');
    const { UploadId } = await client.multipartInit({
      ...E2E_BUCKET,
      Key: 'users/bk_user/b.bin',
      ContentType: 'application/octet-stream',
    });
    const part = await client.multipartUpload({
      ...E2E_BUCKET,
      Key: 'users/bk_user/b.bin',
      UploadId,
      PartNumber: 1,
      Body: 'xy',
    });
    await client.multipartComplete({
      ...E2E_BUCKET,
      Key: 'users/bk_user/b.bin',
      UploadId,
      Parts: [{ PartNumber: 1, ETag: part.ETag }],
    });
    expect(open.objects.get('users/bk_user/b.bin')?.body.toString()).toBe('xy');
    expect(new Set(open.requests.map((request) => request.keyKind))).toEqual(new Set(['permanent']));

    const response = await sign('bk_user', { method: 'GET', key: Key });
    expectIssuedTo('/v1/cos/sign', response.json as Record<string, unknown>, 'bk_user', {
      signing: 'bucket',
    });
  });

  it('still refuses to sign what is not allowed', async () => {
    const copy = await sign('bk_user', {
      method: 'PUT',
      key: 'users/bk_user/loot.jpg',
      headers: {
        'Content-Type': 'image/jpeg',
        'Content-Length': 0,
        'x-cos-copy-source': `${E2E_COS_HOST}/users/bk_victim/secret.jpg`,
      },
    });
    expect(copy.status).toBe(403);
    expect(await sign('bk_user', { method: 'GET', key: 'users/bk_victim/secret.jpg' })).toMatchObject({
      status: 403,
    });
  });

  it("but a header added unsigned reaches COS, where only the bucket key's CAM policy decides", async () => {
    const innocent = (
      await sign('bk_user', {
        method: 'PUT',
        key: 'users/bk_user/loot.jpg',
        headers: { 'Content-Type': 'image/jpeg', 'Content-Length': 0 },
      })
    ).json as CosSignV5Response;
    const attack = (cos: FakeCos, headers: Record<string, string>) =>
      rawCosRequest(cos.proxyUrl, E2E_COS_HOST, {
        method: 'PUT',
        key: innocent.key,
        headers: { ...innocent.headers, Authorization: innocent.authorization, ...headers },
      });
    const copySource = { 'x-cos-copy-source': `${E2E_COS_HOST}/users/bk_victim/secret.jpg` };

    // A key without a CAM policy: the copy of another user's object goes through.
    expect((await attack(open, copySource)).status).toBe(200);
    expect(open.objects.get('users/bk_user/loot.jpg')?.body.toString()).toBe('private');
    // The README's policy stops ACL changes and anything outside users/, not a copy between two users.
    expect((await attack(scoped, { 'x-cos-acl': 'public-read' })).code).toBe('AccessDenied');
    expect((await attack(scoped, copySource)).status).toBe(200);
  });

  it('logs no signing key, token or signature', () => {
    const log = readFileSync(stack.logFile, 'utf8');
    expect(log).toContain('"cos signature issued"');
    const leaks = [
      E2E_COS_SECRET.secretKey,
      sessionSettings().hs256Secret,
      ...recordedTokens('issued'),
    ].filter((value) => log.includes(value));
    expect(leaks.map((value) => value.slice(0, 12))).toEqual([]);
  });
});
