import { writeFileSync } from 'node:fs';
import { runSigningBench } from './signingBench';

// `npm run bench`: every number is a ratio against a baseline measured in the same run, so results
// from different machines can be compared. Raw numbers are kept in bench/results.json.

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const signing = runSigningBench();
console.log('\nSigning throughput (ops/s, median of interleaved rounds, one process)\n');
console.log(
  '| operation | ours | official | floor | ours/official (goal >= 1) | ours time/floor time (goal <= 1.15) |',
);
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of signing) {
  console.log(
    `| ${r.operation} | ${fmt(r.oursOpsPerSecond)} | ${fmt(r.officialOpsPerSecond)} | ${fmt(r.floorOpsPerSecond)} | ${fmt(r.vsOfficial, 2)} | ${fmt(r.vsFloor, 2)} |`,
  );
}

const results = {
  measuredAt: new Date().toISOString(),
  node: process.version,
  zlib: process.versions.zlib,
  signing,
};
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
console.log('\nwritten: bench/results.json');
