import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { FUNCTIONS, withDefaultRoomHook } from '../deploy/functions';
import { ConfigError, loadConfig, loadDeploySettings } from '../lib/config';
import { startLocalGateway } from './localGateway';

// npm start: the service on the local stage, as close to AWS as a laptop gets. serverless-offline runs
// the functions (and the real authorizer) on an internal loopback port; the local gateway in front of it
// (scripts/localGateway.ts) listens on HTTP_PORT and answers CORS like API Gateway. The functions verify
// the session token themselves on the local stage, so neither serverless-offline's override header nor
// its Lambda invoke port (LAMBDA_PORT) can choose the user.
//
//   npm start                        # http://localhost:3000, Lambda invoke API on 127.0.0.1:3002
//   HTTP_PORT=4000 LAMBDA_PORT=4002 npm start
//   npm start -- --stage e2e         # another stage's settings (the e2e suite does this)

const USAGE = 'usage: npm start [-- --stage <stage>]   (ports: HTTP_PORT, LAMBDA_PORT)';

function fail(message: string, code = 2): never {
  process.stderr.write(`npm start: ${message}\n`);
  process.exit(code);
}

let stage = 'local';
try {
  const { values } = parseArgs({
    options: { stage: { type: 'string', default: 'local' } },
    allowPositionals: false,
  });
  stage = values.stage;
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
}

// The same checks as serverless (deploy/serverlessFragments.ts) would make, but printed plainly before
// anything starts, instead of as a 401 on the first request.
let settings: ReturnType<typeof loadDeploySettings>;
let allowedOrigins: readonly string[];
try {
  settings = loadDeploySettings(process.env);
  // serverless.yml's service name: the default room hook is that service's example function.
  const env = withDefaultRoomHook(process.env, 'tencent-token-issuer', stage);
  allowedOrigins = loadConfig({ ...env, STAGE: stage }, { requireSession: true }).corsAllowedOrigins;
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  fail(`the settings would make the service fail:\n${error.problems.map((p) => `  - ${p}`).join('\n')}`, 1);
}

const internalPort = await freePort();
const serverless = createRequire(import.meta.url).resolve('osls/bin/serverless.js');
const child = spawn(
  process.execPath,
  [
    serverless,
    'offline',
    'start',
    '--stage',
    stage,
    '--host',
    '127.0.0.1',
    '--httpPort',
    String(internalPort),
    '--lambdaPort',
    String(settings.lambdaPort),
  ],
  {
    // Same process group: Ctrl-C (or a test killing the group) reaches serverless-offline and its helpers.
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      SLS_TELEMETRY_DISABLED: '1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...process.env,
    },
  },
);

const internalUrl = `http://127.0.0.1:${internalPort}`;
const publicUrl = `http://localhost:${settings.httpPort}`;
let gateway: Awaited<ReturnType<typeof startLocalGateway>> | undefined;

// serverless-offline's own lines, with its internal address replaced by the gateway's, so that the
// route table it prints is the one to use; its "Server ready" line is ours to print.
function relay(stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream): void {
  if (stream === null) return;
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = `${partial}${chunk}`.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('Server ready: ')) {
        void onOfflineReady();
        continue;
      }
      // The route table names the API's routes on the gateway; the invoke API stays on LAMBDA_PORT.
      out.write(
        `${line.replaceAll(`${internalUrl}/2015-03-31`, `http://127.0.0.1:${settings.lambdaPort}/2015-03-31`).replaceAll(internalUrl, publicUrl)}\n`,
      );
    }
  });
}
relay(child.stdout, process.stdout);
relay(child.stderr, process.stderr);

async function onOfflineReady(): Promise<void> {
  try {
    const routes = Object.values(FUNCTIONS).flatMap((declaration) =>
      'route' in declaration ? [`${declaration.route.method} ${declaration.route.path}`] : [],
    );
    gateway = await startLocalGateway({
      port: settings.httpPort,
      upstream: internalUrl,
      allowedOrigins,
      routes,
    });
  } catch (error) {
    stop();
    fail(
      `cannot listen on port ${settings.httpPort} (${(error as NodeJS.ErrnoException).code ?? 'error'}): set HTTP_PORT`,
      1,
    );
  }
  process.stdout.write(`serverless-offline (behind the gateway): ${internalUrl}\n`);
  process.stdout.write(`Server ready: ${publicUrl}\n`);
}

function stop(): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  void gateway?.close();
}

child.on('exit', (code, signal) => {
  void gateway?.close();
  process.exitCode = code ?? (signal === null ? 1 : 0);
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
