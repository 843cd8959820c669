import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import {
  benchSessionToken,
  ROUTE_BODIES,
  serviceEnvironment,
  startBenchSecretsManager,
  tokenEvent,
} from './benchEnvironment';

// Cold start per function: a fresh Node process imports the packaged (serverless package) bundle and
// serves its first request, with the signing secret fetched from the loopback Secrets Manager by the
// real SDK client. Compared with a bare `node -e 0` measured in the same interleaved loop.

const root = fileURLToPath(new URL('..', import.meta.url));
const work = join(root, 'bench', '.work');
const FUNCTIONS = ['authorizer', 'userSig', 'privateMapKey', 'cosSign'] as const;

export interface ColdStartRow {
  readonly function: string;
  readonly bundleBytes: number;
  readonly bundleGzipBytes: number;
  readonly importMs: number;
  readonly firstRequestMs: number;
  readonly bareNodeMs: number;
  /** (import + first request) / bare node start: the target is at most 2. */
  readonly ratioToBareNode: number;
  readonly secretFetchesPerColdStart: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

// Asynchronous on purpose: the loopback Secrets Manager lives in this process and must keep answering.
function timeProcess(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code === 0) resolve(ms);
      else reject(new Error(`cold start run failed: ${stderr}`));
    });
  });
}

/** Builds the deployable zips exactly as `npm run package` does, into bench/.work, and unpacks them. */
export function buildBundles(): Record<string, string> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  execFileSync('npx', ['serverless', 'package', '--stage', 'bench', '--package', join(work, 'zips')], {
    cwd: root,
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1' },
    stdio: 'ignore',
  });
  const bundles: Record<string, string> = {};
  for (const fn of FUNCTIONS) {
    const dir = join(work, fn);
    execFileSync('unzip', ['-q', '-o', join(work, 'zips', `${fn}.zip`), '-d', dir]);
    const file = readdirSync(join(dir, 'functions')).find((name) => name.endsWith('.mjs'));
    if (!file) throw new Error(`no bundle in ${fn}.zip`);
    bundles[fn] = join(dir, 'functions', file);
  }
  return bundles;
}

export async function runColdStartBench(bundles: Record<string, string>, runs = 11): Promise<ColdStartRow[]> {
  const fake = await startBenchSecretsManager();
  try {
    // NODE_EXTRA_CA_CERTS (set in this sandbox) adds ~45 ms to every start; Lambda has no such thing.
    const { NODE_EXTRA_CA_CERTS: _ignored, NODE_OPTIONS: _alsoIgnored, ...base } = process.env;
    const env = { ...base, ...serviceEnvironment(fake.url) };
    const token = await benchSessionToken('bench_user');
    const events: Record<string, unknown> = {
      authorizer: {
        version: '2.0',
        type: 'REQUEST',
        routeArn: 'arn:aws:execute-api:us-east-1:0:api/$default/POST/v1/usersig',
        headers: { authorization: `Bearer ${token}` },
        requestContext: { requestId: 'cold-start', http: { method: 'POST', path: '/v1/usersig' } },
      },
      userSig: tokenEvent(ROUTE_BODIES.userSig.path, ROUTE_BODIES.userSig.body),
      privateMapKey: tokenEvent(ROUTE_BODIES.privateMapKey.path, ROUTE_BODIES.privateMapKey.body),
      cosSign: tokenEvent(ROUTE_BODIES.cosSign.path, ROUTE_BODIES.cosSign.body),
    };
    const runner = join(root, 'bench', 'coldStartRunner.mjs');
    const rows: ColdStartRow[] = [];
    for (const fn of FUNCTIONS) {
      const bundle = bundles[fn] as string;
      const eventJson = JSON.stringify(events[fn]);
      const bare: number[] = [];
      const imports: number[] = [];
      const firsts: number[] = [];
      let fetchesDuringRequests = 0;
      for (let i = 0; i < runs; i++) {
        bare.push(await timeProcess(['-e', '0'], env));
        imports.push(await timeProcess([runner, bundle, eventJson, 'import'], env));
        const before = fake.callCount('GetSecretValue');
        firsts.push(await timeProcess([runner, bundle, eventJson, 'request'], env));
        fetchesDuringRequests += fake.callCount('GetSecretValue') - before;
      }
      const code = readFileSync(bundle);
      const bareNodeMs = median(bare);
      const firstRequestMs = median(firsts);
      rows.push({
        function: fn,
        bundleBytes: statSync(bundle).size,
        bundleGzipBytes: gzipSync(code).length,
        importMs: median(imports),
        firstRequestMs,
        bareNodeMs,
        ratioToBareNode: firstRequestMs / bareNodeMs,
        secretFetchesPerColdStart: fetchesDuringRequests / runs,
      });
    }
    return rows;
  } finally {
    await fake.close();
  }
}
