import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import {
  benchSessionToken,
  CREDENTIALS_BODY,
  ROUTE_BODIES,
  serviceEnvironment,
  startBenchSecretsManager,
  startBenchSts,
  tokenEvent,
} from './benchEnvironment';

// Cold start per function: a fresh Node process imports the packaged (serverless package) bundle and
// serves its first request, with the signing secret fetched from the loopback Secrets Manager by the
// real SDK client (and, for the COS functions, a temporary key from the loopback STS by Tencent's SDK).
// Compared with a bare `node -e 0` measured in the same interleaved loop; cosSign also runs without STS
// (the same bundle, COS_STS_ENABLED=false: the STS SDK is then never loaded), its baseline.

const root = fileURLToPath(new URL('..', import.meta.url));
const work = join(root, 'bench', '.work');
const FUNCTIONS = ['authorizer', 'userSig', 'privateMapKey', 'cosSign', 'cosCredentials'] as const;
/** The rows: a function, and whether its COS calls use STS. */
const RUNS: readonly {
  readonly name: string;
  readonly fn: (typeof FUNCTIONS)[number];
  readonly sts: boolean;
}[] = [
  { name: 'authorizer', fn: 'authorizer', sts: true },
  { name: 'userSig', fn: 'userSig', sts: true },
  { name: 'privateMapKey', fn: 'privateMapKey', sts: true },
  { name: 'cosSign (STS)', fn: 'cosSign', sts: true },
  { name: 'cosSign (no STS)', fn: 'cosSign', sts: false },
  { name: 'cosCredentials (STS)', fn: 'cosCredentials', sts: true },
];

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
  const sts = await startBenchSts();
  try {
    // NODE_EXTRA_CA_CERTS (set in this sandbox) adds ~45 ms to every start; Lambda has no such thing.
    const { NODE_EXTRA_CA_CERTS: _ignored, NODE_OPTIONS: _alsoIgnored, ...base } = process.env;
    const envOf = (withSts: boolean) => ({
      ...base,
      ...serviceEnvironment(fake.url, withSts ? sts.url : undefined),
    });
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
      cosCredentials: tokenEvent(CREDENTIALS_BODY.path, CREDENTIALS_BODY.body),
    };
    const runner = join(root, 'bench', 'coldStartRunner.mjs');
    const rows: ColdStartRow[] = [];
    for (const { name, fn, sts: withSts } of RUNS) {
      const env = envOf(withSts);
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
        function: name,
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
    await sts.close();
  }
}

/** What Tencent's STS client adds to the cosSign bundle. */
export interface StsBundleCost {
  /** The minified cosSign bundle as packaged. */
  readonly withStsBytes: number;
  /** The same build with the STS SDK replaced by an empty module. */
  readonly withoutStsBytes: number;
}

/**
 * Builds functions/cosSign.ts twice with serverless.yml's esbuild settings (aliases included): as
 * packaged, and with `tencentcloud-sdk-nodejs-sts` aliased to an empty module, so that the difference is
 * exactly the STS client and what only it pulls in.
 */
export async function measureStsBundleCost(): Promise<StsBundleCost> {
  const manifest = readFileSync(join(root, 'serverless.yml'), 'utf8');
  const aliasBlock = /\n {4}alias:\n((?: {6}.*\n| *#.*\n)+)/.exec(manifest)?.[1] ?? '';
  const alias = Object.fromEntries(
    [...aliasBlock.matchAll(/^ {6}"?([^":#\s]+)"?: (\S+)$/gm)].map((match) => [
      match[1] as string,
      match[2] as string,
    ]),
  );
  mkdirSync(work, { recursive: true });
  const stub = join(work, 'noSts.mjs');
  writeFileSync(stub, 'export const sts = undefined;\n');
  const size = async (extraAlias: Record<string, string>) => {
    const result = await build({
      entryPoints: [join(root, 'functions', 'cosSign.ts')],
      absWorkingDir: root,
      bundle: true,
      minify: true,
      write: false,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      mainFields: ['module', 'main'],
      alias: { ...alias, ...extraAlias },
      banner: {
        js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      },
      logLevel: 'silent',
    });
    return result.outputFiles[0]?.contents.length ?? 0;
  };
  return {
    withStsBytes: await size({}),
    withoutStsBytes: await size({ 'tencentcloud-sdk-nodejs-sts': stub }),
  };
}
