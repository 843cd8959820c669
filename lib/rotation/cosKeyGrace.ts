// How long the previous COS key must stay active after a rotation. When finishSecret moves AWSCURRENT
// at time T, a warm token function may still hold the old secret in its cache until T + the cache TTL
// (the rotation date only shortens a cache loaded before it), and sign with it right then: that
// signature (or STS credential) lives for at most the longest lifetime the service issues. Tencent
// checks a signature's time window against its own clock, so a clock-skew margin is added on top.

/** Allowance for the difference between our clock and Tencent's, in seconds. */
export const CLOCK_SKEW_MARGIN_SECONDS = 300;

/**
 * The shortest safe grace period: cache TTL + the longest credential lifetime + clock-skew margin.
 *
 * @example
 * ```ts
 * minimumCosKeyGraceSeconds({ secretsTtlSeconds: 300, credentialLifetimesSeconds: [3600, 7200] }); // 7800
 * ```
 */
export function minimumCosKeyGraceSeconds(input: {
  readonly secretsTtlSeconds: number;
  readonly credentialLifetimesSeconds: readonly number[];
}): number {
  const longest = Math.max(0, ...input.credentialLifetimesSeconds);
  return input.secretsTtlSeconds + longest + CLOCK_SKEW_MARGIN_SECONDS;
}

/**
 * When the previous version stopped being current, as far as Secrets Manager tells: the later of the
 * secret's `LastRotatedDate` (set when a rotation finishes) and the current version's creation (a manual
 * `put-secret-value` makes its version current at once). Never earlier than the real moment, so a grace
 * measured from it is never cut short. `undefined` when neither is known.
 *
 * @example
 * ```ts
 * previousKeyRetiredAt(described.lastRotatedDate, current.createdDate);
 * ```
 */
export function previousKeyRetiredAt(
  lastRotatedDate: Date | undefined,
  currentCreatedDate: Date | undefined,
): number | undefined {
  const times = [lastRotatedDate, currentCreatedDate]
    .map((date) => date?.getTime())
    .filter((time): time is number => time !== undefined && !Number.isNaN(time));
  return times.length === 0 ? undefined : Math.max(...times);
}
