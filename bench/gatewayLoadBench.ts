import autocannon from 'autocannon';
import { SignJWT } from 'jose';
import { E2E_SESSION } from '../test/e2e/support/fixtures';
import { startStack } from '../test/e2e/support/startStack';

// Load through the gateway emulation: POST /v1/usersig on the running local service (serverless-offline
// with the real authorizer, secrets from the loopback Secrets Manager), 50 connections for 10 seconds,
// loopback only. Reports throughput, latency and every error.

export interface GatewayLoadRow {
  readonly route: string;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  /** Non-2xx responses plus connection errors plus timeouts: the target is 0. */
  readonly errors: number;
}

export async function runGatewayLoadBench(
  repoRoot: string,
  connections = 50,
  durationSeconds = 10,
): Promise<GatewayLoadRow> {
  const stack = await startStack({ repoRoot });
  try {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ sub: 'load_user' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(E2E_SESSION.issuer)
      .setAudience(E2E_SESSION.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(new TextEncoder().encode(E2E_SESSION.hs256Secret));
    const request = {
      url: `${stack.baseUrl}/v1/usersig`,
      method: 'POST' as const,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ expire: 3600 }),
    };
    // Warm every worker before measuring: the first requests pay bundling and cold starts.
    await autocannon({ ...request, connections, amount: connections * 4 });
    const result = await autocannon({ ...request, connections, duration: durationSeconds });
    return {
      route: 'POST /v1/usersig',
      connections,
      durationSeconds,
      requests: result.requests.total,
      requestsPerSecond: result.requests.average,
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      errors: result.non2xx + result.errors + result.timeouts,
    };
  } finally {
    await stack.stop();
  }
}
