// Reads a COS XML (v5) Authorization value, as sent in the `Authorization` header or spread over the
// query of a pre-signed URL, into its fields, and says what is wrong with its form. Pure.

/** A `start;end` pair of Unix seconds, with the text it was read from. */
export interface CosTimeRange {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/**
 * The fields of a well-formed Authorization.
 *
 * @example
 * ```ts
 * const fields: CosAuthorizationFields = parseCosAuthorization(authorization).fields!;
 * fields.headerList; // ['content-type', 'host']
 * ```
 */
export interface CosAuthorizationFields {
  readonly algorithm: string;
  /** `q-ak`: the SecretId that signed. */
  readonly secretId: string;
  readonly signTime: CosTimeRange;
  readonly keyTime: CosTimeRange;
  /** `q-header-list` and `q-url-param-list`, split at `;` (empty lists for empty values). */
  readonly headerList: readonly string[];
  readonly urlParamList: readonly string[];
  readonly signature: string;
}

/** The result: `fields` when every field could be read, and one sentence per problem of form. */
export interface ParsedCosAuthorization {
  readonly fields?: CosAuthorizationFields;
  readonly problems: readonly string[];
}

const FIELDS = [
  'q-sign-algorithm',
  'q-ak',
  'q-sign-time',
  'q-key-time',
  'q-header-list',
  'q-url-param-list',
  'q-signature',
] as const;
type FieldName = (typeof FIELDS)[number];
const TIME = /^(\d{1,15});(\d{1,15})$/;
const SIGNATURE = /^[0-9a-f]{40}$/;

/**
 * Parses `q-sign-algorithm=sha1&q-ak=…&q-sign-time=…&q-key-time=…&q-header-list=…&q-url-param-list=…
 * &q-signature=…` (any order; values may be percent-encoded, as in a pre-signed URL). Unknown `q-`
 * fields, repeated fields, a missing field, a bad time range or a signature that is not 40 hex digits
 * are problems; `fields` is absent when a field cannot be read at all.
 *
 * @example
 * ```ts
 * parseCosAuthorization('q-sign-algorithm=sha1&q-ak=AKID&q-sign-time=1;2&q-key-time=1;2&q-header-list=host&q-url-param-list=&q-signature=…');
 * ```
 */
export function parseCosAuthorization(authorization: string): ParsedCosAuthorization {
  if (typeof authorization !== 'string') throw new TypeError('authorization must be a string');
  const problems: string[] = [];
  const values = new Map<FieldName, string>();
  const text = authorization.trim();
  if (text === '') return { problems: ['the Authorization is empty'] };
  for (const part of text.split('&')) {
    const equals = part.indexOf('=');
    const name = (equals < 0 ? part : part.slice(0, equals)).toLowerCase();
    const raw = equals < 0 ? '' : part.slice(equals + 1);
    if (!(FIELDS as readonly string[]).includes(name)) {
      problems.push(`unknown field ${JSON.stringify(name.slice(0, 40))} in the Authorization`);
      continue;
    }
    if (values.has(name as FieldName)) {
      problems.push(`${name} appears more than once`);
      continue;
    }
    let value: string;
    try {
      value = decodeURIComponent(raw);
    } catch {
      problems.push(`${name} is not validly percent-encoded`);
      continue;
    }
    values.set(name as FieldName, value);
  }
  for (const name of FIELDS) {
    if (!values.has(name)) problems.push(`${name} is missing (COS refuses such an Authorization)`);
  }
  const signTime = timeRange(values.get('q-sign-time'), 'q-sign-time', problems);
  const keyTime = timeRange(values.get('q-key-time'), 'q-key-time', problems);
  const signature = values.get('q-signature');
  if (signature !== undefined && !SIGNATURE.test(signature)) {
    problems.push('q-signature is not 40 lower-case hex digits (an HMAC-SHA1)');
  }
  const algorithm = values.get('q-sign-algorithm');
  if (algorithm !== undefined && algorithm !== 'sha1') {
    problems.push(
      `q-sign-algorithm is ${JSON.stringify(algorithm.slice(0, 20))}; COS v5 signs only with sha1`,
    );
  }
  const headerList = list(values.get('q-header-list'), 'q-header-list', problems);
  const urlParamList = list(values.get('q-url-param-list'), 'q-url-param-list', problems);
  const secretId = values.get('q-ak');
  if (secretId === '') problems.push('q-ak is empty');
  if (
    algorithm === undefined ||
    secretId === undefined ||
    signTime === undefined ||
    keyTime === undefined ||
    headerList === undefined ||
    urlParamList === undefined ||
    signature === undefined
  ) {
    return { problems };
  }
  return {
    fields: { algorithm, secretId, signTime, keyTime, headerList, urlParamList, signature },
    problems,
  };
}

function timeRange(value: string | undefined, name: string, problems: string[]): CosTimeRange | undefined {
  if (value === undefined) return undefined;
  const match = TIME.exec(value);
  if (match === null) {
    problems.push(`${name} is not "<start>;<end>" in Unix seconds`);
    return undefined;
  }
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (start > end) problems.push(`${name} starts after it ends`);
  return { text: value, start, end };
}

function list(value: string | undefined, name: string, problems: string[]): string[] | undefined {
  if (value === undefined) return undefined;
  if (value === '') return [];
  const names = value.split(';');
  if (names.some((item) => item === '')) problems.push(`${name} has an empty name`);
  if (names.some((item) => item !== item.toLowerCase())) {
    problems.push(`${name} has upper-case letters; signers write the names lower-cased`);
  }
  const sorted = [...names].sort();
  if (sorted.some((item, index) => item !== names[index])) {
    problems.push(`${name} is not sorted; signers write the names in sorted order`);
  }
  return names.filter((item) => item !== '');
}
