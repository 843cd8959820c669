import type { CosRequestEntry } from '../lib/diagnose/explainCosRequest';
import { CliError } from './CliError';
import type { OptionTable } from './options';
import { parseHeader, parseParam } from './values';

// A COS request as the user describes it: options (method, path, query, headers), a URL, or a raw
// HTTP request head pasted from curl -v or a browser. URLs are split by hand, not with the WHATWG URL
// parser, which would resolve "." and ".." segments and re-encode characters: the signature covers the
// path exactly as sent.

/** Options that describe a request. */
export const COS_REQUEST_OPTIONS = {
  method: { type: 'string', value: 'METHOD', description: 'the HTTP method (default GET)' },
  path: {
    type: 'string',
    value: 'PATH',
    description: 'the path as COS signs it: starting with /, not URL-encoded (/users/alice/a b.png)',
  },
  url: {
    type: 'string',
    value: 'URL',
    description: 'the request URL: its host is the Host header, its path is decoded, its query read',
  },
  query: {
    type: 'string',
    value: 'NAME=VALUE',
    multiple: true,
    description: 'a URL parameter, not encoded (repeatable)',
  },
  header: {
    type: 'string',
    value: '"NAME: VALUE"',
    multiple: true,
    description: 'a request header (repeatable)',
  },
} as const satisfies OptionTable;

/**
 * A request, decoded: what COS signs.
 *
 * @example
 * ```ts
 * const request: CosRequestInput = { method: 'GET', pathname: '/a b.txt', query: [], headers: [['Host', host]] };
 * ```
 */
export interface CosRequestInput {
  readonly method: string;
  readonly pathname: string;
  readonly query: CosRequestEntry[];
  readonly headers: CosRequestEntry[];
  /** The host of a URL or of an absolute request target. */
  readonly urlHost?: string;
}

const URL_PARTS = /^(https?):\/\/([^/?#]+)([^?#]*)(\?[^#]*)?(#.*)?$/i;

/**
 * Builds a request from the options (and, for a URL, from its parts). Headers and parameters keep
 * their order; a URL's host becomes `Host` unless a `Host` header is given.
 *
 * @throws {CliError} `USAGE` for conflicting or malformed options.
 *
 * @example
 * ```ts
 * requestOfOptions({ method: 'PUT', path: '/a.png', header: ['Content-Type: image/png'] });
 * ```
 */
export function requestOfOptions(values: {
  method?: string | undefined;
  path?: string | undefined;
  url?: string | undefined;
  query?: string[] | undefined;
  header?: string[] | undefined;
}): CosRequestInput {
  const method = values.method ?? 'GET';
  if (!/^[A-Za-z]+$/.test(method))
    throw new CliError('USAGE', '--method must be an HTTP method (letters only)');
  const headers = (values.header ?? []).map((text) => parseHeader(text, '--header'));
  const query = (values.query ?? []).map((text) => parseParam(text, '--query'));
  if (values.url !== undefined) {
    if (values.path !== undefined) throw new CliError('USAGE', 'give only one of --url, --path');
    const url = splitUrl(values.url, '--url');
    return {
      method,
      pathname: url.pathname,
      query: [...url.query, ...query],
      headers: hasHeader(headers, 'host') ? headers : [['Host', url.host], ...headers],
      urlHost: url.host,
    };
  }
  const pathname = values.path ?? '/';
  if (!pathname.startsWith('/')) throw new CliError('USAGE', '--path must start with "/"');
  return { method, pathname, query, headers };
}

/**
 * Reads a raw HTTP/1.1 request head: the request line, then `Name: value` lines up to an empty line
 * (a body after it is ignored).
 *
 * @throws {CliError} `USAGE` when a line cannot be read (its number is named, not its content).
 *
 * @example
 * ```ts
 * requestOfHttpText('GET /a.txt HTTP/1.1\r\nHost: b-125.cos.ap-guangzhou.myqcloud.com\r\n\r\n');
 * ```
 */
export function requestOfHttpText(text: string): CosRequestInput {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const start = /^([A-Za-z]+) (\S+) HTTP\/\d(\.\d)?$/.exec(lines[0]?.trim() ?? '');
  if (start === null) {
    throw new CliError('USAGE', 'the request must start with a request line such as "GET /a.txt HTTP/1.1"');
  }
  const headers: CosRequestEntry[] = [];
  for (const [index, line] of lines.slice(1).entries()) {
    if (line.trim() === '') break;
    const colon = line.indexOf(':');
    if (colon <= 0)
      throw new CliError('USAGE', `line ${index + 2} of the request is not a "Name: value" header`);
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  const [, method = 'GET', target = '/'] = start;
  const absolute = /^https?:\/\//i.test(target);
  const url = splitUrl(absolute ? target : `http://request-target${target}`, 'the request target');
  return {
    method,
    pathname: url.pathname,
    query: url.query,
    headers: absolute && !hasHeader(headers, 'host') ? [['Host', url.host], ...headers] : headers,
    ...(absolute ? { urlHost: url.host } : {}),
  };
}

function splitUrl(text: string, what: string): { host: string; pathname: string; query: CosRequestEntry[] } {
  const match = URL_PARTS.exec(text.trim());
  if (match === null) throw new CliError('USAGE', `${what} must be an http(s) URL`);
  const [, , host = '', rawPath = '', rawQuery = ''] = match;
  const pathname = decodePath(rawPath === '' ? '/' : rawPath, what);
  const query: CosRequestEntry[] =
    rawQuery.length <= 1
      ? []
      : rawQuery
          .slice(1)
          .split('&')
          .filter((pair) => pair !== '')
          .map((pair) => {
            const equals = pair.indexOf('=');
            const name = equals < 0 ? pair : pair.slice(0, equals);
            const value = equals < 0 ? '' : pair.slice(equals + 1);
            return [decodeComponent(name, what), decodeComponent(value, what)];
          });
  return { host, pathname, query };
}

function decodePath(path: string, what: string): string {
  return path
    .split('/')
    .map((segment) => decodeComponent(segment, what))
    .join('/');
}

// "+" stays a plus: in a URL it is only a space in form bodies, and COS encodes spaces as %20.
function decodeComponent(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new CliError('USAGE', `${what} is not validly percent-encoded`);
  }
}

function hasHeader(headers: readonly CosRequestEntry[], name: string): boolean {
  return headers.some(([header]) => header.toLowerCase() === name);
}
