import type COS from 'cos-nodejs-sdk-v5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeCos } from '../support/fakeCos';
import { fakeSts } from './support/client';
import {
  credentialsClient,
  E2E_BUCKET,
  type HookCounter,
  sdkFailure,
  signingClient,
  startE2eCos,
} from './support/cosClients';

// Tencent's cos-nodejs-sdk-v5 as a real app would use it, its getAuthorization hook calling the running
// service, against a loopback COS that recomputes every signature with the SDK's signer and enforces the
// CAM policy of the temporary keys the loopback STS issued. Both ways the SDK can use a server: temporary
// credentials (POST /v1/cos/credentials) and a signature per request (POST /v1/cos/sign, the SDK's request
// description passed unchanged).

let cos: FakeCos;
beforeAll(async () => {
  cos = await startE2eCos();
  cos.seed('users/sdk_victim/secret.txt', 'not yours');
});
afterAll(() => cos.close());

const MODES: readonly [string, (cos: FakeCos, userId: string, counter: HookCounter) => COS][] = [
  ['temporary credentials', credentialsClient],
  ['per-request signatures', signingClient],
];

describe.each(MODES)('cos-nodejs-sdk-v5 through the service (%s)', (mode, makeClient) => {
  const userId = mode === 'temporary credentials' ? 'sdk_creds' : 'sdk_signs';
  const counter: HookCounter = { calls: 0 };
  let client: COS;
  beforeAll(() => {
    client = makeClient(cos, userId, counter);
  });

  it('putObject, getObject and headObject on a key with spaces and non-ASCII characters', async () => {
    const Key = `users/${userId}/相册 2024/猫 (1).png`;
    const body = Buffer.from('\x89PNG fake image');
    await client.putObject({ ...E2E_BUCKET, Key, Body: body, ContentType: 'image/png' });
    expect(cos.objects.get(Key)?.body).toEqual(body);
    expect(cos.objects.get(Key)?.contentType).toBe('image/png');

    const got = await client.getObject({ ...E2E_BUCKET, Key });
    expect(Buffer.from(got.Body)).toEqual(body);
    const head = await client.headObject({ ...E2E_BUCKET, Key });
    expect(head.headers?.['content-length']).toBe(String(body.length));
    const ours = cos.requests.filter((request) => request.key === Key);
    expect(ours.map((request) => [request.method, request.code, request.keyKind])).toEqual([
      ['PUT', 'OK', 'temporary'],
      ['GET', 'OK', 'temporary'],
      ['HEAD', 'OK', 'temporary'],
    ]);
  });

  it('a multipart upload: multipartInit, multipartUpload, multipartComplete', async () => {
    const Key = `users/${userId}/video.mp4`;
    const { UploadId } = await client.multipartInit({ ...E2E_BUCKET, Key, ContentType: 'video/mp4' });
    const parts = [Buffer.alloc(1024 * 1024, 1), Buffer.alloc(1000, 2)];
    const uploaded = [];
    for (const [index, Body] of parts.entries()) {
      const part = await client.multipartUpload({
        ...E2E_BUCKET,
        Key,
        UploadId,
        PartNumber: index + 1,
        Body,
      });
      uploaded.push({ PartNumber: index + 1, ETag: part.ETag });
    }
    await client.multipartComplete({ ...E2E_BUCKET, Key, UploadId, Parts: uploaded });
    expect(cos.objects.get(Key)?.body).toEqual(Buffer.concat(parts));
    expect(cos.objects.get(Key)?.contentType).toBe('video/mp4');
  });

  it('an aborted multipart upload is gone', async () => {
    const Key = `users/${userId}/cancelled.zip`;
    const { UploadId } = await client.multipartInit({ ...E2E_BUCKET, Key, ContentType: 'application/zip' });
    await client.multipartUpload({ ...E2E_BUCKET, Key, UploadId, PartNumber: 1, Body: Buffer.from('x') });
    await client.multipartAbort({ ...E2E_BUCKET, Key, UploadId });
    const after = await sdkFailure(
      client.multipartUpload({ ...E2E_BUCKET, Key, UploadId, PartNumber: 2, Body: Buffer.from('y') }),
    );
    expect(after.statusCode).toBe(404);
    expect(cos.objects.has(Key)).toBe(false);
  });

  it("cannot read another user's object", async () => {
    const before = cos.requests.length;
    const failure = await sdkFailure(client.getObject({ ...E2E_BUCKET, Key: 'users/sdk_victim/secret.txt' }));
    if (mode === 'temporary credentials') {
      // The SDK signs this itself; COS refuses it: the key's policy ends at the caller's prefix.
      expect(failure.statusCode).toBe(403);
      expect(cos.requests.at(-1)).toMatchObject({ key: 'users/sdk_victim/secret.txt', code: 'AccessDenied' });
    } else {
      // The service refuses to sign it: the SDK never sends the request.
      expect(failure.message).toContain('format error');
      expect(
        cos.requests.slice(before).some((request) => request.key === 'users/sdk_victim/secret.txt'),
      ).toBe(false);
    }
  });

  it('asks the service sparingly: credentials once, signatures once per request', () => {
    if (mode === 'temporary credentials') expect(counter.calls).toBe(1);
    else expect(counter.calls).toBeGreaterThanOrEqual(12);
  });
});

describe('signing keys per user', () => {
  it('are fetched from STS once and reused until shortly before they expire', async () => {
    const issued = (await fakeSts.issued()).filter((key) =>
      key.policy.statement.some((statement) =>
        JSON.stringify(statement.resource).includes('/users/sdk_signs/'),
      ),
    );
    // Every signature above (a dozen) was made with one temporary key.
    expect(issued).toHaveLength(1);
    expect(issued[0]?.durationSeconds).toBe(7200);
  });
});
