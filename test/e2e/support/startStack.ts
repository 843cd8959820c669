import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { startFakeLambda } from '../../support/fakeLambda';
import { type FakeSecretsManager, startFakeSecretsManager } from '../../support/fakeSecretsManager';
import { startFakeSts } from '../../support/fakeSts';
import {
  COS_SECRET_ID,
  E2E_COS_SECRET,
  E2E_ROOMS,
  E2E_SESSION,
  E2E_SETTINGS,
  E2E_STAGE,
  E2E_STS_SEED,
  E2E_TRTC_SECRET,
  SESSION_SECRET_ID,
  TRTC_SECRET_ID,
} from './fixtures';
import { startRotationFakes } from './rotationFakes';

// Starts the whole service the way `npm start` does, but on the `e2e` stage: serverless-offline (API
// Gateway HTTP API emulation, the Lambda authorizer, one worker thread per warm function) in its own
// process group, reading its signing keys through the real AWS SDK from the in-process fake Secrets
// Manager. Everything the functions print goes to one log file, which the tests read.

/**
 * A running stack. `stop()` is idempotent and never rejects.
 *
 * @example
 * ```ts
 * const stack = await startStack({ repoRoot: process.cwd() });
 * await fetch(`${stack.baseUrl}/v1/usersig`, { method: 'POST' });
 * await stack.stop();
 * ```
 */
export interface E2eStack {
  /** The HTTP API, e.g. `http://127.0.0.1:43127` (routes at `/v1/...`, no stage prefix). */
  readonly baseUrl: string;
  /** serverless-offline's Lambda Invoke API (`/2015-03-31/functions/<name>/invocations`). */
  readonly lambdaUrl: string;
  /** serverless-offline's own HTTP server, behind the local gateway (to test what bypasses the gateway). */
  readonly offlineUrl: string;
  /** The fake Secrets Manager; its admin API lives under `/__admin/`. */
  readonly fakeSecretsManagerUrl: string;
  /** The fake Tencent STS (`COS_STS_ENDPOINT` of the e2e stage); its admin API lives under `/__admin/`. */
  readonly fakeStsUrl: string;
  /** The fake Tencent Cloud API (CAM, STS) and IM REST API of the rotation jobs (admin under `/__admin/`). */
  readonly fakeTencentCloudUrl: string;
  readonly fakeImRestUrl: string;
  /** The Lambda endpoint the functions call (the room hook): forwards to `lambdaUrl`, admin API under `/__admin/`. */
  readonly fakeLambdaUrl: string;
  /** Every line serverless-offline and the functions wrote to stdout and stderr. */
  readonly logFile: string;
  /** A temporary directory for this run (the log file, records of tokens the tests used). */
  readonly runDir: string;
  stop(): Promise<void>;
}

/**
 * Options of {@link startStack}.
 *
 * @example
 * ```ts
 * await startStack({ repoRoot: '/work/main', readyTimeoutMs: 60_000 });
 * ```
 */
export interface StartStackOptions {
  /** The repository root (where serverless.yml is). */
  readonly repoRoot: string;
  /** How long to wait for "Server ready" (bundling included). Default 90 s. */
  readonly readyTimeoutMs?: number;
  /**
   * The stage: `e2e` (default; a deployed-stage configuration whose keys come from the fake Secrets
   * Manager) or `local` (what `npm start` runs: the committed development keys and session secret).
   */
  readonly stage?: 'e2e' | 'local';
  /** More variables for the service (they win over the stage's own). */
  readonly environment?: Readonly<Record<string, string>>;
  /** The TRTC secret seeded instead of E2E_TRTC_SECRET. */
  readonly trtcSecret?: Readonly<Record<string, unknown>>;
}

/** Variables the service or the framework read: never inherited from the caller's shell. */
const SERVICE_VARIABLE =
  /^(AWS_|SECRETS_|SESSION_|TRTC_|COS_|USERSIG_|PRIVATEMAPKEY_|ROOM_|SLS_|SERVERLESS_|API_THROTTLE_)/;
const SERVICE_VARIABLES = new Set([
  'STAGE',
  'LOG_LEVEL',
  'CORS_ALLOWED_ORIGINS',
  'MAX_BODY_BYTES',
  'HTTP_PORT',
  'LAMBDA_PORT',
  'AUTHORIZER_CACHE_SECONDS',
  'RESERVED_CONCURRENCY',
  'ESBUILD_WORK_FOLDER',
  'ESBUILD_WATCH_PATTERN',
  'FORCE_COLOR',
]);
const READY = /Server ready: (http:\/\/\S+)/;
const OFFLINE_URL = /serverless-offline \(behind the gateway\): (http:\/\/\S+)/;
const KEPT_OUTPUT_CHARS = 20_000;

/**
 * Starts the fake Secrets Manager (seeded with the fixtures) and the service on the `e2e` stage the way
 * `npm start` does (scripts/startLocal.ts: serverless-offline behind the local gateway) on two free
 * loopback ports, and waits until the gateway is ready. On any failure everything started so
 * far is stopped and the error carries the captured output.
 *
 * @example
 * ```ts
 * const stack = await startStack({ repoRoot });
 * try { ... } finally { await stack.stop(); }
 * ```
 */
export async function startStack(options: StartStackOptions): Promise<E2eStack> {
  const repoRoot = resolve(options.repoRoot);
  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
  const runDir = await mkdtemp(join(tmpdir(), 'tencent-token-issuer-e2e-'));
  const logFile = join(runDir, 'offline.log');
  // Inside node_modules: ignored by git, Biome and serverless-esbuild's watcher, and unique to this run.
  const workFolder = join(
    'node_modules',
    '.cache',
    'tencent-token-issuer-e2e',
    runDir.split(/[\\/]/).at(-1) ?? 'run',
  );

  const cleanups: (() => Promise<void> | void)[] = [];
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      for (const cleanup of cleanups.reverse()) {
        try {
          await cleanup();
        } catch {
          // Keep stopping the rest.
        }
      }
    })();
    return stopped;
  };
  cleanups.push(() => rm(join(repoRoot, workFolder), { recursive: true, force: true }));

  try {
    const fake = await startFakeSecretsManager();
    cleanups.push(() => fake.close());
    seed(fake, options.trtcSecret ?? E2E_TRTC_SECRET);
    const rotation = await startRotationFakes(fake);
    cleanups.push(() => rotation.close());

    // The fake STS knows the CAM key of the COS secret.
    const sts = await startFakeSts({
      camKeys: { [E2E_COS_SECRET.secretId]: E2E_COS_SECRET.secretKey },
      // And every active key of the CAM fake, such as one a rotation created.
      camKeyOf: (secretId) => rotation.tencentCloud.secretKeyOf(secretId),
      seed: E2E_STS_SEED,
    });
    cleanups.push(() => sts.close());

    const [httpPort, lambdaPort] = await freePorts(2);
    // The room hook is invoked through this loopback Lambda API with the real SDK client; it forwards
    // to serverless-offline's own Invoke endpoint (the example hook runs there) unless a test sets a fault.
    const lambda = await startFakeLambda({ forwardTo: `http://127.0.0.1:${lambdaPort}` });
    cleanups.push(() => lambda.close());
    // Missing files: the SDK must not read a developer's ~/.aws (profiles, endpoints, credentials).
    const noAwsFile = join(runDir, 'no-aws-config');

    const stage = options.stage ?? E2E_STAGE;
    const deployedStage: NodeJS.ProcessEnv = {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: fake.url,
      SECRETS_SOURCE: 'aws',
      TRTC_SECRET_ID,
      COS_SECRET_ID,
      SESSION_SECRET_ID,
      SECRETS_TTL_SECONDS: String(E2E_SETTINGS.secretsTtlSeconds),
      SECRETS_RETRY_ATTEMPTS: String(E2E_SETTINGS.secretsRetryAttempts),
      SECRETS_TIMEOUT_MS: String(E2E_SETTINGS.secretsTimeoutMs),
      SECRETS_RETRY_AFTER_SECONDS: String(E2E_SETTINGS.secretsRetryAfterSeconds),
      SESSION_ISSUER: E2E_SESSION.issuer,
      SESSION_AUDIENCE: E2E_SESSION.audience,
      CORS_ALLOWED_ORIGINS: E2E_SETTINGS.corsAllowedOrigin,
      // The COS functions use STS, as on every deployed stage by default: the loopback one.
      COS_STS_ENDPOINT: sts.url,
      COS_STS_TIMEOUT_MS: String(E2E_SETTINGS.stsTimeoutMs),
      AWS_ENDPOINT_URL_LAMBDA: lambda.url,
      ROOM_POLICY: E2E_ROOMS.policy,
      ROOM_RULES: JSON.stringify(E2E_ROOMS.rules),
      ROOM_HOOK_CLAIMS: E2E_ROOMS.hookClaims.join(','),
      ROOM_HOOK_TIMEOUT_MS: String(E2E_ROOMS.hookTimeoutMs),
      ROOM_HOOK_CACHE_SECONDS: String(E2E_ROOMS.hookCacheSeconds),
      ROOM_HOOK_RETRY_AFTER_SECONDS: String(E2E_ROOMS.hookRetryAfterSeconds),
    };
    const env: NodeJS.ProcessEnv = {
      ...inheritedEnvironment(),
      NO_COLOR: '1',
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
      ESBUILD_WORK_FOLDER: workFolder,
      // Never watched: a source change would make serverless-offline kill every worker mid-request.
      ESBUILD_WATCH_PATTERN: join(workFolder, 'not-watched'),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_CONFIG_FILE: noAwsFile,
      AWS_SHARED_CREDENTIALS_FILE: noAwsFile,
      AWS_EC2_METADATA_DISABLED: 'true',
      HTTP_PORT: String(httpPort),
      LAMBDA_PORT: String(lambdaPort),
      LOG_LEVEL: 'debug',
      ...(stage === E2E_STAGE ? { ...deployedStage, ...rotation.env } : {}),
      ...options.environment,
    };

    const log = createWriteStream(logFile, { flags: 'a' });
    cleanups.push(() => new Promise<void>((done) => log.end(done)));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'scripts', 'startLocal.ts'), '--stage', stage],
      // Its own process group: stop() ends the gateway, serverless-offline and anything they started.
      { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output = captureOutput(child, log);
    const exited = new Promise<number | string>((done) => {
      child.once('exit', (code, signal) => done(signal ?? code ?? 'unknown'));
    });
    // After 'exit', 'close' says both pipes are drained: every line is in the log.
    const closed = new Promise<void>((done) => child.once('close', () => done()));
    const killGroup = (signal: NodeJS.Signals): void => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    // A test runner that exits without teardown (Ctrl-C, a crash) must not leave the server behind.
    const onExit = (): void => killGroup('SIGKILL');
    process.once('exit', onExit);
    cleanups.push(async () => {
      process.off('exit', onExit);
      killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      // serverless-offline may have started helpers in its group (esbuild's service) that outlive it.
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // The group is empty.
        }
      }
      await Promise.race([closed, new Promise((done) => setTimeout(done, 2000).unref())]);
    });

    const offlineLine = output.onLine(OFFLINE_URL);
    const readyUrl = await waitForReady(output, exited, readyTimeoutMs);
    const offlineUrl = (await offlineLine)[1] ?? '';
    if (readyUrl !== `http://localhost:${httpPort}`) {
      throw new Error(`the service is ready on ${readyUrl}, expected port ${httpPort}`);
    }
    if (stage === E2E_STAGE) {
      // serverless-offline starts a function's worker on its first invocation, which under load takes
      // longer than the hook's timeout: one call now, so that tests meet a warm hook, as Lambda would.
      await fetch(
        `http://127.0.0.1:${lambdaPort}/2015-03-31/functions/${E2E_ROOMS.hookFunction}/invocations`,
        {
          method: 'POST',
          body: '{}',
          signal: AbortSignal.timeout(readyTimeoutMs),
        },
      );
    }
    return {
      baseUrl: `http://127.0.0.1:${httpPort}`,
      lambdaUrl: `http://127.0.0.1:${lambdaPort}`,
      offlineUrl,
      fakeSecretsManagerUrl: fake.url,
      fakeStsUrl: sts.url,
      fakeTencentCloudUrl: rotation.tencentCloud.url,
      fakeImRestUrl: rotation.imRest.url,
      fakeLambdaUrl: lambda.url,
      logFile,
      runDir,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Puts the valid fixture secrets (also used to restore them after a test has broken one). */
function seed(fake: FakeSecretsManager, trtcSecret: Readonly<Record<string, unknown>>): void {
  fake.putSecret(TRTC_SECRET_ID, JSON.stringify(trtcSecret));
  fake.putSecret(COS_SECRET_ID, JSON.stringify(E2E_COS_SECRET));
  fake.putSecret(SESSION_SECRET_ID, JSON.stringify({ hs256Secret: E2E_SESSION.hs256Secret }));
}

function inheritedEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !SERVICE_VARIABLE.test(name) && !SERVICE_VARIABLES.has(name),
    ),
  );
}

interface CapturedOutput {
  /** The last KEPT_OUTPUT_CHARS characters, for error messages. */
  text(): string;
  /** Resolves with the first match of `pattern` in a line of either stream. */
  onLine(pattern: RegExp): Promise<RegExpExecArray>;
}

/** Writes both streams to the log, whole lines only (so stdout and stderr never interleave mid-line). */
function captureOutput(child: ChildProcess, log: WriteStream): CapturedOutput {
  let recent = '';
  const waiters: { pattern: RegExp; resolve: (match: RegExpExecArray) => void }[] = [];
  const lines = (stream: Readable | null): void => {
    if (stream === null) return;
    let partial = '';
    const emit = (line: string): void => {
      if (!log.writableEnded) log.write(`${line}\n`);
      recent = `${recent}${line}\n`.slice(-KEPT_OUTPUT_CHARS);
      for (const waiter of [...waiters]) {
        const match = waiter.pattern.exec(line);
        if (match !== null) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(match);
        }
      }
    };
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = `${partial}${chunk}`.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) emit(line);
    });
    stream.on('end', () => {
      if (partial !== '') emit(partial);
      partial = '';
    });
  };
  lines(child.stdout);
  lines(child.stderr);
  return {
    text: () => recent,
    onLine: (pattern) => new Promise((resolve) => waiters.push({ pattern, resolve })),
  };
}

async function waitForReady(
  output: CapturedOutput,
  exited: Promise<number | string>,
  timeoutMs: number,
): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const outcome = await Promise.race([
      output.onLine(READY).then((match) => ({ ready: match[1] ?? '' })),
      exited.then((code) => ({ exited: code })),
      new Promise<{ timedOut: true }>((done) => {
        timer = setTimeout(() => done({ timedOut: true }), timeoutMs);
      }),
    ]);
    if ('ready' in outcome) return outcome.ready;
    const why =
      'exited' in outcome
        ? `exited (${outcome.exited}) before it was ready`
        : `was not ready after ${timeoutMs} ms`;
    throw new Error(`serverless offline ${why}; its output:\n${output.text()}`);
  } finally {
    clearTimeout(timer);
  }
}

/** Ports that were free a moment ago (the OS picks them; serverless-offline binds them right after). */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((done, fail) => {
          const server = createServer();
          server.once('error', fail);
          server.listen(0, '127.0.0.1', () => done(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  return ports;
}
