import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { E2E_SESSION } from './fixtures';
import { startStack } from './startStack';

// Vitest global setup of the `e2e` project: one stack for the whole run, handed to the tests through
// `provide`/`inject`, and always stopped at the end (startStack stops what it started if it fails).

declare module 'vitest' {
  export interface ProvidedContext {
    /** The HTTP API of serverless-offline, e.g. `http://127.0.0.1:43127`. */
    e2eBaseUrl: string;
    /** serverless-offline's Lambda Invoke API. */
    e2eLambdaUrl: string;
    /** The fake Secrets Manager (admin API under `/__admin/`). */
    e2eSecretsManagerUrl: string;
    /** The fake Tencent STS (admin API under `/__admin/`). */
    e2eStsUrl: string;
    /** The fake Tencent Cloud API (CAM, STS) and IM REST API of the rotation jobs. */
    e2eTencentCloudUrl: string;
    e2eImRestUrl: string;
    /** The Lambda endpoint of the room hook (forwards to e2eLambdaUrl; admin API under `/__admin/`). */
    e2eFakeLambdaUrl: string;
    /** Everything serverless-offline and the functions printed. */
    e2eLogFile: string;
    /** Where the tests record every session token they sent and every token they received. */
    e2eRecordFile: string;
    e2eSession: { hs256Secret: string; issuer: string; audience: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const stack = await startStack({ repoRoot: project.config.root });
  project.provide('e2eBaseUrl', stack.baseUrl);
  project.provide('e2eLambdaUrl', stack.lambdaUrl);
  project.provide('e2eSecretsManagerUrl', stack.fakeSecretsManagerUrl);
  project.provide('e2eStsUrl', stack.fakeStsUrl);
  project.provide('e2eTencentCloudUrl', stack.fakeTencentCloudUrl);
  project.provide('e2eImRestUrl', stack.fakeImRestUrl);
  project.provide('e2eFakeLambdaUrl', stack.fakeLambdaUrl);
  project.provide('e2eLogFile', stack.logFile);
  project.provide('e2eRecordFile', join(stack.runDir, 'tokens.tsv'));
  project.provide('e2eSession', { ...E2E_SESSION });
  console.info(`e2e stack ready in ${Date.now() - started} ms: ${stack.baseUrl}; output in ${stack.logFile}`);
  return () => stack.stop();
}
