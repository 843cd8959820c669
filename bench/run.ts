import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  buildBundles,
  type ColdStartRow,
  measureStsBundleCost,
  runColdStartBench,
  type StsBundleCost,
} from './coldStartBench';
import { type GatewayLoadRow, runGatewayLoadBench } from './gatewayLoadBench';
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

const bundles = sections.has('cold') || sections.has('warm') ? buildBundles() : {};

if (sections.has('cold')) {
  const cold = await runColdStartBench(bundles);
  results.coldStart = cold;
  table(
    'Cold start per function (fresh process: import the packaged bundle + first request; median of 11)',
    [
      'function',
      'bundle (min)',
      'bundle (gzip)',
      'import ms',
      'import + 1st request ms',
      'bare node ms',
      'ratio (<= 2)',
      'secret fetches / cold start',
    ],
    cold.map((r) => [
      r.function,
      `${fmt(r.bundleBytes / 1024, 0)} KB ${mark(r.bundleBytes < 300 * 1024)}`,
      `${fmt(r.bundleGzipBytes / 1024, 0)} KB`,
      fmt(r.importMs, 1),
      fmt(r.firstRequestMs, 1),
      fmt(r.bareNodeMs, 1),
      `${fmt(r.ratioToBareNode, 2)} ${mark(r.ratioToBareNode <= 2)}`,
      fmt(r.secretFetchesPerColdStart, 2),
    ]),
  );
  const stsBundleCost = await measureStsBundleCost();
  results.stsBundleCost = stsBundleCost;
  const withSts = cold.find((r) => r.function === 'cosSign (STS)');
  const withoutSts = cold.find((r) => r.function === 'cosSign (no STS)');
  console.log(
    `\nTencent's STS client in cosSign: bundle ${fmt(stsBundleCost.withStsBytes / 1024)} KB vs ${fmt(stsBundleCost.withoutStsBytes / 1024)} KB without it (${fmt(stsBundleCost.withStsBytes / stsBundleCost.withoutStsBytes, 2)}x); ` +
      `cold start with a first signature ${fmt(withSts?.firstRequestMs ?? 0, 1)} ms vs ${fmt(withoutSts?.firstRequestMs ?? 0, 1)} ms without STS (${fmt((withSts?.firstRequestMs ?? 0) / (withoutSts?.firstRequestMs ?? 1), 2)}x; the STS row includes one loopback STS call)`,
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
