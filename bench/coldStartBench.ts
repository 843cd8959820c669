import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { load } from 'js-yaml';
import { FUNCTIONS } from '../deploy/functions';
import {
  type BenchServices,
  benchSessionToken,
  CREDENTIALS_BODY,
  ROUTE_BODIES,
  serviceEnvironment,
  startBenchServices,
  tokenEvent,
} from './benchEnvironment';

// Cold start per function, split the way Lambda bills and throttles it: INIT (import of the packaged
// bundle, including the work its top level awaits: the secret, the JWKS), the first invocation, and a
// warm invocation, each as CPU and wall time, measured inside a fresh Node process per run. Compared
// with the floor (the bare SDK client plus one GetSecretValue, bundled the same way) and a bare
// `node -e 0`, measured in the same interleaved loop.

const root = fileURLToPath(new URL('..', import.meta.url));
const work = join(root, 'bench', '.work');
/** The request path: the authorizer and every routed function (not the room hook or the scheduled jobs). */
const FUNCTION_NAMES = (Object.keys(FUNCTIONS) as (keyof typeof FUNCTIONS)[]).filter(
  (name) => name === 'authorizer' || 'route' in FUNCTIONS[name],
);
export const FLOOR = 'floor: SDK client + 1 GetSecretValue';
/** cosSign again, without STS (the same bundle; its STS SDK is then never loaded): its baseline. */
export const COS_SIGN_NO_STS = 'cosSign (no STS)';

/** One phase's medians, in ms. */
export interface PhaseTimes {
  readonly cpuMs: number;
  readonly wallMs: number;
}

export interface ColdStartRow {
  readonly function: string;
  readonly bundleBytes: number;
  readonly bundleGzipBytes: number;
  /** Node's own start (bare `node -e 0`, wall), part of every INIT. */
  readonly nodeStartMs: number;
  readonly init: PhaseTimes;
  readonly firstInvocation: PhaseTimes;
  readonly warmInvocation: PhaseTimes;
  /** INIT CPU / the floor's INIT CPU: the target is at most 1.1. */
  readonly initVsFloor: number;
  readonly secretFetchesPerColdStart: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

// Asynchronous on purpose: the loopback services live in this process and must keep answering.
function runProcess(args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code === 0) resolve({ ms, stdout });
      else reject(new Error(`cold start run failed: ${stderr}`));
    });
  });
}

/** The esbuild options the functions are packaged with (serverless.yml, custom.esbuild). */
function functionBuildOptions() {
  const manifest = load(readFileSync(join(root, 'serverless.yml'), 'utf8')) as {
    custom: { esbuild: Record<string, unknown> };
  };
  const { bundle, minify, target, platform, format, mainFields, alias, banner } = manifest.custom.esbuild;
  return { bundle, minify, target, platform, format, mainFields, alias, banner } as Parameters<
    typeof build
  >[0];
}

/** Builds the deployable zips exactly as `npm run package` does, into bench/.work, and unpacks them; and the floor. */
export async function buildBundles(): Promise<Record<string, string>> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  execFileSync(
    process.execPath,
    ['scripts/package.mjs', '--stage', 'bench', '--package', join(work, 'zips')],
    {
      cwd: root,
      env: {
        ...process.env,
        AWS_REGION: 'us-east-1',
        SESSION_JWKS_URL: 'https://bench-idp.example/.well-known/jwks.json',
        SESSION_ISSUER: 'https://bench-idp.example/',
        SESSION_AUDIENCE: 'bench-audience',
        ESBUILD_WORK_FOLDER: join('bench', '.work', 'esbuild'),
      },
      stdio: 'ignore',
    },
  );
  const bundles: Record<string, string> = {};
  for (const fn of FUNCTION_NAMES) {
    const dir = join(work, fn);
    execFileSync('unzip', ['-q', '-o', join(work, 'zips', `${fn}.zip`), '-d', dir]);
    const file = readdirSync(join(dir, 'functions')).find((name) => name.endsWith('.mjs'));
    if (!file) throw new Error(`no bundle in ${fn}.zip`);
    bundles[fn] = join(dir, 'functions', file);
  }
  const floor = join(work, 'floor', 'secretsManagerFloor.mjs');
  await build({
    ...functionBuildOptions(),
    absWorkingDir: root,
    entryPoints: [join(root, 'bench', 'floor', 'secretsManagerFloor.ts')],
    outfile: floor,
    logLevel: 'silent',
  });
  bundles[FLOOR] = floor;
  return bundles;
}

async function events(services: BenchServices): Promise<Record<string, unknown>> {
  const token = await benchSessionToken(services, 'bench_user');
  return {
    authorizer: {
      version: '2.0',
      type: 'REQUEST',
      routeArn: 'arn:aws:execute-api:us-east-1:0:api/$default/POST/v1/usersig',
      identitySource: [`Bearer ${token}`],
      headers: { authorization: `Bearer ${token}` },
      requestContext: { requestId: 'cold-start', http: { method: 'POST', path: '/v1/usersig' } },
    },
    userSig: tokenEvent(ROUTE_BODIES.userSig.path, ROUTE_BODIES.userSig.body),
    privateMapKey: tokenEvent(ROUTE_BODIES.privateMapKey.path, ROUTE_BODIES.privateMapKey.body),
    cosSign: tokenEvent(ROUTE_BODIES.cosSign.path, ROUTE_BODIES.cosSign.body),
    [COS_SIGN_NO_STS]: tokenEvent(ROUTE_BODIES.cosSign.path, ROUTE_BODIES.cosSign.body),
    cosCredentials: tokenEvent(CREDENTIALS_BODY.path, CREDENTIALS_BODY.body),
    [FLOOR]: {},
  };
}

export async function runColdStartBench(bundles: Record<string, string>, runs = 11): Promise<ColdStartRow[]> {
  const services = await startBenchServices();
  try {
    // NODE_EXTRA_CA_CERTS (set in this sandbox) adds ~45 ms to every start; Lambda has no such thing.
    const { NODE_EXTRA_CA_CERTS: _ignored, NODE_OPTIONS: _alsoIgnored, ...base } = process.env;
    const env = { ...base, ...serviceEnvironment(services) };
    const envOf = (name: string) =>
      name === COS_SIGN_NO_STS ? { ...base, ...serviceEnvironment(services, { sts: false }) } : env;
    const bundleOf = (name: string) => (name === COS_SIGN_NO_STS ? bundles.cosSign : bundles[name]) as string;
    const eventOf = await events(services);
    const runner = join(root, 'bench', 'coldStartRunner.mjs');
    const names = [FLOOR, ...FUNCTION_NAMES, COS_SIGN_NO_STS];
    const samples = new Map(names.map((name) => [name, [] as Record<string, number>[]]));
    const bare: number[] = [];
    const fetches = new Map(names.map((name) => [name, 0]));
    // Interleaved: one run of each function per round, so machine drift hits all of them alike.
    for (let i = 0; i < runs; i++) {
      bare.push((await runProcess(['-e', '0'], env)).ms);
      for (const name of names) {
        const before = services.secretsManager.callCount('GetSecretValue');
        const { stdout } = await runProcess(
          [runner, bundleOf(name), JSON.stringify(eventOf[name]), '20'],
          envOf(name),
        );
        fetches.set(
          name,
          (fetches.get(name) ?? 0) + services.secretsManager.callCount('GetSecretValue') - before,
        );
        samples.get(name)?.push(JSON.parse(stdout) as Record<string, number>);
      }
    }
    const phase = (name: string, cpu: string, wall: string): PhaseTimes => {
      const all = samples.get(name) ?? [];
      return {
        cpuMs: median(all.map((s) => s[cpu] as number)),
        wallMs: median(all.map((s) => s[wall] as number)),
      };
    };
    const floorInit = phase(FLOOR, 'initCpuMs', 'initWallMs');
    return names.map((name) => {
      const code = readFileSync(bundleOf(name));
      const init = phase(name, 'initCpuMs', 'initWallMs');
      return {
        function: name,
        bundleBytes: statSync(bundleOf(name)).size,
        bundleGzipBytes: gzipSync(code).length,
        nodeStartMs: median(bare),
        init,
        firstInvocation: phase(name, 'firstCpuMs', 'firstWallMs'),
        warmInvocation: phase(name, 'warmCpuMs', 'warmWallMs'),
        initVsFloor: init.cpuMs / floorInit.cpuMs,
        secretFetchesPerColdStart: (fetches.get(name) ?? 0) / runs,
      };
    });
  } finally {
    await services.close();
  }
}

/** What Tencent's STS client adds to the cosSign bundle. */
export interface StsBundleCost {
  /** The minified cosSign bundle as packaged for a stage with STS (the default on deployed stages). */
  readonly withStsBytes: number;
  /** The same, packaged for a stage without STS (`__TTI_COS_STS__` false: no STS client in it). */
  readonly withoutStsBytes: number;
}

/**
 * Builds functions/cosSign.ts twice with serverless.yml's esbuild settings and the packaging flags of a
 * deployed stage (lib/runtime/bundleFlags.d.ts), with and without STS: the difference is exactly the
 * STS client and what only it pulls in.
 */
export async function measureStsBundleCost(): Promise<StsBundleCost> {
  const size = async (sts: boolean) => {
    const result = await build({
      ...functionBuildOptions(),
      define: {
        __TTI_LOCAL_STAGE__: 'false',
        __TTI_SESSION_SECRET_ID__: 'false',
        __TTI_COS_STS__: String(sts),
      },
      absWorkingDir: root,
      entryPoints: [join(root, 'functions', 'cosSign.ts')],
      write: false,
      logLevel: 'silent',
    });
    return result.outputFiles?.[0]?.contents.length ?? 0;
  };
  return { withStsBytes: await size(true), withoutStsBytes: await size(false) };
}
