import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CosSignV5Response } from '../../lib/tokens';
import type { FakeCos } from '../support/fakeCos';
import { rawCosRequest } from '../support/rawCosRequest';
import { type ApiResponse, fakeSts, post, sessionToken, TOKEN_FIELDS } from './support/client';
import { E2E_BUCKET, signingClient, startE2eCos } from './support/cosClients';
import { E2E_COS_HOST, E2E_SETTINGS } from './support/fixtures';

// Issue 7, tried as an attacker with a valid session: every request the service used to sign and must
// not is refused with a 4xx and a code that names what is wrong; and where COS's CAM policy can stop a
// request (a temporary key confined to the caller's prefix), a signature for an innocent request with
// the attack added unsigned is refused by the loopback COS as well. The cases below are the table of
// the README's "What /v1/cos/sign refuses".

const ATTACKER = 'mallory';
const VICTIM_KEY = 'users/bob_victim/secret.jpg';
const LOOT = `users/${ATTACKER}/loot.jpg`;
const UPLOAD = { 'Content-Type': 'image/jpeg', 'Content-Length': 0 };

let cos: FakeCos;
let token: string;
beforeAll(async () => {
  cos = await startE2eCos();
  cos.seed(VICTIM_KEY, 'private photo', 'image/jpeg');
  token = await sessionToken(ATTACKER);
});
afterAll(() => cos.close());

function expectRefused(response: ApiResponse, status: number, code: string, names?: string): void {
  expect({
    status: response.status,
    code: (response.json as { error?: { code?: string } }).error?.code,
  }).toEqual({
    status,
    code,
  });
  if (names !== undefined)
    expect((response.json as { error: { message: string } }).error.message).toContain(names);
  for (const field of TOKEN_FIELDS) expect(response.text).not.toContain(`"${field}"`);
}

const sign = (body: Record<string, unknown>, as = token) => post('/v1/cos/sign', { token: as, body });

describe('the service refuses to sign', () => {
  it.each([
    ['a copy (PUT Object-Copy)', 'x-cos-copy-source'],
    ['a copy, case variant', 'X-Cos-Copy-Source'],
    ['a copy, upper case', 'X-COS-COPY-SOURCE'],
    ['a copy condition', 'x-cos-copy-source-If-Match'],
    ['a metadata directive', 'x-cos-metadata-directive'],
    ['an ACL', 'x-cos-acl'],
    ['an ACL, case variant', 'X-Cos-Acl'],
    ['an ACL grant', 'x-cos-grant-read'],
    ['an ACL grant, case variant', 'X-Cos-Grant-Full-Control'],
    ['image processing', 'Pic-Operations'],
    ['image processing, lower case', 'pic-operations'],
    ['tagging', 'x-cos-tagging'],
    ['a storage class', 'x-cos-storage-class'],
    ['SSE-C', 'x-cos-server-side-encryption-customer-algorithm'],
    ['SSE-C', 'x-cos-server-side-encryption-customer-key'],
    ['SSE-C', 'x-cos-server-side-encryption-customer-key-MD5'],
    ['SSE-KMS', 'x-cos-server-side-encryption'],
    ['SSE-KMS', 'x-cos-server-side-encryption-cos-kms-key-id'],
    ['a website redirect', 'x-cos-website-redirect-location'],
    ['a security token of its own', 'x-cos-security-token'],
    ['a chunked upload', 'Transfer-Encoding'],
  ])('a PUT with %s header (%s): 403 HEADER_NOT_ALLOWED', async (_what, name) => {
    const value = name === 'x-cos-copy-source' ? `${E2E_COS_HOST}/${VICTIM_KEY}` : 'x';
    expectRefused(
      await sign({ method: 'PUT', key: LOOT, headers: { ...UPLOAD, [name]: value } }),
      403,
      'HEADER_NOT_ALLOWED',
      name,
    );
  });

  it('an UploadPart-Copy: 403 HEADER_NOT_ALLOWED', async () => {
    expectRefused(
      await sign({
        method: 'PUT',
        key: LOOT,
        query: { partNumber: 1, uploadId: 'anything' },
        headers: { 'Content-Length': 0, 'x-cos-copy-source': `${E2E_COS_HOST}/${VICTIM_KEY}` },
      }),
      403,
      'HEADER_NOT_ALLOWED',
      'x-cos-copy-source',
    );
  });

  it.each([
    ['GET', 'acl'],
    ['GET', 'ACL'],
    ['PUT', 'acl'],
    ['GET', 'tagging'],
    ['PUT', 'Tagging'],
    ['GET', 'response-content-type'],
    ['GET', 'Response-Content-Type'],
    ['GET', 'response-content-encoding'],
    ['GET', 'ci-process'],
    ['GET', 'CI-Process'],
    ['GET', 'versionId'],
    ['GET', 'x-cos-traffic-limit'],
    ['DELETE', 'UploadId'],
  ])('a %s with the parameter %s: 403 QUERY_NOT_ALLOWED', async (method, name) => {
    const headers = method === 'PUT' ? UPLOAD : {};
    expectRefused(
      await sign({
        method,
        key: `users/${ATTACKER}/a.jpg`,
        headers,
        query: { [name]: name === 'response-content-type' ? 'text/html' : '' },
      }),
      403,
      'QUERY_NOT_ALLOWED',
      name,
    );
  });

  it.each([
    ['text/html'],
    ['TEXT/HTML; charset=utf-8'],
    ['image/svg+xml'],
    ['application/xhtml+xml'],
    ['text/xml'],
    ['image/png, text/html'],
  ])('an upload of active content (%s): 403 CONTENT_TYPE_NOT_ALLOWED, for PUT and multipart', async (type) => {
    const headers = { 'Content-Type': type, 'Content-Length': 10 };
    expectRefused(
      await sign({ method: 'PUT', key: `users/${ATTACKER}/x.html`, headers }),
      403,
      'CONTENT_TYPE_NOT_ALLOWED',
    );
    expectRefused(
      await sign({
        method: 'POST',
        key: `users/${ATTACKER}/x.html`,
        query: { uploads: '' },
        headers: { 'Content-Type': type },
      }),
      403,
      'CONTENT_TYPE_NOT_ALLOWED',
    );
  });

  it('uploads without a signed length or type, or larger than the limit', async () => {
    const key = `users/${ATTACKER}/big.bin`;
    expectRefused(
      await sign({ method: 'PUT', key, headers: { 'Content-Type': 'image/png' } }),
      400,
      'CONTENT_LENGTH_REQUIRED',
    );
    expectRefused(
      await sign({ method: 'PUT', key, headers: { 'Content-Length': 1 } }),
      400,
      'CONTENT_TYPE_REQUIRED',
    );
    expectRefused(
      await sign({
        method: 'PUT',
        key,
        headers: { 'Content-Type': 'image/png', 'Content-Length': E2E_SETTINGS.cosMaxUploadBytes + 1 },
      }),
      403,
      'UPLOAD_TOO_LARGE',
    );
    expectRefused(
      await sign({
        method: 'PUT',
        key,
        query: { partNumber: 2, uploadId: 'u' },
        headers: { 'Content-Length': E2E_SETTINGS.cosMaxUploadBytes + 1 },
      }),
      403,
      'UPLOAD_TOO_LARGE',
    );
    expect(
      (
        await sign({
          method: 'PUT',
          key,
          headers: { 'Content-Type': 'image/png', 'Content-Length': E2E_SETTINGS.cosMaxUploadBytes },
        })
      ).status,
    ).toBe(200);
  });

  it("another user's key, in every form", async () => {
    for (const body of [
      { method: 'GET', key: VICTIM_KEY },
      { method: 'PUT', key: VICTIM_KEY, headers: UPLOAD },
      { method: 'POST', key: VICTIM_KEY, query: { uploads: '' }, headers: { 'Content-Type': 'image/png' } },
      { version: 'v4', type: 'reusable', key: VICTIM_KEY },
    ]) {
      expectRefused(await sign(body), 403, 'KEY_OUTSIDE_PREFIX');
    }
    expectRefused(await sign({ method: 'GET', key: VICTIM_KEY, userId: 'bob_victim' }), 403, 'USER_MISMATCH');
  });

  it('a legacy v4 one-time signature, which never expires', async () => {
    expectRefused(
      await sign({ version: 'v4', type: 'once', key: `users/${ATTACKER}/a.jpg` }),
      403,
      'V4_ONCE_DISABLED',
    );
  });

  it('bucket-level operations: the bucket, listings, form uploads, deletes', async () => {
    expectRefused(await sign({ method: 'GET', key: '' }), 400, 'INVALID_KEY');
    expectRefused(await sign({ method: 'GET', key: `users/${ATTACKER}/` }), 403, 'KEY_OUTSIDE_PREFIX');
    expectRefused(
      await sign({ method: 'GET', key: `users/${ATTACKER}/a`, query: { uploads: '' } }),
      403,
      'OPERATION_NOT_ALLOWED',
    );
    expectRefused(await sign({ method: 'POST', key: `users/${ATTACKER}/a` }), 403, 'OPERATION_NOT_ALLOWED');
    expectRefused(await sign({ method: 'DELETE', key: `users/${ATTACKER}/a` }), 403, 'OPERATION_NOT_ALLOWED');
  });

  it('and asks STS for nothing while it refuses', async () => {
    const fresh = await sessionToken('mallory_refused');
    await sign({ method: 'PUT', key: LOOT, headers: { ...UPLOAD, 'x-cos-acl': 'public-read' } }, fresh);
    await sign({ method: 'GET', key: VICTIM_KEY }, fresh);
    const issued = await fakeSts.issued();
    expect(issued.filter((key) => JSON.stringify(key.policy).includes('/users/mallory_refused/'))).toEqual(
      [],
    );
  });
});

describe('COS refuses the attacks added unsigned to a signature for an innocent request', () => {
  /** A signature for an innocent PUT of an empty image into the attacker's prefix. */
  async function innocentPut(key: string): Promise<CosSignV5Response> {
    const response = await sign({ method: 'PUT', key, headers: UPLOAD });
    expect(response.status).toBe(200);
    return response.json as CosSignV5Response;
  }

  function send(
    signed: CosSignV5Response,
    extra: { headers?: Record<string, string>; query?: Record<string, string>; key?: string },
  ) {
    return rawCosRequest(cos.proxyUrl, E2E_COS_HOST, {
      method: signed.method,
      key: extra.key ?? signed.key,
      ...(extra.query ? { query: extra.query } : {}),
      headers: { ...signed.headers, Authorization: signed.authorization, ...extra.headers },
    });
  }

  it('the innocent request itself goes through', async () => {
    const response = await send(await innocentPut(`users/${ATTACKER}/innocent.jpg`), {});
    expect(response.status).toBe(200);
    expect(cos.requests.at(-1)?.keyKind).toBe('temporary');
  });

  it('an unsigned copy source: AccessDenied (the key may not read the source)', async () => {
    const response = await send(await innocentPut(LOOT), {
      headers: { 'x-cos-copy-source': `${E2E_COS_HOST}/${VICTIM_KEY}` },
    });
    expect(response.code).toBe('AccessDenied');
    expect(cos.requests.at(-1)?.actions).toEqual(['name/cos:PutObject', 'name/cos:GetObject']);
    expect(cos.objects.has(LOOT)).toBe(false);
  });

  it('an unsigned UploadPart-Copy source: AccessDenied', async () => {
    const client = signingClient(cos, ATTACKER);
    const Key = `users/${ATTACKER}/assembled.jpg`;
    const { UploadId } = await client.multipartInit({ ...E2E_BUCKET, Key, ContentType: 'image/jpeg' });
    const part = await sign({
      method: 'PUT',
      key: Key,
      query: { partNumber: 1, uploadId: UploadId },
      headers: { 'Content-Length': 0 },
    });
    expect(part.status).toBe(200);
    const response = await send(part.json as CosSignV5Response, {
      query: { partNumber: '1', uploadId: UploadId },
      headers: { 'x-cos-copy-source': `${E2E_COS_HOST}/${VICTIM_KEY}` },
    });
    expect(response.code).toBe('AccessDenied');
  });

  it.each([
    ['an ACL header', { headers: { 'x-cos-acl': 'public-read' } }, 'name/cos:PutObjectACL'],
    [
      'an ACL grant',
      { headers: { 'x-cos-grant-read': 'id="qcs::cam::anyone:anyone"' } },
      'name/cos:PutObjectACL',
    ],
    [
      'the acl sub-resource',
      { query: { acl: '' }, headers: { 'x-cos-acl': 'public-read' } },
      'name/cos:PutObjectACL',
    ],
    ['a tagging header', { headers: { 'x-cos-tagging': 'k=v' } }, 'name/cos:PutObjectTagging'],
    ['the tagging sub-resource', { query: { tagging: '' } }, 'name/cos:PutObjectTagging'],
    [
      'Pic-Operations',
      {
        headers: { 'Pic-Operations': '{"rules":[{"fileid":"/users/bob_victim/x.jpg","rule":"imageMogr2"}]}' },
      },
      'name/ci:ProcessObject',
    ],
  ])('%s: AccessDenied', async (_what, extra, action) => {
    const response = await send(await innocentPut(`users/${ATTACKER}/t.jpg`), extra);
    expect(response.code).toBe('AccessDenied');
    expect(cos.requests.at(-1)?.actions).toContain(action);
  });

  it('ci-process on a read: AccessDenied', async () => {
    await send(await innocentPut(`users/${ATTACKER}/pic.jpg`), {});
    const read = await sign({ method: 'GET', key: `users/${ATTACKER}/pic.jpg` });
    const response = await send(read.json as CosSignV5Response, { query: { 'ci-process': 'originImage' } });
    expect(response.code).toBe('AccessDenied');
  });

  it("the signature on another user's key: SignatureDoesNotMatch, and the policy would refuse it too", async () => {
    const read = await sign({ method: 'GET', key: `users/${ATTACKER}/pic.jpg` });
    const response = await send(read.json as CosSignV5Response, { key: VICTIM_KEY });
    expect(response.code).toBe('SignatureDoesNotMatch');
  });

  it("known limits, documented in the README: what the policy does not cover stays in the caller's prefix", async () => {
    // A storage class: COS takes the unsigned header; the object is the caller's own.
    const stored = await send(await innocentPut(`users/${ATTACKER}/cold.jpg`), {
      headers: { 'x-cos-storage-class': 'ARCHIVE' },
    });
    expect(stored.status).toBe(200);
    // A response-content-type override appended to a read of the caller's own object is served.
    const read = await sign({ method: 'GET', key: `users/${ATTACKER}/cold.jpg` });
    const served = await send(read.json as CosSignV5Response, {
      query: { 'response-content-type': 'text/html' },
    });
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toBe('text/html');
  });
});
