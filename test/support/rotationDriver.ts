import { randomUUID } from 'node:crypto';

// Plays Secrets Manager's part in a rotation: makes the AWSPENDING version (id = ClientRequestToken),
// invokes the rotation function with each step in order, and retries when a step throws, as the service
// does: by default the whole rotation again from createSecret with the same token (`restart:
// 'rotation'`), or only the failed step (`restart: 'step'`).

/** The four steps in Secrets Manager's order. */
export const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
export type Step = (typeof STEPS)[number];

/** One invocation the driver made. */
export interface DriverAttempt {
  readonly step: Step;
  /** The error's message, when the step threw. */
  readonly error?: string;
}

/**
 * Options of {@link driveRotation}.
 *
 * @example
 * ```ts
 * await driveRotation({ secretId: arn, begin: (token) => fake.beginRotation(arn, token), invoke: (e) => handler(e) });
 * ```
 */
export interface RotationDriverOptions {
  readonly secretId: string;
  /** Creates the empty AWSPENDING version `token` (Secrets Manager's RotateSecret). */
  readonly begin: (token: string) => Promise<void> | void;
  /** Invokes the rotation function with one step's event. */
  readonly invoke: (event: { Step: Step; SecretId: string; ClientRequestToken: string }) => Promise<unknown>;
  readonly token?: string;
  /** How many times the rotation (or a step) is tried. Default 4. */
  readonly attempts?: number;
  readonly restart?: 'rotation' | 'step';
}

/** How a rotation went. */
export interface DriverResult {
  readonly token: string;
  readonly ok: boolean;
  readonly attempts: readonly DriverAttempt[];
}

/**
 * Runs one rotation to the end or until its attempts are used up.
 *
 * @example
 * ```ts
 * const { ok, attempts } = await driveRotation(options);
 * ```
 */
export async function driveRotation(options: RotationDriverOptions): Promise<DriverResult> {
  const token = options.token ?? randomUUID();
  const budget = options.attempts ?? 4;
  const attempts: DriverAttempt[] = [];
  await options.begin(token);
  let next = 0;
  let failures = 0;
  while (next < STEPS.length) {
    const step = STEPS[next] as Step;
    try {
      await options.invoke({ Step: step, SecretId: options.secretId, ClientRequestToken: token });
      attempts.push({ step });
      next += 1;
    } catch (error) {
      attempts.push({ step, error: error instanceof Error ? error.message : String(error) });
      failures += 1;
      if (failures >= budget) return { token, ok: false, attempts };
      if ((options.restart ?? 'rotation') === 'rotation') next = 0;
    }
  }
  return { token, ok: true, attempts };
}
