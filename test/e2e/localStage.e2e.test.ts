import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { mintDevToken } from '../../scripts/devToken';
import { type E2eStack, startStack } from './support/startStack';

// `npm start` (the local stage) must not be more permissive than AWS: CORS from the same allowlist, no
// way to choose the user through serverless-offline's override header or its Lambda invoke port (the
// functions verify the session themselves there), the documented secret files and ports in effect, a bad
// setting reported at start, and the README's quick start working as pasted.

const repoRoot = new URL('../..', import.meta.url).pathname;
const ALLOWED_ORIGIN = 'https://local-app.example';
const dir = mkdtempSync(join(tmpdir(), 'tti-local-stage-'));
const LOCAL_TRTC = { sdkAppId: 1_400_099_999, secretKey: 'local-stage-FAKE-trtc-key-6b1f0e2d' };
const LOCAL_COS = {
  appId: '1250099999',
  secretId: 'AKIDlocalFAKEcosSecretId0000000000',
  secretKey: 'localFAKEcosSecretKey000000000000',
  bucket: 'local-check-1250099999',
  region: 'ap-shanghai',
};
writeFileSync(join(dir, 'trtc.json'), JSON.stringify(LOCAL_TRTC));
writeFileSync(join(dir, 'cos.json'), JSON.stringify(LOCAL_COS));

let stack: E2eStack;
const devToken = (userId: string, ttlSeconds = 600) =>
  mintDevToken(loadConfig({}), { userId, ttlSeconds, now: Math.floor(Date.now() / 1000) });

beforeAll(async () => {
  stack = await startStack({
    repoRoot,
    stage: 'local',
    environment: {
      TRTC_SECRET_FILE: join(dir, 'trtc.json'),
      COS_SECRET_FILE: join(dir, 'cos.json'),
      CORS_ALLOWED_ORIGINS: ALLOWED_ORIGIN,
    },
  });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function call(
  base: string,
  path: string,
  init: { token?: string; headers?: Record<string, string>; body?: unknown; method?: string } = {},
) {
  const response = await fetch(`${base}${path}`, {
    method: init.method ?? 'POST',
    headers: {
      ...(init.token === undefined ? {} : { Authorization: `Bearer ${init.token}` }),
      ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json: json as Record<string, unknown> };
}

const override = (userId: string) => ({
  'sls-offline-authorizer-override': JSON.stringify({ lambda: { userId, sessionExpiresAt: 4_000_000_000 } }),
});

describe('npm start (local stage)', () => {
  it('signs with the files named by TRTC_SECRET_FILE and COS_SECRET_FILE, on the configured ports', async () => {
    const token = await devToken('alice');
    const userSig = await call(stack.baseUrl, '/v1/usersig', { token });
    expect(userSig.status).toBe(200);
    expect(userSig.json.sdkAppId).toBe(LOCAL_TRTC.sdkAppId);
    const cos = await call(stack.baseUrl, '/v1/cos/sign', {
      token,
      body: { method: 'GET', key: 'users/alice/a.txt' },
    });
    expect(cos.status).toBe(200);
    expect(cos.json.url).toBe(
      'https://local-check-1250099999.cos.ap-shanghai.myqcloud.com/users/alice/a.txt',
    );
  });

  it('never lets the override header choose the user, through the gateway or behind it', async () => {
    const alice = await devToken('alice');
    for (const base of [stack.baseUrl, stack.offlineUrl]) {
      const withToken = await call(base, '/v1/usersig', { token: alice, headers: override('bob') });
      expect(withToken.status).toBe(200);
      expect(withToken.json.userId).toBe('alice');
      const withoutToken = await call(base, '/v1/usersig', { headers: override('bob') });
      expect(withoutToken.status).toBe(401);
      const forged = await call(base, '/v1/usersig', {
        token: `${alice.slice(0, -4)}AAAA`,
        headers: override('bob'),
      });
      expect(forged.status).toBe(401);
      expect(JSON.stringify(forged.json)).not.toContain('bob');
    }
  });

  it('never lets the Lambda invoke port choose the user', async () => {
    const invoke = async (event: unknown) => {
      const response = await fetch(
        `${stack.lambdaUrl}/2015-03-31/functions/tencent-token-issuer-local-userSig/invocations`,
        { method: 'POST', body: JSON.stringify(event) },
      );
      const result = (await response.json()) as { statusCode: number; body: string };
      return { status: result.statusCode, json: JSON.parse(result.body) as Record<string, unknown> };
    };
    const context = {
      requestContext: { authorizer: { lambda: { userId: 'bob', sessionExpiresAt: 4_000_000_000 } } },
    };
    const noHeader = await invoke({ ...context, headers: {} });
    expect(noHeader.status).toBe(401);
    expect(noHeader.json).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    const aliceHeader = await invoke({
      ...context,
      headers: { authorization: `Bearer ${await devToken('alice')}` },
    });
    expect(aliceHeader.status).toBe(200);
    expect(aliceHeader.json.userId).toBe('alice');
    // The invoke API is not part of the HTTP API the gateway serves.
    const viaGateway = await call(
      stack.baseUrl,
      '/2015-03-31/functions/tencent-token-issuer-local-userSig/invocations',
      {
        body: context,
      },
    );
    expect(viaGateway.status).toBe(404);
  });

  it('answers CORS from CORS_ALLOWED_ORIGINS only, like API Gateway', async () => {
    const token = await devToken('alice');
    const preflight = (origin: string) =>
      call(stack.baseUrl, '/v1/usersig', {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization',
        },
      });
    const allowed = await preflight(ALLOWED_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const fromAllowed = await call(stack.baseUrl, '/v1/usersig', {
      token,
      headers: { Origin: ALLOWED_ORIGIN },
    });
    expect(fromAllowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(fromAllowed.headers.get('access-control-allow-credentials')).toBeNull();
    const fromOther = await call(stack.baseUrl, '/v1/usersig', {
      token,
      headers: { Origin: 'https://evil.example' },
    });
    expect(fromOther.status).toBe(200);
    expect(fromOther.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('reports a bad setting at start, naming it, instead of answering 401 later', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/startLocal.ts'], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        USERSIG_MAX_EXPIRE: 'forever',
        SESSION_AUDIENCE_CLAIM: 'azp',
      },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('USERSIG_MAX_EXPIRE must be a whole number');
    expect(run.stderr).toContain('SESSION_AUDIENCE_CLAIM must be aud or client_id');
    expect(run.stdout).not.toContain('Server ready');
  });
});

describe("the README's quick start", () => {
  it('runs as pasted: waits for the server, then gets a token from each route', async () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const block = /<!-- quick-start -->\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'README.md has a <!-- quick-start --> sh block').toBeDefined();
    const [httpPort, lambdaPort] = await freePorts(2);
    const shell = spawn('bash', ['-e', '-c', block as string], {
      cwd: repoRoot,
      detached: true,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        HTTP_PORT: String(httpPort),
        LAMBDA_PORT: String(lambdaPort),
        ESBUILD_WORK_FOLDER: join('node_modules', '.cache', 'tti-quick-start'),
        ESBUILD_WATCH_PATTERN: join('node_modules', '.cache', 'tti-quick-start', 'not-watched'),
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    shell.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    shell.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) => shell.on('exit', resolve));
    // The block leaves the server running in the background, as a user would: stop its process group.
    try {
      process.kill(-(shell.pid as number), 'SIGTERM');
    } catch {
      // Already gone.
    }
    rmSync(join(repoRoot, 'node_modules', '.cache', 'tti-quick-start'), { recursive: true, force: true });
    expect(code, stderr).toBe(0);
    // The server logs to the same terminal (JSON lines with a "level"); the answers are the other objects.
    // A log line may land in the middle of curl's output (before its trailing newline), so the objects
    // are read from the text as it is, not line by line.
    const answers = jsonObjectsIn(stdout).filter((object) => !('level' in object));
    const tokenField = (answer: Record<string, unknown>) =>
      ['userSig', 'privateMapKey', 'authorization'].find((key) => typeof answer[key] === 'string');
    expect(answers.map(tokenField)).toEqual(['userSig', 'privateMapKey', 'authorization']);
  }, 180_000);
});

/** Every top-level JSON object in `text`, wherever it starts and ends (other text is skipped). */
function jsonObjectsIn(text: string): Record<string, unknown>[] {
  const objects: Record<string, unknown>[] = [];
  let start = -1;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"' && depth > 0) inString = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' && depth > 0) {
      depth--;
      if (depth === 0) {
        try {
          objects.push(JSON.parse(text.slice(start, i + 1)) as Record<string, unknown>);
        } catch {
          // Not JSON after all: skip it.
        }
      }
    }
  }
  return objects;
}

async function freePorts(count: number): Promise<number[]> {
  // All open at once, so the system hands out distinct ports; closed right before use.
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
