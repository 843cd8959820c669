import { cosSignatureOfHttpString } from '../sign/cosAuthorization';
import { cosUriEncode } from '../sign/cosEncoding';
import { type CosParamEntries, cosHttpStringOfSignedEntries, isCosSignedHeader } from '../sign/cosHttpString';
import { type CosAuthorizationFields, parseCosAuthorization } from './parseCosAuthorization';

// Why does COS answer SignatureDoesNotMatch? COS rebuilds the HttpString from the request it received,
// taking exactly the headers and URL parameters that q-header-list and q-url-param-list name, and
// recomputes the signature with the key of q-ak. This module does the same, and when the result
// differs it tries the mistakes that cause most mismatches (an encoded path, a charset added to
// Content-Type, another method, an edited list, a changed time...) one at a time: the one that makes
// the signature recompute is the part that differs. Given the signer's own HttpString it compares the
// two part by part instead. Pure: the key and the clock are arguments; the SignKey is never returned.

/** One name/value pair of the query or the headers, as received. */
export type CosRequestEntry = readonly [string, string];

/**
 * The request as COS received it.
 *
 * @example
 * ```ts
 * const request: CosRequestParts = {
 *   method: 'PUT', pathname: '/users/alice/a b.png', query: [],
 *   headers: [['Host', 'uploads-1250000000.cos.ap-guangzhou.myqcloud.com'], ['Content-Type', 'image/png']],
 * };
 * ```
 */
export interface CosRequestParts {
  readonly method: string;
  /** The path decoded (as COS signs it), starting with `/`. */
  readonly pathname: string;
  /** Decoded URL parameters; the q-* fields of a pre-signed URL may be among them. */
  readonly query: readonly CosRequestEntry[];
  readonly headers: readonly CosRequestEntry[];
}

/**
 * Inputs of {@link explainCosRequest}.
 *
 * @example
 * ```ts
 * const input: ExplainCosRequestInput = { request, authorization, key: { secretId, secretKey }, now };
 * ```
 */
export interface ExplainCosRequestInput {
  readonly request: CosRequestParts;
  readonly authorization: string;
  /** Without a key only the form, the lists and the times are checked. */
  readonly key?: { readonly secretId: string; readonly secretKey: string };
  /** Unix seconds. */
  readonly now: number;
  /** The HttpString the signer built (from its logs or `cos sign --json`), to compare part by part. */
  readonly signerHttpString?: string;
}

/** Which part of the request or the Authorization a finding is about. */
export type CosPart =
  | 'authorization'
  | 'q-ak'
  | 'time'
  | 'method'
  | 'path'
  | 'param'
  | 'param list'
  | 'header'
  | 'header list';

/** One sentence about one part (`name`: the header or parameter, lower-cased). */
export interface CosFinding {
  readonly part: CosPart;
  readonly name?: string;
  readonly message: string;
}

/**
 * The overall answer: `MATCH` (the signature recomputes and is within its time), `MISMATCH`
 * (SignatureDoesNotMatch), `EXPIRED` / `NOT_YET_VALID` (the signature recomputes but COS refuses it
 * for its time), `UNCHECKED` (no key was given), `INVALID` (the Authorization cannot be read).
 */
export type CosVerdict = 'MATCH' | 'MISMATCH' | 'EXPIRED' | 'NOT_YET_VALID' | 'UNCHECKED' | 'INVALID';

/**
 * The explanation.
 *
 * @example
 * ```ts
 * const explanation: CosExplanation = explainCosRequest(input);
 * if (explanation.verdict === 'MISMATCH') console.log(explanation.cause?.message);
 * ```
 */
export interface CosExplanation {
  readonly verdict: CosVerdict;
  readonly authorization?: CosAuthorizationFields;
  /** COS's view of the request, built from the lists of the Authorization. */
  readonly httpString?: string;
  readonly stringToSign?: string;
  /** Problems of form, of the lists against the request, of the key and of the times. */
  readonly problems: readonly CosFinding[];
  /** The one change that makes the signature recompute, when one was found. */
  readonly cause?: CosFinding;
  /** With `signerHttpString`: every part where the two HttpStrings differ. */
  readonly differences: readonly CosFinding[];
  /** Sent, but not covered by the signature (COS does not check them; anything on the way may change them). */
  readonly unsigned: { readonly headers: readonly string[]; readonly params: readonly string[] };
}

// The character set in which the SDKs' two sort orders agree and names need no encoding.
const NAME = /^[a-z0-9._~-]+$/;
const METHODS = ['get', 'head', 'put', 'post', 'delete', 'options', 'patch'];
const PREVIEW = 100;

interface View {
  readonly method: string;
  readonly pathname: string;
  readonly query: CosParamEntries;
  readonly headers: CosParamEntries;
  readonly keyTime: string;
  readonly signTime: string;
}

interface Hypothesis {
  readonly finding: CosFinding;
  readonly view: View;
}

/**
 * Rebuilds COS's HttpString and StringToSign for a request and its Authorization, says whether the
 * signature recomputes with the key, and if not, which part differs.
 *
 * @throws {TypeError} when an argument has the wrong type.
 *
 * @example
 * ```ts
 * const explanation = explainCosRequest({ request, authorization, key: { secretId, secretKey }, now });
 * // { verdict: 'MISMATCH', cause: { part: 'header', name: 'content-type',
 * //   message: 'header content-type: the signer signed "text/plain", the request sends "text/plain;charset=UTF-8" ...' } }
 * ```
 */
export function explainCosRequest(input: ExplainCosRequestInput): CosExplanation {
  const { request, now } = input;
  const parsed = parseCosAuthorization(input.authorization);
  const problems: CosFinding[] = parsed.problems.map((message) => ({ part: 'authorization', message }));
  const unsigned = unsignedParts(request, parsed.fields);
  const empty = { problems, differences: [], unsigned } as const;
  const fields = parsed.fields;
  if (fields === undefined) return { verdict: 'INVALID', ...empty };

  for (const [listName, names] of [
    ['q-header-list', fields.headerList],
    ['q-url-param-list', fields.urlParamList],
  ] as const) {
    const bad = names.find((name) => !NAME.test(name));
    if (bad !== undefined) {
      problems.push({
        part: 'authorization',
        message: `${listName} names ${JSON.stringify(preview(bad))}, outside [a-z0-9._~-]: the official signers disagree on how to sign such names`,
      });
      return { verdict: 'INVALID', authorization: fields, ...empty };
    }
  }
  if (!request.pathname.startsWith('/')) {
    problems.push({ part: 'path', message: 'the path must start with "/"' });
    return { verdict: 'INVALID', authorization: fields, ...empty };
  }

  const view: View = {
    method: request.method,
    pathname: request.pathname,
    query: listedEntries(request.query, fields.urlParamList, 'param', problems),
    headers: listedEntries(request.headers, fields.headerList, 'header', problems),
    keyTime: fields.keyTime.text,
    signTime: fields.signTime.text,
  };
  const { httpString } = httpStringOf(view);
  const differences =
    input.signerHttpString === undefined ? [] : compareHttpStrings(input.signerHttpString, httpString);
  const timeProblem = timeFinding(fields, now);
  // The StringToSign needs no key (only the signature does).
  const computed = cosSignatureOfHttpString(
    input.key?.secretKey ?? '',
    view.keyTime,
    view.signTime,
    httpString,
  );
  const base = {
    authorization: fields,
    httpString,
    stringToSign: computed.stringToSign,
    problems,
    differences,
    unsigned,
  };

  if (input.key === undefined) {
    if (timeProblem !== undefined) problems.push(timeProblem);
    return { verdict: 'UNCHECKED', ...base };
  }
  const { secretId } = input.key;
  if (fields.secretId !== secretId) {
    problems.push({
      part: 'q-ak',
      message: `signed with SecretId ${maskId(fields.secretId)}, but the key given is that of ${maskId(secretId)} (a temporary key, or another account's key?)`,
    });
    return { verdict: 'MISMATCH', ...base };
  }
  if (computed.signature === fields.signature) {
    if (timeProblem !== undefined) problems.push(timeProblem);
    const verdict =
      timeProblem === undefined ? 'MATCH' : now < fields.signTime.start ? 'NOT_YET_VALID' : 'EXPIRED';
    return { verdict, ...base };
  }
  if (timeProblem !== undefined) problems.push(timeProblem);
  const cause = findCause(view, request, fields, input.key.secretKey);
  return { verdict: 'MISMATCH', ...base, ...(cause === undefined ? {} : { cause }) };
}

function httpStringOf(view: View) {
  return cosHttpStringOfSignedEntries(view.method, view.pathname, view.query, view.headers);
}

/** The entries COS takes from the request for a list: each listed name, looked up ignoring case. */
function listedEntries(
  entries: readonly CosRequestEntry[],
  names: readonly string[],
  part: 'param' | 'header',
  problems: CosFinding[],
): [string, string][] {
  return names.map((name) => {
    const values = entries
      .filter(([entryName]) => entryName.toLowerCase() === name)
      .map(([, value]) => value);
    if (values.length === 0) {
      problems.push({
        part,
        name,
        message: `${part === 'param' ? 'URL parameter' : 'header'} ${name} is signed (${part === 'param' ? 'q-url-param-list' : 'q-header-list'}) but the request does not send it`,
      });
    }
    return [name, values.join(',')];
  });
}

function unsignedParts(
  request: CosRequestParts,
  fields: CosAuthorizationFields | undefined,
): CosExplanation['unsigned'] {
  const headerList = new Set(fields?.headerList ?? []);
  const paramList = new Set(fields?.urlParamList ?? []);
  const headers = request.headers
    .map(([name]) => name.toLowerCase())
    .filter((name) => isCosSignedHeader(name) && !headerList.has(name) && name !== 'x-cos-security-token');
  const params = request.query
    .map(([name]) => name.toLowerCase())
    .filter((name) => !name.startsWith('q-') && !paramList.has(name) && name !== 'x-cos-security-token');
  return { headers: [...new Set(headers)], params: [...new Set(params)] };
}

function timeFinding(fields: CosAuthorizationFields, now: number): CosFinding | undefined {
  const { start, end } = fields.signTime;
  if (now < start) {
    return {
      part: 'time',
      message: `q-sign-time starts ${start - now} s in the future: COS refuses it until then (the signer's clock is ahead?)`,
    };
  }
  if (now > end)
    return {
      part: 'time',
      message: `q-sign-time ended ${now - end} s ago: COS answers "Request has expired"`,
    };
  return undefined;
}

function findCause(
  view: View,
  request: CosRequestParts,
  fields: CosAuthorizationFields,
  secretKey: string,
): CosFinding | undefined {
  for (const hypothesis of hypotheses(view, request, fields)) {
    const { httpString } = httpStringOf(hypothesis.view);
    const { signature } = cosSignatureOfHttpString(
      secretKey,
      hypothesis.view.keyTime,
      hypothesis.view.signTime,
      httpString,
    );
    if (signature === fields.signature) return hypothesis.finding;
  }
  return undefined;
}

function* hypotheses(
  view: View,
  request: CosRequestParts,
  fields: CosAuthorizationFields,
): Generator<Hypothesis> {
  if (view.keyTime !== view.signTime) {
    yield {
      finding: {
        part: 'time',
        message: `the signer used the key time ${view.keyTime} as the sign time too; q-sign-time (${view.signTime}) was changed after signing`,
      },
      view: { ...view, signTime: view.keyTime },
    };
    yield {
      finding: {
        part: 'time',
        message: `the signer used the sign time ${view.signTime} as the key time too; q-key-time (${view.keyTime}) was changed after signing`,
      },
      view: { ...view, keyTime: view.signTime },
    };
  }
  for (const method of METHODS) {
    if (method === view.method.toLowerCase()) continue;
    yield {
      finding: {
        part: 'method',
        message: `the signature is for ${method.toUpperCase()} requests; this request is ${view.method.toUpperCase()}`,
      },
      view: { ...view, method },
    };
  }
  yield* pathHypotheses(view);
  yield* valueHypotheses(view, 'param');
  yield* valueHypotheses(view, 'header');
  yield* listHypotheses(view, request, fields);
}

function* pathHypotheses(view: View): Generator<Hypothesis> {
  const path = view.pathname;
  const seen = new Set([path]);
  const candidates: [string, string][] = [
    [
      segments(path, cosUriEncode),
      'the signer signed the URL-encoded path; COS signs the path decoded (give the signer the raw key, not its URL form)',
    ],
    [
      segments(path, encodeURIComponent),
      'the signer signed the path as encodeURIComponent writes it; COS signs the path decoded',
    ],
    [
      safeDecode(path),
      'the path arrived encoded twice: the signer signed it decoded once more than COS received it',
    ],
    [
      path.replaceAll('+', ' '),
      'the signer signed "+" as a space (form encoding); in a URL path "+" is a plus',
    ],
    [path.replaceAll(' ', '+'), 'the signer signed spaces as "+"; COS reads "+" in a path as a plus'],
    [
      path.normalize('NFC'),
      'the signer signed the path in Unicode NFC form and the request sends it decomposed (NFD), as macOS file names often are',
    ],
    [
      path.normalize('NFD'),
      'the signer signed the path in Unicode NFD form and the request sends it composed (NFC)',
    ],
    [
      path.endsWith('/') ? path.slice(0, -1) : `${path}/`,
      'the signer signed the path with a different trailing "/"',
    ],
    [path.replace(/^\/+/, '/'), 'the request path starts with several "/"; the signer signed one'],
    [`/${path}`, 'the signer signed the path with a doubled leading "/"'],
  ];
  for (const [pathname, explanation] of candidates) {
    if (seen.has(pathname) || !pathname.startsWith('/')) continue;
    seen.add(pathname);
    yield {
      finding: {
        part: 'path',
        message: `${explanation}: signed ${JSON.stringify(preview(pathname))}, received ${JSON.stringify(preview(path))}`,
      },
      view: { ...view, pathname },
    };
  }
}

function* valueHypotheses(view: View, part: 'param' | 'header'): Generator<Hypothesis> {
  const entries = part === 'param' ? view.query : view.headers;
  for (const [index, [name, current]] of entries.entries()) {
    const value = String(current);
    const seen = new Set([value]);
    const candidates: [string, string][] = [
      [safeDecode(value), 'the value was percent-encoded on the way (or the signer decoded it)'],
      [value.replaceAll('+', ' '), 'the signer read "+" as a space'],
      [value.trim(), 'the signer trimmed the value'],
      [value.replace(/\s+/g, ' '), 'the signer collapsed white space in the value'],
    ];
    if (part === 'header' && name === 'content-type') {
      const bare = value.split(';')[0]?.trim() ?? value;
      candidates.unshift([
        bare,
        'the request carries a charset (or other parameter) the signer did not sign: browsers and fetch add ";charset=UTF-8" to text types',
      ]);
      candidates.push([`${bare}; charset=utf-8`, 'the signer signed a charset the request does not send']);
      candidates.push([`${bare};charset=UTF-8`, 'the signer signed a charset the request does not send']);
    }
    if (part === 'header' && name === 'host') {
      candidates.push([
        value.replace(/:\d+$/, ''),
        'the request sends the Host with a port; the signer signed it without',
      ]);
      candidates.push([value.toLowerCase(), 'the signer signed the Host in lower case']);
    }
    if (part === 'header' && name === 'content-length') {
      candidates.push(['0', 'the signer signed Content-Length 0 (the length of an empty body)']);
    }
    for (const [candidate, explanation] of candidates) {
      if (seen.has(candidate)) continue;
      seen.add(candidate);
      const changed = entries.map((entry, at) => (at === index ? ([name, candidate] as const) : entry));
      yield {
        finding: {
          part,
          name,
          message: `${part === 'param' ? 'URL parameter' : 'header'} ${name}: the signer signed ${JSON.stringify(preview(candidate))}, the request sends ${JSON.stringify(preview(value))} (${explanation})`,
        },
        view: part === 'param' ? { ...view, query: changed } : { ...view, headers: changed },
      };
    }
  }
}

function* listHypotheses(
  view: View,
  request: CosRequestParts,
  fields: CosAuthorizationFields,
): Generator<Hypothesis> {
  const headerSets = alternativeLists(
    fields.headerList,
    distinctNames(request.headers).filter((name) => isCosSignedHeader(name)),
  );
  const sdk2 = distinctNames(request.headers).filter(
    (name) => isCosSignedHeader(name) && name !== 'content-type' && name !== 'cache-control',
  );
  headerSets.push(sdk2);
  for (const names of uniqueLists(headerSets, fields.headerList)) {
    yield {
      finding: {
        part: 'header list',
        message: `the signer signed the headers "${[...names].sort().join(';')}", but q-header-list says "${fields.headerList.join(';')}" (the Authorization was edited, or assembled from another request)`,
      },
      view: { ...view, headers: valuesOf(request.headers, names) },
    };
  }
  const paramNames = distinctNames(request.query).filter(
    (name) => !name.startsWith('q-') && name !== 'x-cos-security-token',
  );
  for (const names of uniqueLists(alternativeLists(fields.urlParamList, paramNames), fields.urlParamList)) {
    yield {
      finding: {
        part: 'param list',
        message: `the signer signed the URL parameters "${[...names].sort().join(';')}", but q-url-param-list says "${fields.urlParamList.join(';')}"`,
      },
      view: { ...view, query: valuesOf(request.query, names) },
    };
  }
}

/** The request's own set, and the listed set with one name more or one name less. */
function alternativeLists(listed: readonly string[], available: readonly string[]): string[][] {
  const lists: string[][] = [[...available]];
  for (const name of listed) lists.push(listed.filter((other) => other !== name));
  for (const name of available) if (!listed.includes(name)) lists.push([...listed, name]);
  return lists;
}

function uniqueLists(lists: readonly string[][], current: readonly string[]): string[][] {
  const key = (names: readonly string[]) => [...names].sort().join(';');
  const seen = new Set([key(current)]);
  return lists.filter((names) => {
    const k = key(names);
    if (seen.has(k) || !names.every((name) => NAME.test(name))) return false;
    seen.add(k);
    return true;
  });
}

function distinctNames(entries: readonly CosRequestEntry[]): string[] {
  return [...new Set(entries.map(([name]) => name.toLowerCase()))];
}

function valuesOf(entries: readonly CosRequestEntry[], names: readonly string[]): [string, string][] {
  return names.map((name) => [
    name,
    entries
      .filter(([entryName]) => entryName.toLowerCase() === name)
      .map(([, value]) => value)
      .join(','),
  ]);
}

/**
 * Compares the signer's HttpString with COS's, part by part: method, path, each URL parameter and each
 * header (values shown decoded).
 *
 * @example
 * ```ts
 * compareHttpStrings('get\n/a\n\nhost=x\n', 'get\n/b\n\nhost=x\n');
 * // [{ part: 'path', message: 'the signer signed the path "/a", COS sees "/b"' }]
 * ```
 */
export function compareHttpStrings(signer: string, received: string): CosFinding[] {
  // A string copied from a log often has its line breaks written as "\n".
  const text = !signer.includes('\n') && signer.includes('\\n') ? signer.replaceAll('\\n', '\n') : signer;
  const mine = splitHttpString(text);
  const theirs = splitHttpString(received);
  if (mine === undefined) {
    return [
      {
        part: 'authorization',
        message: 'the signer HttpString does not have the four lines method, path, parameters, headers',
      },
    ];
  }
  const findings: CosFinding[] = [];
  if (mine.method !== theirs?.method) {
    findings.push({
      part: 'method',
      message: `the signer signed method ${JSON.stringify(mine.method)}, COS sees ${JSON.stringify(theirs?.method)}`,
    });
  }
  if (mine.path !== theirs?.path) {
    findings.push({
      part: 'path',
      message: `the signer signed the path ${JSON.stringify(preview(mine.path))}, COS sees ${JSON.stringify(preview(theirs?.path ?? ''))}`,
    });
  }
  for (const part of ['param', 'header'] as const) {
    const signed = part === 'param' ? mine.params : mine.headers;
    const seen = part === 'param' ? (theirs?.params ?? new Map()) : (theirs?.headers ?? new Map());
    const label = part === 'param' ? 'URL parameter' : 'header';
    for (const [name, value] of signed) {
      const other = seen.get(name);
      if (other === undefined) {
        findings.push({ part, name, message: `${label} ${name} was signed, but COS does not see it signed` });
      } else if (other !== value) {
        findings.push({
          part,
          name,
          message: `${label} ${name}: the signer signed ${JSON.stringify(preview(safeDecode(value)))}, COS sees ${JSON.stringify(preview(safeDecode(other)))}`,
        });
      }
    }
    for (const name of seen.keys()) {
      if (!signed.has(name)) {
        findings.push({
          part,
          name,
          message: `${label} ${name} is signed for COS, but the signer did not sign it`,
        });
      }
    }
  }
  return findings;
}

interface SplitHttpString {
  readonly method: string;
  readonly path: string;
  readonly params: Map<string, string>;
  readonly headers: Map<string, string>;
}

function splitHttpString(text: string): SplitHttpString | undefined {
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  if (lines.length !== 4) return undefined;
  const [method = '', path = '', params = '', headers = ''] = lines;
  return { method, path, params: pairs(params), headers: pairs(headers) };
}

function pairs(line: string): Map<string, string> {
  const map = new Map<string, string>();
  if (line === '') return map;
  for (const pair of line.split('&')) {
    const equals = pair.indexOf('=');
    map.set(equals < 0 ? pair : pair.slice(0, equals), equals < 0 ? '' : pair.slice(equals + 1));
  }
  return map;
}

function segments(path: string, encode: (segment: string) => string): string {
  return path
    .split('/')
    .map((segment) => (segment.isWellFormed() ? encode(segment) : segment))
    .join('/');
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function preview(text: string): string {
  return text.length > PREVIEW ? `${text.slice(0, PREVIEW)}…` : text;
}

/**
 * A SecretId shortened for messages (`AKIDe2…a1c`): enough to tell two keys apart, not to copy one.
 *
 * @example
 * ```ts
 * maskId('AKIDe2eFAKEcosSecretId9b7d5f3a1c'); // 'AKIDe2…a1c'
 * ```
 */
export function maskId(secretId: string): string {
  return secretId.length <= 10 ? `${secretId.slice(0, 2)}…` : `${secretId.slice(0, 6)}…${secretId.slice(-3)}`;
}
