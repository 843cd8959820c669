import type { CosMethod } from './cosOperations';

// What a COS request signature may cover besides the method, the key and the operation's own
// sub-resource parameters: per method, the request headers and query parameters that are allowed (deny
// by default). Names match ignoring ASCII case; a header pattern ending in "-*" matches every name
// with that prefix. These are the defaults of COS_SIGN_ALLOWLIST and COS_UPLOAD_CONTENT_TYPES.

/** Allowed header names (or `prefix-*` patterns) and query parameter names of one method. */
export interface CosMethodAllowlist {
  readonly headers: readonly string[];
  readonly query: readonly string[];
}

/** Per method; a method that is absent has nothing allowed beyond the sub-resources of its operations. */
export type CosSignAllowlist = Readonly<Partial<Record<CosMethod, CosMethodAllowlist>>>;

/** Object metadata an upload may set (PutObject, InitiateMultipartUpload). */
const UPLOAD_HEADERS = [
  'Content-Type',
  'Content-Length',
  'Content-MD5',
  'Content-Disposition',
  'Content-Encoding',
  'Cache-Control',
  'Expires',
  'x-cos-meta-*',
];

/**
 * The default allowlist. Not in it, among others: `x-cos-copy-source*` (copies), `x-cos-acl` and
 * `x-cos-grant-*` (ACLs), `x-cos-tagging`, `x-cos-storage-class`, `x-cos-server-side-encryption*` (SSE-C,
 * SSE-KMS), `x-cos-website-redirect-location`, `Pic-Operations`, `x-cos-traffic-limit`, and the query
 * parameters `acl`, `tagging`, `versionId`, `response-content-type`, `ci-process`.
 *
 * @example
 * ```ts
 * DEFAULT_COS_SIGN_ALLOWLIST.GET?.query; // ['response-cache-control', ...]
 * ```
 */
export const DEFAULT_COS_SIGN_ALLOWLIST: CosSignAllowlist = {
  GET: {
    headers: ['Range', 'If-*', 'Content-Length'],
    // response-* overrides of caching and download name; ListParts paging.
    query: [
      'response-cache-control',
      'response-content-disposition',
      'response-expires',
      'max-parts',
      'part-number-marker',
      'encoding-type',
    ],
  },
  HEAD: { headers: ['Range', 'If-*', 'Content-Length'], query: [] },
  PUT: { headers: UPLOAD_HEADERS, query: [] },
  POST: { headers: UPLOAD_HEADERS, query: [] },
  DELETE: { headers: ['Content-Length'], query: [] },
};

/**
 * Media types an upload may declare, compared ignoring case and parameters. Deny by default: active
 * content that a browser would run from the bucket's domain (`text/html`, `image/svg+xml`,
 * `application/xhtml+xml`, `text/xml`, `application/xml`, `text/javascript`, ...) is not in it.
 * Wildcards are not supported on purpose: `image/*` would include `image/svg+xml`.
 *
 * @example
 * ```ts
 * DEFAULT_UPLOAD_CONTENT_TYPES.includes('image/png'); // true
 * ```
 */
export const DEFAULT_UPLOAD_CONTENT_TYPES: readonly string[] = [
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

/**
 * Headers that only the server sets: the signed `Host` (from configuration) and, with a temporary key,
 * `x-cos-security-token`; `Authorization` is the signature itself. Never in an allowlist.
 */
export const SERVER_OWNED_HEADERS: readonly string[] = ['host', 'authorization', 'x-cos-security-token'];

/**
 * Tells whether a header name matches an allowlist entry: the same name ignoring ASCII case, or a
 * `prefix-*` pattern whose prefix it starts with (ignoring case) and extends.
 *
 * @example
 * ```ts
 * headerMatches('X-Cos-Meta-Owner', 'x-cos-meta-*'); // true
 * headerMatches('x-cos-meta-', 'x-cos-meta-*'); // false: nothing after the prefix
 * ```
 */
export function headerMatches(name: string, entry: string): boolean {
  const lowerName = name.toLowerCase();
  const lowerEntry = entry.toLowerCase();
  if (!lowerEntry.endsWith('-*')) return lowerName === lowerEntry;
  const prefix = lowerEntry.slice(0, -1);
  return lowerName.startsWith(prefix) && lowerName.length > prefix.length;
}
