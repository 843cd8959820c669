import { pathToFileURL } from 'node:url';
import { cosAuthorization, genPrivateMapKey, genUserSig } from '../lib/sign';
import {
  BENCH_SECRETS,
  ROUTE_BODIES,
  serviceEnvironment,
  startBenchServices,
  tokenEvent,
} from './benchEnvironment';

// Warm cost per route: the packaged handler invoked in-process (middlewares, body parsing, schema,
// policy, signing, response) against the bare lib/sign call that produces the same token. The COS
// function runs without STS here, so the work compared is the same signature (with STS a warm request
// signs with the cached temporary key: the same work, plus a map lookup).

export interface WarmCostRow {
  readonly route: string;
  readonly handlerMedianUs: number;
  readonly handlerP99Us: number;
  readonly bareSignMedianUs: number;
  /** handler median / bare signing median: the target is at most 3. */
  readonly overheadRatio: number;
}

export interface SecretFetchRow {
  readonly invocations: number;
  readonly getSecretValueCalls: number;
}

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number }>;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;
}

async function timeEach(run: () => unknown, iterations: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    await run();
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  return samples.sort((a, b) => a - b);
}

const context = { awsRequestId: 'warm', getRemainingTimeInMillis: () => 6000 };

export async function runWarmCostBench(
  bundles: Record<string, string>,
  iterations = 5000,
): Promise<{ warm: WarmCostRow[]; secretFetches: SecretFetchRow }> {
  const services = await startBenchServices();
  const fake = services.secretsManager;
  const saved = { ...process.env };
  // Functions read their configuration once at import, so the environment is set before importing.
  // The COS function signs with the bucket key here, so the work compared is the same signature (with
  // STS a warm request signs with the cached temporary key: the same work plus a map lookup).
  Object.assign(process.env, serviceEnvironment(services, { sts: false }), { LOG_LEVEL: 'error' });
  try {
    const now = Math.floor(Date.now() / 1000);
    const trtc = BENCH_SECRETS.trtc;
    const cos = BENCH_SECRETS.cos;
    const host = `${cos.bucket}.cos.${cos.region}.myqcloud.com`;
    const bare: Record<keyof typeof ROUTE_BODIES, () => unknown> = {
      userSig: () => genUserSig({ ...trtc, userId: 'bench_user', expire: 3600, now }),
      privateMapKey: () =>
        genPrivateMapKey({
          ...trtc,
          userId: 'bench_user',
          expire: 300,
          now,
          roomId: 10000,
          privilegeMap: 0xab,
        }),
      cosSign: () =>
        cosAuthorization({
          secretId: cos.secretId,
          secretKey: cos.secretKey,
          method: 'PUT',
          pathname: '/users/bench_user/a.png',
          headers: { Host: host, 'Content-Type': 'image/png', 'Content-Length': 1024 },
          startTime: now - 1,
          endTime: now + 600,
        }),
    };
    const warm: WarmCostRow[] = [];
    for (const route of Object.keys(ROUTE_BODIES) as (keyof typeof ROUTE_BODIES)[]) {
      const { handler } = (await import(pathToFileURL(bundles[route] as string).href)) as {
        handler: Handler;
      };
      const { path, body } = ROUTE_BODIES[route];
      const invoke = async () => {
        const response = await handler(tokenEvent(path, body), context);
        if (response.statusCode !== 200) throw new Error(`${route} answered ${response.statusCode}`);
      };
      await timeEach(invoke, 300);
      await timeEach(bare[route], 300);
      const handlerSamples = await timeEach(invoke, iterations);
      const bareSamples = await timeEach(bare[route], iterations);
      const handlerMedianUs = percentile(handlerSamples, 0.5);
      const bareSignMedianUs = percentile(bareSamples, 0.5);
      warm.push({
        route,
        handlerMedianUs,
        handlerP99Us: percentile(handlerSamples, 0.99),
        bareSignMedianUs,
        overheadRatio: handlerMedianUs / bareSignMedianUs,
      });
    }

    // A new container (a fresh module instance of the bundle) serving 10,000 requests within one TTL
    // must fetch its secret exactly once.
    fake.resetCalls();
    const { handler: fresh } = (await import(
      `${pathToFileURL(bundles.userSig as string).href}?container=2`
    )) as { handler: Handler };
    const invocations = 10_000;
    const { path, body } = ROUTE_BODIES.userSig;
    for (let i = 0; i < invocations; i++) {
      const response = await fresh(tokenEvent(path, body), context);
      if (response.statusCode !== 200) throw new Error(`userSig answered ${response.statusCode}`);
    }
    return { warm, secretFetches: { invocations, getSecretValueCalls: fake.callCount('GetSecretValue') } };
  } finally {
    process.env = saved;
    await services.close();
  }
}
