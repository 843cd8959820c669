import { beforeAll, describe, expect, it } from 'vitest';
import { logText, recordedCount, recordedTokens, sessionSettings, sleep } from './support/client';
import { E2E_COS_SECRET, E2E_TRTC_SECRET } from './support/fixtures';

// Runs after every other e2e file (vitest.config.ts orders it last) and reads everything serverless-
// offline and the functions printed during the run: every function line must be a JSON log record, and
// no line may hold a signing key, a session token the tests sent, or a token the service issued.

/** serverless-offline's own error lines (a function that threw or timed out), e.g. `× [504] - Lambda timeout.` */
const EMULATOR_ERROR = /^× /;
/** What serverless-offline itself prints per invocation; everything else after startup is the functions'. */
const FRAMEWORK_LINES = [
  /^$/,
  /^Running Authorization function for [a-z]+ \/\S* \(λ: \w+\)$/,
  /^[A-Z]+ \/\S* \(λ: \w+\)$/,
  /^\(λ: \w+\) RequestId: [\w-]+ {2}Duration: [\d.]+ ms {2}Billed Duration: \d+ ms$/,
];
const LEVELS = ['debug', 'info', 'warn', 'error'];
/**
 * A rotation step fails by throwing (Secrets Manager retries it), and serverless-offline prints that as
 * an error block: the handler, the error and its stack, the failed invoke. Such a block is expected when
 * its error is a RotationError (the rotation tests provoke them); any other error still fails the scan.
 */
const ROTATION_FAILURE_START = /^× Unhandled exception in handler '(rotateCosKey|rotateTrtcKey)'\.$/;
const ROTATION_FAILURE_LINE =
  /^(× RotationError: |\s+at |× Unhandled Lambda Error during invoke of 'tencent-token-issuer-e2e-(rotateCosKey|rotateTrtcKey)': Error: )/;

function withoutRotationFailures(lines: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as string;
    if (ROTATION_FAILURE_START.test(line) && /^× RotationError: /.test(lines[i + 1] ?? '')) {
      while (i + 1 < lines.length && ROTATION_FAILURE_LINE.test(lines[i + 1] as string)) i += 1;
      continue;
    }
    kept.push(line);
  }
  return kept;
}

let log: string;
let runtimeLines: string[];

beforeAll(async () => {
  // Function output travels worker thread -> serverless-offline -> pipe -> file: let the last lines land.
  await sleep(500);
  log = logText();
  const lines = log.split('\n');
  const ready = lines.findIndex((line) => line.startsWith('Server ready: '));
  expect(ready, 'the log starts with the startup output').toBeGreaterThan(0);
  runtimeLines = withoutRotationFailures(lines.slice(ready + 1));
});

function expectAbsent(needles: readonly string[], what: string): void {
  const found = needles.filter((needle) => log.includes(needle));
  expect(found.map((needle) => `${what}: ${needle.slice(0, 12)}...`)).toEqual([]);
}

describe('the captured log of the whole e2e run', () => {
  it('has the functions logging at all (the scan is not vacuous)', () => {
    const issued = runtimeLines.filter((line) => line.includes('"token issued"'));
    const rejected = runtimeLines.filter((line) => line.includes('"session rejected"'));
    const hint = 'this file scans what the other e2e files caused: run the whole e2e project';
    // Every token a test received was logged as issued: the scan saw the same requests. (The counts
    // themselves vary with the random property tests, so they are compared, never fixed.)
    expect(recordedCount('response'), hint).toBeGreaterThan(0);
    expect(issued.length, hint).toBeGreaterThanOrEqual(recordedCount('response'));
    // The authentication suite's fixed cases alone are rejected more often than this.
    expect(rejected.length, hint).toBeGreaterThanOrEqual(10);
  });

  it('has the COS audit trail: signatures and credentials issued, refusals with their code', () => {
    const records = runtimeLines
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const issued = records.filter((record) => record.message === 'cos signature issued');
    const refused = records.filter((record) => record.message === 'cos signature refused');
    expect(issued.length).toBeGreaterThanOrEqual(10);
    expect(refused.length).toBeGreaterThanOrEqual(10);
    expect(
      records.filter((record) => record.message === 'cos credentials issued').length,
    ).toBeGreaterThanOrEqual(1);
    for (const record of issued.filter((r) => r.version === 'v5')) {
      expect(record).toMatchObject({
        userId: expect.any(String),
        method: expect.any(String),
        key: expect.any(String),
        signedHeaders: expect.arrayContaining(['host']),
        signedQuery: expect.any(Array),
        lifetime: expect.any(Number),
      });
    }
    for (const record of refused)
      expect(record).toMatchObject({ userId: expect.any(String), code: expect.any(String) });
  });

  it('every line a function printed is one JSON log record', () => {
    const notJson: string[] = [];
    for (const line of runtimeLines) {
      if (EMULATOR_ERROR.test(line) || FRAMEWORK_LINES.some((pattern) => pattern.test(line))) continue;
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        record = undefined;
      }
      const ok =
        typeof record === 'object' &&
        record !== null &&
        LEVELS.includes((record as { level?: unknown }).level as string) &&
        typeof (record as { time?: unknown }).time === 'string' &&
        typeof (record as { message?: unknown }).message === 'string';
      if (!ok) notJson.push(line.slice(0, 200));
    }
    expect(notJson).toEqual([]);
  });

  it('reports no failed invocation (no function threw or timed out)', () => {
    expect(runtimeLines.filter((line) => EMULATOR_ERROR.test(line))).toEqual([]);
  });

  it('holds no signing key of the seeded secrets and not the session secret', () => {
    expectAbsent(
      [E2E_TRTC_SECRET.secretKey, E2E_COS_SECRET.secretKey, sessionSettings().hs256Secret],
      'secret',
    );
  });

  it('holds no session token the tests sent (nor its signature)', () => {
    // Distinct values: tokens for the same claims in the same second are identical.
    const tokens = recordedTokens('session');
    expect(tokens.length).toBeGreaterThan(0);
    const signatures = tokens.map((token) => token.split('.')[2] ?? '').filter((part) => part.length >= 20);
    expectAbsent(tokens, 'session token');
    expectAbsent(signatures, 'session token signature');
  });

  it('holds no token the service issued (nor a COS signature value, a temporary key or its token)', () => {
    // Distinct values: tokens for the same user, request and second are identical.
    const tokens = recordedTokens('issued');
    expect(tokens.length).toBeGreaterThan(0);
    const cosSignatures = tokens.flatMap((token) => /q-signature=([0-9a-f]{40})/.exec(token)?.[1] ?? []);
    expect(cosSignatures.length).toBeGreaterThan(0);
    expectAbsent(tokens, 'issued token');
    expectAbsent(cosSignatures, 'COS signature');
  });
});
