import type { ColdStartRow, PhaseTimes } from './coldStartBench';

// What a measured cold start costs on Lambda, in latency and money, at each memory size. Lambda gives the
// invoke phase memory/1769 of a vCPU (a full vCPU at 1,769 MB); INIT is widely reported to run with full
// CPU, so it is shown both unthrottled and scaled like the invoke phase. CPU time stretches by the share;
// waiting (wall minus CPU) does not.

/** Lambda's published arm64 prices (USD), and where they come from. */
export const LAMBDA_ARM64_PRICES = Object.freeze({
  source:
    'https://aws.amazon.com/lambda/pricing/: US East (N. Virginia), Arm, first 7.5 billion GB-seconds per month; read 2026-12-01',
  perGbSecond: 0.0000133334,
  perMillionRequests: 0.2,
  /** INIT is billed since 2025-08-01 (AWS Compute Blog, "AWS Lambda standardizes billing for INIT Phase"). */
  initBilled: true,
  /** The same post: cold starts occur in under 1% of invocations; the model assumes 1%. */
  coldStartShare: 0.01,
});

export const MEMORY_SIZES_MB = [128, 256, 512, 1024, 1769] as const;

/** The vCPU share of a memory size. */
export function cpuShare(memoryMb: number): number {
  return Math.min(1, memoryMb / 1769);
}

/** A phase's latency at a CPU share: CPU time stretched, waiting unchanged. */
export function phaseLatencyMs(phase: PhaseTimes, share: number): number {
  return phase.cpuMs / share + Math.max(0, phase.wallMs - phase.cpuMs);
}

export interface ModelRow {
  readonly function: string;
  readonly memoryMb: number;
  /** Node start + INIT at full CPU + the first invocation at the memory's share. */
  readonly coldUnthrottledMs: number;
  /** The same with INIT (and Node's start) throttled like the invoke phase. */
  readonly coldScaledMs: number;
  readonly warmMs: number;
  /** USD per million requests: the request price, warm durations, and 1% cold starts (INIT billed). */
  readonly costPerMillionUsd: number;
}

/**
 * Models one measured function at one memory size.
 *
 * @example
 * ```ts
 * modelColdStart(row, 256).coldUnthrottledMs;
 * ```
 */
export function modelColdStart(row: ColdStartRow, memoryMb: number): ModelRow {
  const share = cpuShare(memoryMb);
  const first = phaseLatencyMs(row.firstInvocation, share);
  const initUnthrottled = row.nodeStartMs + row.init.wallMs;
  const initScaled = row.nodeStartMs / share + phaseLatencyMs(row.init, share);
  const warmMs = phaseLatencyMs(row.warmInvocation, share);
  const gb = memoryMb / 1024;
  const prices = LAMBDA_ARM64_PRICES;
  // Billed in whole milliseconds, rounded up.
  const billed = (ms: number) => Math.ceil(ms) / 1000;
  const perInvocation = (seconds: number) => seconds * gb * prices.perGbSecond * 1e6;
  const coldShare = prices.coldStartShare;
  const costPerMillionUsd =
    prices.perMillionRequests +
    (1 - coldShare) * perInvocation(billed(warmMs)) +
    coldShare * perInvocation(billed(initUnthrottled) + billed(first));
  return {
    function: row.function,
    memoryMb,
    coldUnthrottledMs: initUnthrottled + first,
    coldScaledMs: initScaled + first,
    warmMs,
    costPerMillionUsd,
  };
}
