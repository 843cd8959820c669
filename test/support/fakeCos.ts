import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import COS from 'cos-nodejs-sdk-v5';
import { type FakeCamPolicy, fakeTmpSecretKey, readFakeSessionToken } from './fakeTemporaryKeys';
import { readRequestBody } from './readRequestBody';

// A loopback stand-in for one COS bucket (XML API v5) that the official cos-nodejs-sdk-v5 client talks
// to through its `Proxy` option (absolute-URI requests that keep the bucket's real Host). Every request
// must carry a signature that recomputes with the SDK's own `COS.getAuthorization` over what arrived:
// the method, the path, and the query parameters and headers the signature lists. Like COS, it accepts
// headers and parameters the signature does not list, and acts on them: that is what lets an unsigned
// `x-cos-copy-source` turn a PUT into a copy. What stops such a request is the key's CAM policy: a
// temporary key from the loopback STS carries the policy STS issued for it, and every action the
// request needs (the copy source's GetObject included) must be allowed on its resource. Permanent keys
// may have a policy too; without one they may do everything, as a bucket owner's key can.
//
// Objects, multipart uploads, copies, ACL and tagging writes, and response-* overrides are emulated;
// other operations are authorized and then answered 501 NotImplemented.

/** A permanent key the fake accepts, with its CAM policy (absent: everything allowed). */
export interface FakeCosPermanentKey {
  readonly secretKey: string;
  readonly policy?: FakeCamPolicy;
}

/**
 * Options of {@link startFakeCos}.
 *
 * @example
 * ```ts
 * const cos = await startFakeCos({ appId, bucket, region, permanentKeys: { [secretId]: { secretKey } }, stsSeed });
 * ```
 */
export interface FakeCosOptions {
  readonly appId: string;
  /** The full bucket name `<name>-<appId>`. */
  readonly bucket: string;
  readonly region: string;
  /** The host clients sign and send; default `<bucket>.cos.<region>.myqcloud.com`. */
  readonly host?: string;
  readonly permanentKeys: Readonly<Record<string, FakeCosPermanentKey>>;
  /** The seed of the loopback STS (fakeTemporaryKeys.ts): temporary keys are checked with it. */
  readonly stsSeed: string;
  /** ms since the epoch. */
  readonly now?: () => number;
}

/** A stored object. */
export interface FakeCosObject {
  readonly body: Buffer;
  readonly contentType: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly etag: string;
  /** ACL and tagging set on it (by header or sub-resource), for tests that look. */
  readonly acl?: string;
  readonly tagging?: string;
}

/** One request the fake answered. */
export interface FakeCosRequest {
  readonly method: string;
  readonly key: string;
  /** The CAM actions it needed (the first on the key, then a copy source's). */
  readonly actions: readonly string[];
  readonly status: number;
  /** `OK` or the COS error code. */
  readonly code: string;
  /** `temporary`, `permanent` or `anonymous`. */
  readonly keyKind: string;
}

/**
 * A running fake bucket.
 *
 * @example
 * ```ts
 * const cos = await startFakeCos(options);
 * new COS({ Protocol: 'http:', Proxy: cos.proxyUrl, getAuthorization });
 * ```
 */
export interface FakeCos {
  /** For the SDK's `Proxy` option, e.g. `http://127.0.0.1:49153`. */
  readonly proxyUrl: string;
  readonly host: string;
  readonly objects: ReadonlyMap<string, FakeCosObject>;
  readonly requests: readonly FakeCosRequest[];
  /** Stores an object directly (e.g. another user's file to steal). */
  seed(key: string, body: string | Buffer, contentType?: string): void;
  resetRequests(): void;
  close(): Promise<void>;
}

class CosAnswer extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Upload {
  readonly key: string;
  readonly contentType: string;
  readonly metadata: Record<string, string>;
  readonly parts: Map<number, { body: Buffer; etag: string }>;
}

interface Authorized {
  readonly keyKind: string;
  readonly policy?: FakeCamPolicy;
}

/** A permission a request needs: a CAM action on a resource. */
interface Need {
  readonly action: string;
  readonly resource: string;
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;
const SIGNATURE_FIELDS = [
  'q-sign-algorithm',
  'q-ak',
  'q-sign-time',
  'q-key-time',
  'q-header-list',
  'q-url-param-list',
  'q-signature',
] as const;

/**
 * Starts a fake COS bucket on loopback.
 *
 * @example
 * ```ts
 * const cos = await startFakeCos({ appId: '1250000000', bucket: 'uploads-1250000000', region: 'ap-guangzhou',
 *   permanentKeys: {}, stsSeed: 'seed' });
 * await cos.close();
 * ```
 */
export async function startFakeCos(options: FakeCosOptions): Promise<FakeCos> {
  const now = options.now ?? Date.now;
  const host = options.host ?? `${options.bucket}.cos.${options.region}.myqcloud.com`;
  const objects = new Map<string, FakeCosObject>();
  const uploads = new Map<string, Upload>();
  const requests: FakeCosRequest[] = [];
  const resourceOf = (bucket: string, region: string, key: string) =>
    `qcs::cos:${region}:uid/${options.appId}:${bucket}/${key}`;

  const authenticate = (
    request: IncomingMessage,
    method: string,
    key: string,
    query: Map<string, string>,
  ): Authorized => {
    const header = request.headers.authorization;
    const fields = new Map<string, string>();
    if (typeof header === 'string' && header !== '') {
      for (const part of header.split('&')) {
        const at = part.indexOf('=');
        if (at > 0) fields.set(part.slice(0, at), part.slice(at + 1));
      }
    } else {
      // A pre-signed URL carries the same fields as parameters.
      for (const name of SIGNATURE_FIELDS) {
        const value = query.get(name);
        if (value !== undefined) fields.set(name, value);
      }
    }
    if (fields.size === 0) return { keyKind: 'anonymous', policy: { version: '2.0', statement: [] } };
    if (SIGNATURE_FIELDS.some((name) => !fields.has(name)) || fields.get('q-sign-algorithm') !== 'sha1') {
      throw new CosAnswer(403, 'AccessDenied', 'Malformed Authorization.');
    }
    const keyTime = fields.get('q-key-time') as string;
    const [start, end] = keyTime.split(';').map(Number);
    const nowSeconds = Math.floor(now() / 1000);
    if (fields.get('q-sign-time') !== keyTime || !(start !== undefined && end !== undefined)) {
      throw new CosAnswer(403, 'AccessDenied', 'Malformed key time.');
    }
    if (nowSeconds < start || nowSeconds > end) {
      throw new CosAnswer(403, 'AccessDenied', 'Request has expired or is not yet valid.');
    }

    const secretId = fields.get('q-ak') as string;
    let secretKey: string;
    let authorized: Authorized;
    const permanent = options.permanentKeys[secretId];
    if (permanent !== undefined) {
      secretKey = permanent.secretKey;
      authorized = { keyKind: 'permanent', ...(permanent.policy ? { policy: permanent.policy } : {}) };
    } else {
      const token = request.headers['x-cos-security-token'] ?? query.get('x-cos-security-token');
      const claims = readFakeSessionToken(options.stsSeed, token);
      if (claims === undefined || claims.tmpSecretId !== secretId) {
        throw new CosAnswer(403, 'InvalidAccessKeyId', 'The access key id or its security token is invalid.');
      }
      if (claims.expiredTime < nowSeconds) throw new CosAnswer(403, 'ExpiredToken', 'The token has expired.');
      secretKey = fakeTmpSecretKey(options.stsSeed, secretId);
      authorized = { keyKind: 'temporary', policy: claims.policy };
    }

    // Recompute over what arrived: only the listed parameters and headers, with the values that came.
    const listedQuery: Record<string, string> = {};
    const queryList = fields.get('q-url-param-list') as string;
    for (const name of queryList === '' ? [] : queryList.split(';')) {
      for (const [received, value] of query)
        if (received.toLowerCase() === name) listedQuery[received] = value;
    }
    const listedHeaders: Record<string, string> = {};
    const headerList = fields.get('q-header-list') as string;
    for (const name of headerList === '' ? [] : headerList.split(';')) {
      const value = request.headers[name];
      if (typeof value === 'string') listedHeaders[name] = value;
    }
    const recomputed = COS.getAuthorization({
      SecretId: secretId,
      SecretKey: secretKey,
      Method: method as COS.Method,
      Pathname: `/${key}`,
      Query: listedQuery,
      Headers: listedHeaders,
      KeyTime: keyTime,
    });
    const expected = new Map(recomputed.split('&').map((part) => part.split('=', 2) as [string, string]));
    if (SIGNATURE_FIELDS.some((name) => expected.get(name) !== fields.get(name))) {
      throw new CosAnswer(403, 'SignatureDoesNotMatch', 'The calculated signature does not match.');
    }
    return authorized;
  };

  const needs = (
    request: IncomingMessage,
    method: string,
    key: string,
    query: Map<string, string>,
  ): Need[] => {
    const resource = resourceOf(options.bucket, options.region, key);
    const need = (action: string, on = resource): Need => ({ action: `name/cos:${action}`, resource: on });
    const has = (name: string) => query.has(name);
    const header = (name: string) => request.headers[name];
    const list: Need[] = [];
    if (key === '') {
      const bucketAction: Record<string, string> = {
        GET: has('uploads') ? 'ListMultipartUploads' : 'GetBucket',
        HEAD: 'HeadBucket',
        PUT: 'PutBucket',
        DELETE: 'DeleteBucket',
        POST: 'PostObject',
      };
      return [need(bucketAction[method] ?? `Bucket${method}`)];
    }
    switch (method) {
      case 'GET':
        list.push(
          need(
            has('acl')
              ? 'GetObjectACL'
              : has('tagging')
                ? 'GetObjectTagging'
                : has('uploadId')
                  ? 'ListParts'
                  : 'GetObject',
          ),
        );
        break;
      case 'HEAD':
        list.push(need('HeadObject'));
        break;
      case 'PUT':
        if (has('acl')) list.push(need('PutObjectACL'));
        else if (has('tagging')) list.push(need('PutObjectTagging'));
        else list.push(need(has('uploadId') && has('partNumber') ? 'UploadPart' : 'PutObject'));
        break;
      case 'POST':
        list.push(
          need(
            has('uploads')
              ? 'InitiateMultipartUpload'
              : has('uploadId')
                ? 'CompleteMultipartUpload'
                : has('restore')
                  ? 'PostObjectRestore'
                  : has('select')
                    ? 'GetObject'
                    : 'PostObject',
          ),
        );
        break;
      case 'DELETE':
        list.push(
          need(
            has('uploadId')
              ? 'AbortMultipartUpload'
              : has('tagging')
                ? 'DeleteObjectTagging'
                : 'DeleteObject',
          ),
        );
        break;
      default:
        list.push(need(`Object${method}`));
    }
    // Header-borne side effects need their own actions, as the CAM action list says.
    if (
      header('x-cos-acl') !== undefined ||
      Object.keys(request.headers).some((name) => name.startsWith('x-cos-grant-'))
    ) {
      list.push(need('PutObjectACL'));
    }
    if (header('x-cos-tagging') !== undefined) list.push(need('PutObjectTagging'));
    if (header('pic-operations') !== undefined || has('ci-process')) {
      list.push({ action: 'name/ci:ProcessObject', resource });
    }
    const copySource = header('x-cos-copy-source');
    if (typeof copySource === 'string') {
      const source = parseCopySource(copySource);
      list.push(
        need(
          'GetObject',
          source === undefined ? 'invalid-copy-source' : resourceOf(source.bucket, source.region, source.key),
        ),
      );
    }
    return list;
  };

  const allowed = (policy: FakeCamPolicy | undefined, wanted: Need): boolean => {
    if (policy === undefined) return true;
    return policy.statement.some((statement) => {
      if (statement.effect !== 'allow') return false;
      const actions = typeof statement.action === 'string' ? [statement.action] : statement.action;
      const resources = typeof statement.resource === 'string' ? [statement.resource] : statement.resource;
      return (
        actions.some((action) => action === wanted.action || action === 'name/cos:*') &&
        resources.some((pattern) => globMatches(pattern, wanted.resource))
      );
    });
  };

  const execute = (
    request: IncomingMessage,
    response: ServerResponse,
    method: string,
    key: string,
    query: Map<string, string>,
    body: Buffer,
  ): void => {
    const header = (name: string): string | undefined => {
      const value = request.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    const metadataOf = (): Record<string, string> =>
      Object.fromEntries(
        Object.entries(request.headers).filter(
          (entry): entry is [string, string] =>
            entry[0].startsWith('x-cos-meta-') && typeof entry[1] === 'string',
        ),
      );
    const found = (): FakeCosObject => {
      const object = objects.get(key);
      if (object === undefined) throw new CosAnswer(404, 'NoSuchKey', 'The specified key does not exist.');
      return object;
    };
    const upload = (): Upload => {
      const id = query.get('uploadId') ?? '';
      const entry = uploads.get(id);
      if (entry === undefined || entry.key !== key)
        throw new CosAnswer(404, 'NoSuchUpload', 'No such upload.');
      return entry;
    };

    if (key === '') throw new CosAnswer(501, 'NotImplemented', 'Bucket operations are not emulated.');
    if (method === 'GET' && query.has('uploadId')) {
      const entry = upload();
      const parts = [...entry.parts.entries()]
        .sort(([a], [b]) => a - b)
        .map(
          ([n, part]) =>
            `<Part><PartNumber>${n}</PartNumber><ETag>${part.etag}</ETag><Size>${part.body.length}</Size></Part>`,
        )
        .join('');
      sendXml(
        response,
        200,
        `<ListPartsResult><Bucket>${options.bucket}</Bucket><Key>${xml(key)}</Key><UploadId>${query.get('uploadId')}</UploadId><IsTruncated>false</IsTruncated>${parts}</ListPartsResult>`,
      );
      return;
    }
    if ((method === 'GET' || method === 'HEAD') && !query.has('acl') && !query.has('tagging')) {
      const object = found();
      response.writeHead(200, {
        // A response-content-type override is served as COS serves it: that is why it is not signable.
        'content-type': query.get('response-content-type') ?? object.contentType,
        'content-length': object.body.length,
        etag: object.etag,
        ...object.metadata,
        ...(query.has('response-content-disposition')
          ? { 'content-disposition': query.get('response-content-disposition') }
          : {}),
      });
      response.end(method === 'HEAD' ? undefined : object.body);
      return;
    }
    if (method === 'PUT' && (query.has('acl') || query.has('tagging'))) {
      const object = found();
      objects.set(key, {
        ...object,
        ...(query.has('acl')
          ? { acl: header('x-cos-acl') ?? body.toString('utf8') }
          : { tagging: body.toString('utf8') }),
      });
      sendEmpty(response, 200);
      return;
    }
    if (method === 'PUT') {
      const copySource = header('x-cos-copy-source');
      let data = body;
      if (copySource !== undefined) {
        const source = parseCopySource(copySource);
        const object = source && source.bucket === options.bucket ? objects.get(source.key) : undefined;
        if (object === undefined) throw new CosAnswer(404, 'NoSuchKey', 'The copy source does not exist.');
        data = object.body;
      } else if (header('content-length') === undefined) {
        throw new CosAnswer(411, 'MissingContentLength', 'Content-Length is required.');
      }
      const etag = `"${createHash('md5').update(data).digest('hex')}"`;
      if (query.has('uploadId') && query.has('partNumber')) {
        upload().parts.set(Number(query.get('partNumber')), { body: data, etag });
      } else {
        const tagging = header('x-cos-tagging');
        const acl = header('x-cos-acl');
        objects.set(key, {
          body: data,
          contentType: header('content-type') ?? 'application/octet-stream',
          metadata: metadataOf(),
          etag,
          ...(acl === undefined ? {} : { acl }),
          ...(tagging === undefined ? {} : { tagging }),
        });
      }
      if (copySource !== undefined) {
        sendXml(response, 200, `<CopyObjectResult><ETag>${etag}</ETag></CopyObjectResult>`);
      } else {
        response.writeHead(200, { etag, 'content-length': 0 });
        response.end();
      }
      return;
    }
    if (method === 'POST' && query.has('uploads')) {
      const id = `${Math.floor(now() / 1000)}${randomBytes(16).toString('hex')}`;
      uploads.set(id, {
        key,
        contentType: header('content-type') ?? 'application/octet-stream',
        metadata: metadataOf(),
        parts: new Map(),
      });
      sendXml(
        response,
        200,
        `<InitiateMultipartUploadResult><Bucket>${options.bucket}</Bucket><Key>${xml(key)}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`,
      );
      return;
    }
    if (method === 'POST' && query.has('uploadId')) {
      const entry = upload();
      const listed = [
        ...body.toString('utf8').matchAll(/<PartNumber>(\d+)<\/PartNumber>\s*<ETag>([^<]*)<\/ETag>/g),
      ];
      if (listed.length === 0) throw new CosAnswer(400, 'MalformedXML', 'No parts.');
      const chunks = listed.map(([, n, etag]) => {
        const part = entry.parts.get(Number(n));
        if (part === undefined || part.etag.replace(/"/g, '') !== (etag ?? '').replace(/&quot;|"/g, '')) {
          throw new CosAnswer(400, 'InvalidPart', 'A listed part was not uploaded.');
        }
        return part.body;
      });
      const data = Buffer.concat(chunks);
      const etag = `"${createHash('md5').update(data).digest('hex')}-${chunks.length}"`;
      objects.set(key, { body: data, contentType: entry.contentType, metadata: entry.metadata, etag });
      uploads.delete(query.get('uploadId') ?? '');
      sendXml(
        response,
        200,
        `<CompleteMultipartUploadResult><Location>${host}/${xml(key)}</Location><Bucket>${options.bucket}</Bucket><Key>${xml(key)}</Key><ETag>${etag}</ETag></CompleteMultipartUploadResult>`,
      );
      return;
    }
    if (method === 'DELETE' && query.has('uploadId')) {
      upload();
      uploads.delete(query.get('uploadId') ?? '');
      sendEmpty(response, 204);
      return;
    }
    if (method === 'DELETE' && !query.has('tagging')) {
      objects.delete(key);
      sendEmpty(response, 204);
      return;
    }
    throw new CosAnswer(501, 'NotImplemented', 'This operation is not emulated.');
  };

  const server = createServer((request, response) => {
    readBody(request)
      .then((body) => {
        const method = request.method ?? 'GET';
        let key = '';
        let actions: string[] = [];
        let keyKind = 'anonymous';
        try {
          const target = new URL(request.url ?? '/', `http://${request.headers.host ?? 'missing'}`);
          if (target.host !== host || request.headers.host !== host) {
            throw new CosAnswer(404, 'NoSuchBucket', 'The specified bucket does not exist.');
          }
          key = target.pathname
            .slice(1)
            .split('/')
            .map((segment) => decodeURIComponent(segment))
            .join('/');
          const query = parseQuery(target.search.slice(1));
          const authorized = authenticate(request, method, key, query);
          keyKind = authorized.keyKind;
          const wanted = needs(request, method, key, query);
          actions = wanted.map((need) => need.action);
          const denied = wanted.find((need) => !allowed(authorized.policy, need));
          if (denied !== undefined) {
            throw new CosAnswer(
              403,
              'AccessDenied',
              `Access denied: ${denied.action} on ${denied.resource}.`,
            );
          }
          execute(request, response, method, key, query, body);
          requests.push({ method, key, actions, status: response.statusCode, code: 'OK', keyKind });
        } catch (error) {
          const answer =
            error instanceof CosAnswer ? error : new CosAnswer(500, 'InternalError', String(error));
          requests.push({ method, key, actions, status: answer.status, code: answer.code, keyKind });
          sendXml(
            response,
            answer.status,
            `<Error><Code>${answer.code}</Code><Message>${xml(answer.message)}</Message><Resource>${xml(`${host}/${key}`)}</Resource><RequestId>${randomUUID()}</RequestId></Error>`,
          );
        }
      })
      .catch(() => request.socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    proxyUrl: `http://127.0.0.1:${port}`,
    host,
    objects,
    get requests() {
      return [...requests];
    },
    seed(key, body, contentType = 'text/plain') {
      const data = Buffer.from(body);
      objects.set(key, {
        body: data,
        contentType,
        metadata: {},
        etag: `"${createHash('md5').update(data).digest('hex')}"`,
      });
    },
    resetRequests() {
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}

/** `<bucket>.cos.<region>.myqcloud.com/<key>[?versionId=...]`, the key URL-encoded. */
function parseCopySource(value: string): { bucket: string; region: string; key: string } | undefined {
  const match = /^(?:https?:\/\/)?([a-z0-9-]+)\.cos\.([a-z0-9-]+)\.myqcloud\.com\/([^?]*)/.exec(value);
  if (match === null) return undefined;
  const [, bucket = '', region = '', encodedKey = ''] = match;
  try {
    return { bucket, region, key: decodeURIComponent(encodedKey) };
  } catch {
    return undefined;
  }
}

/** CAM's resource wildcard: `*` matches any run of characters. */
function globMatches(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`);
  return regex.test(value);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Raw query parsing: `+` is a plus (the SDKs percent-encode spaces), a name without `=` has value ''. */
function parseQuery(search: string): Map<string, string> {
  const query = new Map<string, string>();
  if (search === '') return query;
  for (const part of search.split('&')) {
    const at = part.indexOf('=');
    const name = decodeURIComponent(at < 0 ? part : part.slice(0, at));
    query.set(name, at < 0 ? '' : decodeURIComponent(part.slice(at + 1)));
  }
  return query;
}

function xml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return readRequestBody(request, MAX_BODY_BYTES);
}

function sendXml(response: ServerResponse, status: number, body: string): void {
  const text = `<?xml version='1.0' encoding='utf-8' ?>${body}`;
  response.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(text),
    'x-cos-request-id': randomUUID(),
  });
  response.end(text);
}

function sendEmpty(response: ServerResponse, status: number): void {
  response.writeHead(status, { 'content-length': 0, 'x-cos-request-id': randomUUID() });
  response.end();
}
