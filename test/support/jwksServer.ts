import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

// A loopback identity provider's key endpoint: serves a JWKS over real HTTP so the verifier's
// createRemoteJWKSet (fetch, timeout, cache) is exercised as in production. Only `node:http`.

/**
 * How the server answers: `ok` serves the key set, `fail` answers 503, `hang` never answers (to trip
 * the client's timeout), `garbage` answers 200 with a body that is not JSON.
 *
 * @example
 * ```ts
 * server.setMode('hang');
 * ```
 */
export type JwksServerMode = 'ok' | 'fail' | 'hang' | 'garbage';

/**
 * A running JWKS server.
 *
 * @example
 * ```ts
 * const server = await startJwksServer({ keys: [key.publicJwk] });
 * try { ... expect(server.requests).toBe(1); } finally { await server.close(); }
 * ```
 */
export interface JwksServer {
  /** `http://127.0.0.1:PORT/.well-known/jwks.json` */
  readonly url: string;
  /** Requests received so far, whatever the mode. */
  readonly requests: number;
  setMode(mode: JwksServerMode): void;
  setKeys(keys: readonly JWK[]): void;
  /** Stops the server and drops open (hanging) connections. */
  close(): Promise<void>;
}

/**
 * Starts a JWKS server on 127.0.0.1 with an ephemeral port.
 *
 * @example
 * ```ts
 * const server = await startJwksServer({ keys: [] });
 * ```
 */
export async function startJwksServer(jwks: { keys: readonly JWK[] }): Promise<JwksServer> {
  let keys = [...jwks.keys];
  let mode: JwksServerMode = 'ok';
  let requests = 0;
  const server = createServer((request, response) => {
    requests += 1;
    if (mode === 'hang') return;
    if (mode === 'fail') {
      response.writeHead(503, { 'content-type': 'text/plain' }).end('unavailable');
      return;
    }
    if (mode === 'garbage') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{not json');
      return;
    }
    if (request.url !== '/.well-known/jwks.json') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get requests() {
      return requests;
    },
    setMode: (next) => {
      mode = next;
    },
    setKeys: (next) => {
      keys = [...next];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
