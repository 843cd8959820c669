import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  buildBundles,
  COS_SIGN_NO_STS,
  type ColdStartRow,
  FLOOR,
  measureStsBundleCost,
  runColdStartBench,
  type StsBundleCost,
} from './coldStartBench';
import { type GatewayLoadRow, runGatewayLoadBench } from './gatewayLoadBench';
import { LAMBDA_ARM64_PRICES, MEMORY_SIZES_MB, type ModelRow, modelColdStart } from './lambdaModel';
import { runSigningBench, type SigningBenchRow } from './signingBench';
import { runWarmCostBench, type SecretFetchRow, type WarmCostRow } from './warmCostBench';

// `npm run bench [-- --only signing,cold,warm,gateway]`: every number that is judged is a ratio against
// a baseline measured in the same run, so results from different machines compare. Raw numbers go to
// bench/results.json. Targets are printed next to the results; nothing here fails on them.

const root = fileURLToPath(new URL('..', import.meta.url));
const onlyArg = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
const sections = new Set((onlyArg ?? 'signing,cold,warm,gateway').split(','));

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');

function table(title: string, header: string[], rows: string[][]): void {
  console.log(`\n${title}\n`);
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}

const results: {
  measuredAt: string;
  node: string;
  zlib: string;
  cpus: number;
  signing?: SigningBenchRow[];
  coldStart?: ColdStartRow[];
  stsBundleCost?: StsBundleCost;
  coldStartModel?: ModelRow[];
  warm?: WarmCostRow[];
  secretFetches?: SecretFetchRow;
  gateway?: GatewayLoadRow;
} = {
  measuredAt: new Date().toISOString(),
  node: process.version,
  zlib: process.versions.zlib,
  cpus: (await import('node:os')).availableParallelism(),
};

if (sections.has('signing')) {
  const signing = runSigningBench();
  results.signing = signing;
  table(
    'Signing throughput (ops/s, median of interleaved rounds in one process)',
    ['operation', 'ours', 'official', 'floor', 'ours/official (>= 1)', 'ours time/floor time (<= 1.15)'],
    signing.map((r) => [
      r.operation,
      fmt(r.oursOpsPerSecond),
      fmt(r.officialOpsPerSecond),
      fmt(r.floorOpsPerSecond),
      `${fmt(r.vsOfficial, 2)} ${mark(r.vsOfficial >= 1)}`,
      `${fmt(r.vsFloor, 2)} ${r.operation.startsWith('cos') ? '(floor = 3 hashes only)' : mark(r.vsFloor <= 1.15)}`,
    ]),
  );
}

const bundles = sections.has('cold') || sections.has('warm') ? await buildBundles() : {};

if (sections.has('cold')) {
  const cold = await runColdStartBench(bundles);
  results.coldStart = cold;
  const functions = cold.filter((r) => r.function !== FLOOR);
  table(
    `Cold start per function, split (fresh process per run, median of 11; bare node -e 0: ${fmt(cold[0]?.nodeStartMs ?? 0, 1)} ms)`,
    [
      'function',
      'bundle (min / gzip)',
      'INIT cpu ms',
      'INIT wall ms',
      'INIT cpu / floor (<= 1.1)',
      '1st invocation cpu ms (<= 5)',
      '1st invocation wall ms',
      'warm cpu ms',
      'warm wall ms',
      'secret fetches in invocations',
    ],
    cold.map((r) => [
      r.function,
      `${fmt(r.bundleBytes / 1024, 0)} / ${fmt(r.bundleGzipBytes / 1024, 0)} KB`,
      fmt(r.init.cpuMs, 1),
      fmt(r.init.wallMs, 1),
      r.function === FLOOR ? '1.00 (floor)' : `${fmt(r.initVsFloor, 2)} ${mark(r.initVsFloor <= 1.1)}`,
      r.function === FLOOR ? '-' : `${fmt(r.firstInvocation.cpuMs, 2)} ${mark(r.firstInvocation.cpuMs <= 5)}`,
      fmt(r.firstInvocation.wallMs, 2),
      fmt(r.warmInvocation.cpuMs, 2),
      fmt(r.warmInvocation.wallMs, 2),
      fmt(r.secretFetchesPerColdStart, 2),
    ]),
  );
  const stsBundleCost = await measureStsBundleCost();
  results.stsBundleCost = stsBundleCost;
  const withSts = cold.find((r) => r.function === 'cosSign');
  const withoutSts = cold.find((r) => r.function === COS_SIGN_NO_STS);
  if (withSts && withoutSts) {
    const ratio = (a: number, b: number) => fmt(a / b, 2);
    console.log(
      [
        "\nTencent's STS client in cosSign (cosSign vs cosSign (no STS), same run):",
        `  bundle ${fmt(stsBundleCost.withStsBytes / 1024)} KB vs ${fmt(stsBundleCost.withoutStsBytes / 1024)} KB packaged for a stage without STS (${ratio(stsBundleCost.withStsBytes, stsBundleCost.withoutStsBytes)}x)`,
        `  INIT cpu ${fmt(withSts.init.cpuMs, 1)} vs ${fmt(withoutSts.init.cpuMs, 1)} ms (${ratio(withSts.init.cpuMs, withoutSts.init.cpuMs)}x), INIT wall ${fmt(withSts.init.wallMs, 1)} vs ${fmt(withoutSts.init.wallMs, 1)} ms (${ratio(withSts.init.wallMs, withoutSts.init.wallMs)}x)`,
        `  1st invocation wall ${fmt(withSts.firstInvocation.wallMs, 2)} vs ${fmt(withoutSts.firstInvocation.wallMs, 2)} ms (one loopback STS call), warm wall ${fmt(withSts.warmInvocation.wallMs, 2)} vs ${fmt(withoutSts.warmInvocation.wallMs, 2)} ms`,
      ].join('\n'),
    );
  }
  const model = functions.flatMap((row) => MEMORY_SIZES_MB.map((memoryMb) => modelColdStart(row, memoryMb)));
  results.coldStartModel = model;
  table(
    'Modelled on Lambda (invoke phase at memory/1769 of a vCPU; INIT at full CPU, or scaled the same way)',
    [
      'function',
      'memory MB',
      'cold ms (INIT unthrottled)',
      'cold ms (INIT scaled)',
      'warm ms',
      'USD per 1M requests',
    ],
    model.map((m) => [
      m.function,
      String(m.memoryMb),
      fmt(m.coldUnthrottledMs, 1),
      fmt(m.coldScaledMs, 1),
      fmt(m.warmMs, 2),
      fmt(m.costPerMillionUsd, 4),
    ]),
  );
  console.log(
    `\nPrices: $${LAMBDA_ARM64_PRICES.perGbSecond} per GB-s and $${LAMBDA_ARM64_PRICES.perMillionRequests} per 1M requests (${LAMBDA_ARM64_PRICES.source}); INIT billed; ${LAMBDA_ARM64_PRICES.coldStartShare * 100}% of requests assumed cold; durations billed in whole ms.`,
  );
}

if (sections.has('warm')) {
  const { warm, secretFetches } = await runWarmCostBench(bundles);
  results.warm = warm;
  results.secretFetches = secretFetches;
  table(
    'Warm cost per route (in-process invocations of the packaged handler; 5,000 each)',
    ['route', 'handler median µs', 'handler p99 µs', 'bare lib/sign median µs', 'ratio (<= 3)'],
    warm.map((r) => [
      r.route,
      fmt(r.handlerMedianUs, 1),
      fmt(r.handlerP99Us, 1),
      fmt(r.bareSignMedianUs, 1),
      `${fmt(r.overheadRatio, 2)} ${mark(r.overheadRatio <= 3)}`,
    ]),
  );
  console.log(
    `\nSecret fetches: ${secretFetches.getSecretValueCalls} GetSecretValue call(s) for ${fmt(secretFetches.invocations)} invocations of a new container within one TTL (target 1: ${mark(secretFetches.getSecretValueCalls === 1)})`,
  );
}

if (sections.has('gateway')) {
  const gateway = await runGatewayLoadBench(root);
  results.gateway = gateway;
  table(
    `Through the gateway (serverless-offline, ${gateway.connections} connections, ${gateway.durationSeconds} s, loopback)`,
    ['route', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'errors (0)'],
    [
      [
        gateway.route,
        fmt(gateway.requests),
        fmt(gateway.requestsPerSecond, 0),
        fmt(gateway.latencyP50Ms, 1),
        fmt(gateway.latencyP99Ms, 1),
        `${gateway.errors} ${mark(gateway.errors === 0)}`,
      ],
    ],
  );
}

writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
console.log('\nwritten: bench/results.json');
