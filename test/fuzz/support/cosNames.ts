import fc from 'fast-check';

// Names from COS's own lists (the common and per-API request headers, and the sub-resources and
// parameters of the object and bucket APIs, https://cloud.tencent.com/document/product/436), for the
// fuzz suite to add to COS requests in random letter case, and the README's default allowlist as an
// independent model for the oracle (deliberately not imported from lib/policy).

/** Request headers COS knows, allowlisted or not. */
export const COS_HEADER_NAMES = [
  // allowlisted by default (on some methods)
  'Content-Type',
  'Content-Length',
  'Content-MD5',
  'Content-Disposition',
  'Content-Encoding',
  'Cache-Control',
  'Expires',
  'Range',
  'If-Match',
  'If-None-Match',
  'If-Modified-Since',
  'If-Unmodified-Since',
  'x-cos-meta-owner',
  'User-Agent',
  // never allowlisted
  'x-cos-acl',
  'x-cos-grant-read',
  'x-cos-grant-read-acp',
  'x-cos-grant-write-acp',
  'x-cos-grant-full-control',
  'x-cos-copy-source',
  'x-cos-copy-source-range',
  'x-cos-copy-source-If-Match',
  'x-cos-copy-source-If-None-Match',
  'x-cos-copy-source-If-Modified-Since',
  'x-cos-metadata-directive',
  'x-cos-storage-class',
  'x-cos-tagging',
  'x-cos-tagging-directive',
  'x-cos-server-side-encryption',
  'x-cos-server-side-encryption-cos-kms-key-id',
  'x-cos-server-side-encryption-context',
  'x-cos-server-side-encryption-customer-algorithm',
  'x-cos-server-side-encryption-customer-key',
  'x-cos-server-side-encryption-customer-key-MD5',
  'x-cos-website-redirect-location',
  'x-cos-traffic-limit',
  'x-cos-forbid-overwrite',
  'x-cos-security-token',
  'x-cos-content-sha1',
  'x-cos-request-id',
  'x-ci-security-token',
  'Pic-Operations',
  'Authorization',
  'Transfer-Encoding',
  'Expect',
  'Origin',
  'Access-Control-Request-Method',
  'Date',
];

/** Sub-resources and parameters of COS requests, allowlisted or not. */
export const COS_QUERY_NAMES = [
  // operations and allowlisted parameters
  'uploads',
  'uploadId',
  'partNumber',
  'response-cache-control',
  'response-content-disposition',
  'response-expires',
  'max-parts',
  'part-number-marker',
  'encoding-type',
  // never allowlisted
  'acl',
  'tagging',
  'versionId',
  'versions',
  'restore',
  'select',
  'select-type',
  'append',
  'position',
  'ci-process',
  'response-content-type',
  'response-content-language',
  'response-content-encoding',
  'x-cos-traffic-limit',
  'imageMogr2',
  'imageInfo',
  'watermark',
  'delete',
  'cors',
  'policy',
  'lifecycle',
  'website',
  'referer',
  'inventory',
  'replication',
  'logging',
  'encryption',
  'domain',
  'object-lock',
  'retention',
  'legal-hold',
  'prefix',
  'max-keys',
  'marker',
  'delimiter',
];

/** A name in one of several letter cases: as listed, lower, upper, or flipped at random positions. */
export function caseVariant(names: readonly string[]): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...names), fc.nat(), fc.nat(3)).map(([name, bits, style]) => {
    if (style === 0) return name;
    if (style === 1) return name.toLowerCase();
    if (style === 2) return name.toUpperCase();
    return [...name].map((c, i) => ((bits >> (i % 30)) & 1 ? c.toUpperCase() : c.toLowerCase())).join('');
  });
}

/** A header value or parameter value COS might act on. */
export const cosValue = fc.constantFrom(
  '',
  'x',
  '1',
  '0',
  'public-read',
  'text/html',
  'image/png',
  'ARCHIVE',
  'AES256',
  'k=v',
  'bytes=0-9',
  'e2e-uploads-1250054321.cos.ap-guangzhou.myqcloud.com/users/victim/secret.jpg',
  '{"rules":[{"fileid":"/users/victim/x.jpg","rule":"imageMogr2/thumbnail/1x1"}]}',
);

const UPLOAD_HEADERS = [
  'content-type',
  'content-length',
  'content-md5',
  'content-disposition',
  'content-encoding',
  'cache-control',
  'expires',
  'x-cos-meta-*',
];

/** The README's default allowlist per method (lower case; `-*` is a prefix pattern). */
export const MODEL_ALLOWLIST: Readonly<
  Record<string, { headers: readonly string[]; query: readonly string[] }>
> = {
  GET: {
    headers: ['range', 'if-*', 'content-length'],
    query: [
      'response-cache-control',
      'response-content-disposition',
      'response-expires',
      'max-parts',
      'part-number-marker',
      'encoding-type',
    ],
  },
  HEAD: { headers: ['range', 'if-*', 'content-length'], query: [] },
  PUT: { headers: UPLOAD_HEADERS, query: [] },
  POST: { headers: UPLOAD_HEADERS, query: [] },
  DELETE: { headers: ['content-length'], query: [] },
};

/** The README's signable operations by default: method -> the sub-resource sets (exact spelling). */
export const MODEL_OPERATIONS: Readonly<Record<string, readonly string[]>> = {
  GET: ['', 'uploadId'],
  HEAD: [''],
  PUT: ['', 'partNumber&uploadId'],
  POST: ['uploads', 'uploadId'],
  DELETE: ['uploadId'],
};

/** The README's default upload media types. */
export const MODEL_UPLOAD_TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/heic',
  'image/heif',
  'video/mp4',
  'video/webm',
  'video/quicktime',
  'audio/mpeg',
  'audio/mp4',
  'audio/aac',
  'audio/ogg',
  'audio/wav',
  'audio/webm',
  'application/pdf',
  'application/zip',
  'application/octet-stream',
  'text/plain',
  'text/csv',
  'application/json',
];

/** Whether `name` (any case) is allowlisted for `method` in the model. */
export function modelHeaderAllowed(method: string, name: string): boolean {
  const lower = name.toLowerCase();
  return (MODEL_ALLOWLIST[method]?.headers ?? []).some((entry) =>
    entry.endsWith('-*')
      ? lower.startsWith(entry.slice(0, -1)) && lower.length > entry.length - 1
      : lower === entry,
  );
}
