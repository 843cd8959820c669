import { request as httpRequest } from 'node:http';

// Sends one COS request byte by byte as described (no SDK), through the loopback COS as an HTTP proxy:
// the way to add what a signature does not cover (an unsigned header or parameter) and see what COS
// makes of it.

/**
 * A raw COS request.
 *
 * @example
 * ```ts
 * const request: RawCosRequest = { method: 'PUT', key: 'users/alice/a.txt', headers: { Authorization: auth }, body: 'x' };
 * ```
 */
export interface RawCosRequest {
  readonly method: string;
  /** The object key, not encoded (it is encoded here per segment, as the SDKs do). */
  readonly key: string;
  /** Parameters in this order; a value of `''` is sent as the bare name (`?uploads`). */
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

/** What came back. */
export interface RawCosResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  /** The `<Code>` of an error answer. */
  readonly code?: string;
}

/** encodeURIComponent plus the marks COS encodes too, `/` kept between segments. */
function encodeKey(key: string): string {
  return key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    )
    .join('/');
}

/**
 * Sends `request` to `host` through the proxy at `proxyUrl` and returns the answer.
 *
 * @example
 * ```ts
 * const response = await rawCosRequest(cos.proxyUrl, cos.host, { method: 'GET', key: 'users/alice/a.txt', headers });
 * ```
 */
export function rawCosRequest(
  proxyUrl: string,
  host: string,
  request: RawCosRequest,
): Promise<RawCosResponse> {
  const proxy = new URL(proxyUrl);
  const search = Object.entries(request.query ?? {})
    .map(([name, value]) =>
      value === '' ? encodeURIComponent(name) : `${encodeURIComponent(name)}=${encodeURIComponent(value)}`,
    )
    .join('&');
  const path = `http://${host}/${encodeKey(request.key)}${search === '' ? '' : `?${search}`}`;
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: proxy.hostname,
        port: proxy.port,
        method: request.method,
        path,
        headers: {
          Host: host,
          ...(body === undefined ? {} : { 'Content-Length': String(body.length) }),
          ...request.headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: text,
            ...(code === undefined ? {} : { code }),
          });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
