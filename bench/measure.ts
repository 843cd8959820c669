// Throughput measurement that compares implementations fairly within one process: the candidates of
// a case run in interleaved rounds (A, B, C, A, B, C, ...), so drift in CPU frequency or GC pressure
// hits all of them alike, and the median round is reported.

export interface Candidate {
  readonly name: string;
  readonly run: () => unknown;
}

export interface Throughput {
  readonly name: string;
  /** Median operations per second over the rounds. */
  readonly opsPerSecond: number;
  /** Median nanoseconds per operation. */
  readonly nsPerOp: number;
}

let sink: unknown;

function timeBatch(run: () => unknown, iterations: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sink = run();
  return Number(process.hrtime.bigint() - start) / iterations;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Runs every candidate for `rounds` interleaved rounds of about `roundMs` each. */
export function compareThroughput(
  candidates: readonly Candidate[],
  options: { rounds?: number; roundMs?: number } = {},
): Throughput[] {
  const rounds = options.rounds ?? 15;
  const roundMs = options.roundMs ?? 60;
  // Warm up (JIT, lazy initialisation) and size the batches so one round lasts about roundMs.
  const iterations = candidates.map((c) => {
    timeBatch(c.run, 200);
    const ns = timeBatch(c.run, 500);
    return Math.max(50, Math.round((roundMs * 1e6) / ns));
  });
  const samples = candidates.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    candidates.forEach((c, i) => {
      samples[i]?.push(timeBatch(c.run, iterations[i] as number));
    });
  }
  if (sink === Symbol.for('never')) console.log(sink); // keep results observable to the optimiser
  return candidates.map((c, i) => {
    const nsPerOp = median(samples[i] as number[]);
    return { name: c.name, nsPerOp, opsPerSecond: 1e9 / nsPerOp };
  });
}
