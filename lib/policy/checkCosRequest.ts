import { assertCosMethod } from './assertCosMethod';
import {
  COS_OPERATIONS,
  COS_SUBRESOURCES,
  type CosMethod,
  type CosOperation,
  cosOperationOf,
} from './cosOperations';
import { type CosSignAllowlist, headerMatches, SERVER_OWNED_HEADERS } from './cosSignAllowlist';
import { PolicyError } from './PolicyError';

/**
 * What a COS request signature may cover (from configuration): the enabled operations, the header and
 * query allowlists per method, and the upload limits.
 *
 * @example
 * ```ts
 * const rules: CosSignRules = {
 *   operations: DEFAULT_COS_SIGN_OPERATIONS,
 *   allowlist: DEFAULT_COS_SIGN_ALLOWLIST,
 *   maxUploadBytes: 100 * 1024 * 1024,
 *   uploadContentTypes: DEFAULT_UPLOAD_CONTENT_TYPES,
 * };
 * ```
 */
export interface CosSignRules {
  readonly operations: readonly CosOperation[];
  readonly allowlist: CosSignAllowlist;
  /** The largest signed `Content-Length` of a PUT (an object or one part), in bytes. */
  readonly maxUploadBytes: number;
  /** Media types an upload may declare, lower case, without parameters. */
  readonly uploadContentTypes: readonly string[];
}

/**
 * Inputs of {@link checkCosRequest}: the request as the client describes it (the shape the COS SDKs
 * pass to `getAuthorization`: header and parameter values may be numbers).
 *
 * @example
 * ```ts
 * const input: CheckCosRequestInput = { method: 'PUT', headers: { 'Content-Length': 5 }, host, rules };
 * ```
 */
export interface CheckCosRequestInput {
  readonly method: string;
  readonly headers?: Readonly<Record<string, string | number>> | undefined;
  readonly query?: Readonly<Record<string, string | number>> | undefined;
  /** The host the service signs; a client `Host` header must equal it. */
  readonly host: string;
  readonly rules: CosSignRules;
}

/**
 * A request that may be signed: its operation, and the headers (the server's `Host` first) and query
 * parameters to sign, every value a string.
 *
 * @example
 * ```ts
 * const plan: CosRequestPlan = { operation: 'GetObject', method: 'GET', headers: { Host: host }, query: {} };
 * ```
 */
export interface CosRequestPlan {
  readonly operation: CosOperation;
  readonly method: CosMethod;
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
}

/** COS's part numbers: 1 to 10,000. */
const MAX_PART_NUMBER = 10_000;
/** Decimal, no sign, no leading zero: one spelling per number, the one the SDKs write. */
const WHOLE_NUMBER = /^(0|[1-9][0-9]{0,15})$/;
const UPLOAD_ID = /^[\x21-\x7e]{1,256}$/;
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
// type "/" subtype *( ";" name "=" ( token / quoted-string ) ), RFC 9110 8.3.1; one media type only.
const MEDIA_TYPE = new RegExp(`^(${TOKEN})/(${TOKEN})(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|"[^"\\\\]*"))*$`);

/**
 * Decides whether a COS request may be signed, deny by default, and returns exactly what to sign.
 *
 * - The method must be one of the enabled operations' (`METHOD_NOT_ALLOWED`).
 * - Sub-resource parameters (`uploads`, `uploadId`, `partNumber`, exact spelling) select the operation,
 *   which must be enabled (`OPERATION_NOT_ALLOWED`): POST without one (a form upload), bucket-level
 *   operations and, by default, DeleteObject are never signed. A case variant of a sub-resource name is
 *   refused: COS might not read it as one, and would then run another operation than the one checked.
 * - Every other parameter must be in the method's allowlist (`QUERY_NOT_ALLOWED`, naming it).
 * - Every header must be in the method's allowlist (`HEADER_NOT_ALLOWED`, naming it), except `Host`,
 *   which must equal the signed host, and `User-Agent`, which is accepted and not signed (COS does not
 *   act on it, and browsers cannot set it). Names match ignoring case.
 * - An upload (PutObject, UploadPart) must sign a `Content-Length` (`CONTENT_LENGTH_REQUIRED`) of at
 *   most `maxUploadBytes` (`UPLOAD_TOO_LARGE`); PutObject and InitiateMultipartUpload must sign a
 *   `Content-Type` (`CONTENT_TYPE_REQUIRED`) from the allowlist (`CONTENT_TYPE_NOT_ALLOWED`). A signed
 *   value binds: COS refuses the request when a listed header differs, which an unsigned one would not.
 *
 * @throws {PolicyError} with the codes above.
 *
 * @example
 * ```ts
 * checkCosRequest({ method: 'POST', query: { uploads: '' }, headers: { 'Content-Type': 'image/png' }, host, rules });
 * // { operation: 'InitiateMultipartUpload', method: 'POST', headers: { Host: host, 'Content-Type': 'image/png' }, query: { uploads: '' } }
 * checkCosRequest({ method: 'PUT', headers: { 'x-cos-copy-source': 'b/users/bob/a' }, host, rules });
 * // throws HEADER_NOT_ALLOWED: "header x-cos-copy-source is not allowed on PUT"
 * ```
 */
export function checkCosRequest(input: CheckCosRequestInput): CosRequestPlan {
  const { rules, host } = input;
  const enabledMethods = [...new Set(rules.operations.map((operation) => COS_OPERATIONS[operation].method))];
  const method = assertCosMethod(input.method, enabledMethods) as CosMethod;
  const allowed = rules.allowlist[method] ?? { headers: [], query: [] };

  const query = checkQuery(method, input.query ?? {}, allowed.query);
  const operation = cosOperationOf(method, query.subresources);
  if (operation === undefined || !rules.operations.includes(operation)) {
    const which = query.subresources.length === 0 ? 'no sub-resource' : query.subresources.join(' and ');
    throw new PolicyError(
      'OPERATION_NOT_ALLOWED',
      `${method} with ${which} is not an object operation this service signs`,
    );
  }

  const headers: Record<string, string> = { Host: host };
  for (const [name, raw] of Object.entries(input.headers ?? {})) {
    const lower = name.toLowerCase();
    const value =
      typeof raw === 'number' ? wholeNumberText(raw, `header ${name}`, 'HEADER_NOT_ALLOWED') : raw;
    if (lower === 'host') {
      if (value !== host) {
        throw new PolicyError('HEADER_NOT_ALLOWED', `header Host must be the signed host ${host}`);
      }
      continue;
    }
    if (lower === 'user-agent') continue;
    if (
      SERVER_OWNED_HEADERS.includes(lower) ||
      !allowed.headers.some((entry) => headerMatches(name, entry))
    ) {
      throw new PolicyError('HEADER_NOT_ALLOWED', `header ${name} is not allowed on ${method}`);
    }
    headers[name] = value;
  }

  checkUploadLimits(operation, headers, rules);
  return { operation, method, headers, query: query.signed };
}

function checkQuery(
  method: CosMethod,
  query: Readonly<Record<string, string | number>>,
  allowedNames: readonly string[],
): { subresources: string[]; signed: Record<string, string> } {
  const subresources: string[] = [];
  const signed: Record<string, string> = {};
  for (const [name, raw] of Object.entries(query)) {
    const subresource = COS_SUBRESOURCES.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    if (subresource !== undefined) {
      if (name !== subresource) {
        throw new PolicyError('QUERY_NOT_ALLOWED', `parameter ${name} must be spelt ${subresource}`);
      }
      signed[name] = subresourceValue(subresource, raw);
      subresources.push(name);
      continue;
    }
    if (!allowedNames.some((entry) => entry.toLowerCase() === name.toLowerCase())) {
      throw new PolicyError('QUERY_NOT_ALLOWED', `parameter ${name} is not allowed on ${method}`);
    }
    signed[name] =
      typeof raw === 'number' ? wholeNumberText(raw, `parameter ${name}`, 'QUERY_NOT_ALLOWED') : raw;
  }
  return { subresources, signed };
}

function subresourceValue(name: (typeof COS_SUBRESOURCES)[number], raw: string | number): string {
  const text = typeof raw === 'number' ? String(raw) : raw;
  switch (name) {
    case 'uploads':
      if (text !== '') throw new PolicyError('QUERY_NOT_ALLOWED', 'parameter uploads must be empty');
      return text;
    case 'uploadId':
      if (typeof raw !== 'string' || !UPLOAD_ID.test(raw)) {
        throw new PolicyError('QUERY_NOT_ALLOWED', 'parameter uploadId must be 1 to 256 visible characters');
      }
      return text;
    case 'partNumber': {
      const part = WHOLE_NUMBER.test(text) ? Number(text) : Number.NaN;
      if (!(part >= 1 && part <= MAX_PART_NUMBER)) {
        throw new PolicyError(
          'QUERY_NOT_ALLOWED',
          `parameter partNumber must be a whole number from 1 to ${MAX_PART_NUMBER}`,
        );
      }
      return text;
    }
  }
}

/** A numeric header or parameter value, written the way the SDKs send it. */
function wholeNumberText(
  value: number,
  what: string,
  code: 'HEADER_NOT_ALLOWED' | 'QUERY_NOT_ALLOWED',
): string {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new PolicyError(code, `${what} must be a string or a whole number`);
  }
  return String(value);
}

function findHeader(headers: Readonly<Record<string, string>>, wanted: string): string | undefined {
  for (const [name, value] of Object.entries(headers)) if (name.toLowerCase() === wanted) return value;
  return undefined;
}

function checkUploadLimits(
  operation: CosOperation,
  headers: Readonly<Record<string, string>>,
  rules: CosSignRules,
): void {
  const shape = COS_OPERATIONS[operation];
  const length = findHeader(headers, 'content-length');
  if (length === undefined) {
    if (shape.carriesData) {
      throw new PolicyError('CONTENT_LENGTH_REQUIRED', `${operation} must sign a Content-Length`);
    }
  } else {
    if (!WHOLE_NUMBER.test(length)) {
      throw new PolicyError('CONTENT_LENGTH_REQUIRED', 'Content-Length must be a whole number of bytes');
    }
    if (Number(length) > rules.maxUploadBytes) {
      throw new PolicyError(
        'UPLOAD_TOO_LARGE',
        `Content-Length must be at most ${rules.maxUploadBytes} bytes`,
      );
    }
  }
  if (!shape.setsContentType) return;
  const contentType = findHeader(headers, 'content-type');
  if (contentType === undefined) {
    throw new PolicyError('CONTENT_TYPE_REQUIRED', `${operation} must sign a Content-Type`);
  }
  const match = MEDIA_TYPE.exec(contentType);
  const mediaType = match ? `${match[1]}/${match[2]}`.toLowerCase() : undefined;
  if (mediaType === undefined || !rules.uploadContentTypes.includes(mediaType)) {
    throw new PolicyError(
      'CONTENT_TYPE_NOT_ALLOWED',
      'Content-Type must be one media type from the upload allowlist',
    );
  }
}
