import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalGateway, startLocalGateway } from '../../scripts/localGateway';

// The local gateway against an upstream that behaves like serverless-offline at its worst: it echoes
// every Origin with credentials and records what reached it.

let upstream: Server;
let upstreamUrl: string;
const received: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  upstream = createServer((request, response) => {
    received.push(request.headers);
    request.resume();
    response.writeHead(200, {
      'content-type': 'application/json',
      'access-control-allow-origin': request.headers.origin ?? '*',
      'access-control-allow-credentials': 'true',
    });
    response.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

async function withGateway(allowedOrigins: string[], run: (gateway: LocalGateway) => Promise<void>) {
  const gateway = await startLocalGateway({
    port: 0,
    upstream: upstreamUrl,
    allowedOrigins,
    routes: ['POST /v1/usersig'],
  });
  try {
    await run(gateway);
  } finally {
    await gateway.close();
  }
}

const post = (gateway: LocalGateway, headers: Record<string, string>, path = '/v1/usersig') =>
  fetch(`http://127.0.0.1:${gateway.port}${path}`, { method: 'POST', headers, body: '{}' });

describe('startLocalGateway', () => {
  it('with no allowed origins (the default), sends no CORS header at all, whatever the upstream says', async () => {
    await withGateway([], async (gateway) => {
      const response = await post(gateway, { Origin: 'https://any.example', Authorization: 'Bearer x' });
      expect(response.status).toBe(200);
      expect([...response.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
      const preflight = await fetch(`http://127.0.0.1:${gateway.port}/v1/usersig`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://any.example', 'Access-Control-Request-Method': 'POST' },
      });
      expect(preflight.status).toBe(404);
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  it('never forwards the authorizer override header or the Origin', async () => {
    await withGateway(['https://app.example'], async (gateway) => {
      received.length = 0;
      await post(gateway, {
        Authorization: 'Bearer x',
        Origin: 'https://app.example',
        'sls-offline-authorizer-override': '{"lambda":{"userId":"bob"}}',
      });
      expect(received).toHaveLength(1);
      expect(received[0]).not.toHaveProperty('sls-offline-authorizer-override');
      expect(received[0]).not.toHaveProperty('origin');
      expect(received[0]?.authorization).toBe('Bearer x');
    });
  });

  it('answers a request without an Authorization header itself, like the identity source check', async () => {
    await withGateway([], async (gateway) => {
      received.length = 0;
      const response = await post(gateway, {});
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ message: 'Unauthorized' });
      expect(received).toEqual([]);
    });
  });

  it('serves only the declared routes', async () => {
    await withGateway([], async (gateway) => {
      const response = await post(
        gateway,
        { Authorization: 'Bearer x' },
        '/2015-03-31/functions/x/invocations',
      );
      expect(response.status).toBe(404);
      expect(
        (
          await fetch(`http://127.0.0.1:${gateway.port}/v1/usersig`, {
            headers: { Authorization: 'Bearer x' },
          })
        ).status,
      ).toBe(404);
    });
  });
});
