import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { buildCliBundle } from '../cli/support/buildBundle';
import { type ProcessRun, runProcess } from '../cli/support/runSubprocess';
import { recordToken, sessionToken } from './support/client';
import { E2E_SESSION, E2E_TRTC_SECRET } from './support/fixtures';
import { temporaryKeyOf } from './support/tokens';

// `tencent-token-issuer call`, the smoke test after a deploy, against the running service (the stack
// of the e2e run: serverless-offline, the real authorizer, keys from the loopback Secrets Manager),
// and `cos explain` / `verify` on what it issued. The tool runs as a real process.

const baseUrl = inject('e2eBaseUrl');
const dir = mkdtempSync(join(tmpdir(), 'cli-e2e-'));
let bundle: string;

/** The environment of a developer who points the tool at this stack's session configuration. */
const LOCAL_SESSION_ENV = {
  SESSION_HS256_SECRET: E2E_SESSION.hs256Secret,
  SESSION_ISSUER: E2E_SESSION.issuer,
  SESSION_AUDIENCE: E2E_SESSION.audience,
};

function cli(args: readonly string[], env: Record<string, string> = {}, input?: string): Promise<ProcessRun> {
  return runProcess(process.execPath, [bundle, ...args], { env, ...(input === undefined ? {} : { input }) });
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The issued token of a --json answer, recorded for the final log scan (it must not appear in the logs). */
function issued(run: ProcessRun, field: string): string {
  const token = (JSON.parse(run.stdout) as { body: Record<string, string> }).body[field] as string;
  recordToken('issued', token);
  return token;
}

beforeAll(async () => {
  bundle = await buildCliBundle(dir);
});

describe('call', () => {
  it('usersig with a session from --token-file: the ticket decoded and checked against the answer', async () => {
    const token = await sessionToken('alice');
    const run = await cli(['call', 'usersig', '--url', baseUrl, '--token-file', file('alice.jwt', token)]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^POST ${baseUrl}/v1/usersig -> 200\nuserSig v2\n`));
    expect(run.stdout).toContain('  user id    "alice"\n');
    expect(run.stdout).toContain(`  SDKAppID   ${E2E_TRTC_SECRET.sdkAppId}\n`);
    expect(run.stdout).toMatch(/ok {2}the token's user id is the answer's \(alice\)/);
    expect(run.stdout).toMatch(/ok {2}the token's expiry is the answer's/);
    expect(run.stdout).not.toMatch(/FAIL/);
    // Neither the session token nor the issued ticket is printed in the text form.
    expect(run.stdout).not.toContain(token);
    expect(run.stdout).not.toMatch(/eJ[\w*-]{40,}/);
  });

  it('privatemapkey with a session minted locally (as dev:token would), then verify on the ticket', async () => {
    const run = await cli(
      [
        'call',
        'privatemapkey',
        '--url',
        baseUrl,
        '--user',
        'bob',
        '--room-id',
        '10000',
        '--privilege',
        'enterRoom',
        '--json',
      ],
      LOCAL_SESSION_ENV,
    );
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout) as { checks: [string, string][] };
    expect(answer.checks.filter(([outcome]) => outcome !== 'ok')).toEqual([]);
    const privateMapKey = issued(run, 'privateMapKey');
    const verified = await cli(
      [
        'verify',
        '-',
        '--sdk-app-id',
        String(E2E_TRTC_SECRET.sdkAppId),
        '--user',
        'bob',
        '--room-id',
        '10000',
      ],
      { TRTC_SDK_SECRET_KEY: E2E_TRTC_SECRET.secretKey },
      privateMapKey,
    );
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^valid: privateMapKey v2 for "bob"/);
    expect(verified.stdout).toContain('privileges  0x02: enterRoom');
    const elsewhere = await cli(
      ['verify', '-', '--str-room-id', '10000'],
      { TRTC_SDK_SECRET_KEY: E2E_TRTC_SECRET.secretKey },
      privateMapKey,
    );
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stdout).toMatch(/^invalid: Tencent answers -100006/);
  });

  it('cos-sign with SESSION_TOKEN, and cos explain finds that the issued signature recomputes', async () => {
    const token = await sessionToken('carol');
    const run = await cli(
      [
        'call',
        'cos-sign',
        '--url',
        baseUrl,
        '--method',
        'PUT',
        '--object-key',
        'users/carol/a b.png',
        '--header',
        'Content-Type: image/png',
        '--header',
        'Content-Length: 2048',
        '--json',
      ],
      { SESSION_TOKEN: token },
    );
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout) as {
      body: { url: string; headers: Record<string, string>; method: string; securityToken: string };
    };
    const authorization = issued(run, 'authorization');
    // The stack signs with a temporary key (STS): explain with that key; its token travels unsigned.
    const temporary = temporaryKeyOf(answer.body.securityToken);
    const key = {
      TENCENTCLOUD_SECRET_ID: temporary?.secretId ?? '',
      TENCENTCLOUD_SECRET_KEY: temporary?.secretKey ?? '',
    };
    const headers = Object.entries(answer.body.headers)
      .filter(([name]) => name !== 'x-cos-security-token')
      .flatMap(([name, value]) => ['--header', `${name}: ${value}`]);
    const explained = await cli(
      [
        'cos',
        'explain',
        '--url',
        answer.body.url,
        '--method',
        answer.body.method,
        ...headers,
        '--authorization',
        authorization,
      ],
      key,
    );
    expect(explained.stdout).toMatch(/result: the signature recomputes: COS accepts this request/);
    expect(explained.code).toBe(0);
    // A browser that adds a charset breaks it, and cos explain says so.
    const broken = await cli(
      [
        'cos',
        'explain',
        '--url',
        answer.body.url,
        '--method',
        'PUT',
        '--header',
        `Host: ${answer.body.headers.Host}`,
        '--header',
        'Content-Type: image/png;charset=UTF-8',
        '--header',
        'Content-Length: 2048',
        '--authorization',
        authorization,
      ],
      key,
    );
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/differs {2}header content-type: the signer signed "image\/png"/);
  });

  it('answers 1 for an error answer (a forged session is 401), 3 when the service is unreachable, 2 for plain http elsewhere', async () => {
    const forged = await sessionToken('alice', { secret: 'not-the-stack-secret-0123456789-abcdef' });
    const refused = await cli(['call', 'usersig', '--url', baseUrl], { SESSION_TOKEN: forged });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/-> 401\n {2}UNAUTHENTICATED: /);
    const down = await cli(['call', 'usersig', '--url', 'http://127.0.0.1:9'], { SESSION_TOKEN: forged });
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/could not reach http:\/\/127\.0\.0\.1:9\/v1\/usersig/);
    const plain = await cli(['call', 'usersig', '--url', 'http://tokens.example.com'], {
      SESSION_TOKEN: forged,
    });
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/--url must be https \(http only to localhost\)/);
    for (const run of [refused, down, plain]) expect(`${run.stdout}${run.stderr}`).not.toContain(forged);
  });

  it('refuses to mint a session for a deployed stage configuration', async () => {
    const run = await cli(['call', 'usersig', '--url', baseUrl], {
      STAGE: 'prod',
      SESSION_SECRET_ID: 'prod/session',
      SESSION_ISSUER: E2E_SESSION.issuer,
      SESSION_AUDIENCE: E2E_SESSION.audience,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no session token .*only runs on the local stage/);
  });
});
