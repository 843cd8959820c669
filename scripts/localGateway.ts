import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

// The local stand-in for API Gateway's edge, in front of serverless-offline: serverless-offline answers
// CORS itself and echoes any Origin (with credentials), whatever the allowlist says, and honours a
// request header (`sls-offline-authorizer-override`) that replaces the authorizer's verdict. This gateway
// does what an HTTP API does instead: it answers preflights from the configured origins, adds
// Access-Control-Allow-Origin to responses for those origins only (dropping whatever the backend sent, as
// API Gateway does when CORS is configured), and never forwards the override header.

/** The header serverless-offline reads to replace the authorizer's result. */
export const AUTHORIZER_OVERRIDE_HEADER = 'sls-offline-authorizer-override';

/**
 * Options of {@link startLocalGateway}.
 *
 * @example
 * ```ts
 * const options: LocalGatewayOptions = {
 *   port: 3000, upstream: 'http://127.0.0.1:41234', allowedOrigins: [], routes: ['POST /v1/usersig'],
 * };
 * ```
 */
export interface LocalGatewayOptions {
  /** Where to listen on loopback; 0 picks a free port. */
  readonly port: number;
  /** serverless-offline's HTTP server, e.g. `http://127.0.0.1:41234`. */
  readonly upstream: string;
  /** `CORS_ALLOWED_ORIGINS`: the same list serverless.yml gives API Gateway. */
  readonly allowedOrigins: readonly string[];
  /**
   * The API's routes (`POST /v1/usersig`, ...); anything else is a 404 as on API Gateway. serverless-offline
   * also serves its Lambda invoke API on its HTTP port, which the API must not expose.
   */
  readonly routes: readonly string[];
  readonly host?: string;
}

/**
 * A running gateway.
 *
 * @example
 * ```ts
 * const gateway = await startLocalGateway({ port: 0, upstream, allowedOrigins: [], routes: ['POST /v1/usersig'] });
 * await fetch(`${gateway.url}/v1/usersig`, { method: 'POST' });
 * await gateway.close();
 * ```
 */
export interface LocalGateway {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** What API Gateway answers a preflight with, for the allowed origins (see deploy/serverlessFragments.ts). */
const PREFLIGHT_HEADERS = {
  'access-control-allow-methods': 'POST',
  'access-control-allow-headers': 'authorization,content-type',
  'access-control-max-age': '600',
};
/** API Gateway's own answer to a request without the identity source. */
export const UNAUTHORIZED_BODY = '{"message":"Unauthorized"}';
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection']);

/**
 * Starts the gateway on loopback.
 *
 * @example
 * ```ts
 * const gateway = await startLocalGateway({
 *   port: 3000, upstream: 'http://127.0.0.1:41234', allowedOrigins: ['https://app.example'], routes,
 * });
 * ```
 */
export async function startLocalGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  const upstream = new URL(options.upstream);
  const allowed = new Set(options.allowedOrigins);
  const routes = new Set(options.routes);
  const paths = new Set(options.routes.map((route) => route.slice(route.indexOf(' ') + 1)));
  const corsEnabled = allowed.size > 0;

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const origin = request.headers.origin;
    const originAllowed = corsEnabled && typeof origin === 'string' && allowed.has(origin);
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (request.method === 'OPTIONS') {
      // Without CORS configured, an HTTP API has no OPTIONS routes; with it, only listed origins get headers.
      if (!corsEnabled || !paths.has(path)) {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
        return;
      }
      response.writeHead(
        204,
        originAllowed ? { ...PREFLIGHT_HEADERS, 'access-control-allow-origin': origin, vary: 'origin' } : {},
      );
      response.end();
      return;
    }
    if (!routes.has(`${request.method} ${path}`)) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
      return;
    }
    // The authorizer's identity source is the Authorization header: without one, API Gateway answers 401
    // itself, with this body, and runs no Lambda (serverless-offline would answer a hapi 401 instead).
    if (!request.headers.authorization) {
      response.writeHead(401, {
        'content-type': 'application/json',
        ...(originAllowed ? { 'access-control-allow-origin': origin, vary: 'origin' } : {}),
      });
      response.end(UNAUTHORIZED_BODY);
      request.resume();
      return;
    }
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name) || name === AUTHORIZER_OVERRIDE_HEADER) continue;
      // Without an Origin, serverless-offline adds no CORS headers of its own.
      if (name === 'origin') continue;
      headers[name] = value;
    }
    const forwarded = httpRequest(
      {
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers,
      },
      (answer) => {
        const out: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(answer.headers)) {
          if (value === undefined || HOP_BY_HOP.has(name) || name.startsWith('access-control-')) continue;
          out[name] = value;
        }
        if (originAllowed) {
          out['access-control-allow-origin'] = origin;
          out.vary = 'origin';
        }
        response.writeHead(answer.statusCode ?? 502, out);
        answer.pipe(response);
      },
    );
    forwarded.on('error', () => {
      if (!response.headersSent) {
        response
          .writeHead(503, { 'content-type': 'application/json' })
          .end('{"message":"Service Unavailable"}');
      } else {
        response.destroy();
      }
    });
    request.pipe(forwarded);
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
