import { cosUriEncode } from './cosEncoding';

// cos-nodejs-sdk-v5 3.x `signHeaders`; 2.x lacked cache-control and content-type, so a request signed
// here and one signed by a 2.x SDK differ whenever those headers are sent.
const ALWAYS_SIGNED_HEADERS: ReadonlySet<string> = new Set([
  'cache-control',
  'content-disposition',
  'content-encoding',
  'content-length',
  'content-md5',
  'content-type',
  'expect',
  'expires',
  'host',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-unmodified-since',
  'origin',
  'range',
  'transfer-encoding',
  'pic-operations',
]);

/**
 * A URL parameter or header value as COS signs it: numbers are written with `String(value)`.
 *
 * @example
 * ```ts
 * const maxKeys: CosParamValue = 20;
 * ```
 */
export type CosParamValue = string | number;

/**
 * URL parameters or request headers, by name.
 *
 * @example
 * ```ts
 * const query: CosParams = { 'max-keys': 20, prefix: 'photos/' };
 * ```
 */
export type CosParams = Readonly<Record<string, CosParamValue>>;

/**
 * The parts of a request that the COS XML (v5) signature covers, already validated.
 *
 * @example
 * ```ts
 * const request: CosHttpRequest = { method: 'GET', pathname: '/a.txt', query: {}, headers: { Host: host } };
 * ```
 */
export interface CosHttpRequest {
  readonly method: string;
  readonly pathname: string;
  readonly query: CosParams;
  readonly headers: CosParams;
}

/**
 * The canonical request (`HttpString`) and the `q-header-list` / `q-url-param-list` values.
 *
 * @example
 * ```ts
 * const { httpString, headerList, urlParamList }: CosHttpString = cosHttpString(request);
 * ```
 */
export interface CosHttpString {
  readonly httpString: string;
  readonly headerList: string;
  readonly urlParamList: string;
}

/**
 * Tells whether cos-nodejs-sdk-v5 3.x puts a header into the signature: its lower-cased name
 * contains `x-cos-` or `x-ci-` anywhere, or is one of a fixed list (which includes `host`,
 * `content-type` and `cache-control`).
 *
 * @example
 * ```ts
 * isCosSignedHeader('X-Cos-Meta-Owner'); // true
 * isCosSignedHeader('User-Agent'); // false
 * ```
 */
export function isCosSignedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.includes('x-cos-') || lower.includes('x-ci-') || ALWAYS_SIGNED_HEADERS.has(lower);
}

/**
 * Builds the COS v5 `HttpString` and the two key lists from a request whose names `cosAuthorization`
 * has validated (`[A-Za-z0-9._~-]+`, unique ignoring case). Headers outside the signed set are
 * dropped. The pathname is used as given: COS signs the raw path, not its URL encoding.
 *
 * @example
 * ```ts
 * cosHttpString({ method: 'GET', pathname: '/', query: { prefix: 'a b' }, headers: { 'User-Agent': 'x' } });
 * // { httpString: 'get\n/\nprefix=a%20b\n\n', headerList: '', urlParamList: 'prefix' }
 * ```
 */
export function cosHttpString(request: CosHttpRequest): CosHttpString {
  return cosHttpStringOfEntries(
    request.method,
    request.pathname,
    Object.entries(request.query),
    Object.entries(request.headers),
  );
}

/** A parameter list as validated by `cosAuthorization`, which builds it anyway (no object round trip). */
export type CosParamEntries = readonly (readonly [string, CosParamValue])[];

/**
 * {@link cosHttpString} over entry lists.
 *
 * @example
 * ```ts
 * cosHttpStringOfEntries('GET', '/', [['prefix', 'a b']], [['Host', host]]);
 * ```
 */
export function cosHttpStringOfEntries(
  method: string,
  pathname: string,
  queryEntries: CosParamEntries,
  headerEntries: CosParamEntries,
): CosHttpString {
  return cosHttpStringOfSignedEntries(
    method,
    pathname,
    queryEntries,
    headerEntries.filter(([name]) => isCosSignedHeader(name)),
  );
}

/**
 * {@link cosHttpStringOfEntries} without the header filter: every header given is signed. This is how
 * COS itself rebuilds the string when it checks a request, from the headers that `q-header-list`
 * names, whichever they are (the diagnostics of `cos explain` need the server's view).
 *
 * @example
 * ```ts
 * cosHttpStringOfSignedEntries('GET', '/a.txt', [], [['x-custom', 'v']]).headerList; // 'x-custom'
 * ```
 */
export function cosHttpStringOfSignedEntries(
  method: string,
  pathname: string,
  queryEntries: CosParamEntries,
  signedHeaderEntries: CosParamEntries,
): CosHttpString {
  const query = canonicalParams(queryEntries);
  const headers = canonicalParams(signedHeaderEntries);
  const httpString = `${method.toLowerCase()}\n${pathname}\n${query.pairs}\n${headers.pairs}\n`;
  return { httpString, headerList: headers.list, urlParamList: query.list };
}

function canonicalParams(params: CosParamEntries): { pairs: string; list: string } {
  if (params.length === 0) return { pairs: '', list: '' };
  // The SDK sorts the pairs by raw lower-cased name but the list by encoded lower-cased name; for
  // names in [A-Za-z0-9._~-] encoding changes nothing, so one sort serves both.
  // Names are validated to [A-Za-z0-9._~-], which encoding leaves unchanged: only values are encoded.
  const entries = params.map(([name, value]) => [name.toLowerCase(), cosUriEncode(String(value))] as const);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    pairs: entries.map(([name, value]) => `${name}=${value}`).join('&'),
    list: entries.map(([name]) => name).join(';'),
  };
}
