import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import COS from 'cos-nodejs-sdk-v5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, requireSessionConfig } from '../../lib/config';
import { createSessionVerifier } from '../../lib/session';
import { decodeUserSig, verifyUserSig } from '../../lib/sign';
import { cosAuthorization } from '../../lib/sign/cosAuthorization';
import { type FakeImRest, startFakeImRest } from '../support/fakeImRest';
import { type FakeSecretsManager, startFakeSecretsManager } from '../support/fakeSecretsManager';
import { OfficialTlsSigApiV1, OfficialTlsSigApiV2 } from '../support/officialTlsSigApi';
import { buildCliBundle, REPO_ROOT } from './support/buildBundle';
import { golden } from './support/golden';
import { type ProcessRun, runProcess } from './support/runSubprocess';
import { ecKeyPair, V2_APP, vector } from './support/tickets';

// Every command as a real process: the bundle that `npx tencent-token-issuer` runs (built here from the
// current sources, exactly as `npm run build:cli` builds it), plus `npm run cli` (tsx) and `npx` itself
// once each. Loopback fakes stand in for Secrets Manager (the real AWS SDK client talks to it) and the
// IM REST API (it checks tickets with Tencent's official libraries). Detailed cases run in-process in
// commands.test.ts; this file proves the process boundary: exit codes, streams, environment, stdin.

const root = REPO_ROOT;
const dir = mkdtempSync(join(tmpdir(), 'cli-subprocess-'));
let bundle: string;
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const v2Secret = file('trtc.json', JSON.stringify(V2_APP));
const NOW = '2023-11-14T22:15:00Z';

let secrets: FakeSecretsManager;
let im: FakeImRest;
let awsEnv: Record<string, string>;

function cli(
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string } = {},
): Promise<ProcessRun> {
  return runProcess(process.execPath, [bundle, ...args], options);
}

beforeAll(async () => {
  bundle = await buildCliBundle(dir);
  secrets = await startFakeSecretsManager();
  secrets.putSecret('cli/trtc', JSON.stringify(V2_APP));
  im = await startFakeImRest({ apps: [{ ...V2_APP }] });
  const noFile = join(dir, 'no-aws-config');
  awsEnv = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
    AWS_CONFIG_FILE: noFile,
    AWS_SHARED_CREDENTIALS_FILE: noFile,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}, 60_000);

afterAll(async () => {
  await secrets?.close();
  await im?.close();
});

function expectClean(run: ProcessRun): void {
  // Never a stack trace, on either stream.
  expect(`${run.stdout}${run.stderr}`).not.toMatch(/\n\s+at .+:\d+/);
}

describe('the bundle as a process', () => {
  it('prints the help and the version', async () => {
    const help = await cli(['--help']);
    expect(help).toEqual({ code: 0, stdout: golden('help.txt'), stderr: '' });
    const version = await cli(['--version']);
    expect(version.stdout).toBe(`${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}\n`);
  });

  it('usersig: from the environment, and from AWS Secrets Manager through the real SDK client', async () => {
    const fromEnv = await cli(['usersig', 'alice', '--expire', '600'], {
      env: { TRTC_SDK_SECRET_KEY: V2_APP.secretKey, TRTC_SDK_APP_ID: String(V2_APP.sdkAppId) },
    });
    expect(fromEnv).toMatchObject({ code: 0, stderr: '' });
    const fromAws = await cli(['usersig', 'alice', '--secret-id', 'cli/trtc'], { env: awsEnv });
    expect(fromAws).toMatchObject({ code: 0, stderr: '' });
    for (const run of [fromEnv, fromAws]) {
      const userSig = run.stdout.trim();
      const now = decodeUserSig(userSig).time;
      expect(verifyUserSig({ ...V2_APP, userId: 'alice', userSig, now }).userId).toBe('alice');
    }
    expect(secrets.callCount('GetSecretValue', 'cli/trtc')).toBe(1);
  });

  it('usersig: a missing secret is bad input (2), an unreachable Secrets Manager is 3', async () => {
    const missing = await cli(['usersig', 'alice', '--secret-id', 'cli/none'], { env: awsEnv });
    expect(missing).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'tencent-token-issuer usersig: secret "cli/none" does not exist\n',
    });
    const down = await cli(['usersig', 'alice', '--secret-id', 'cli/trtc'], {
      env: { ...awsEnv, AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:9' },
    });
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/could not read secret "cli\/trtc" from AWS Secrets Manager/);
    expectClean(down);
  });

  it('privatemapkey and decode (the golden output, exactly)', async () => {
    const pmk = await cli([
      'privatemapkey',
      'bob',
      '--key-file',
      v2Secret,
      '--str-room-id',
      'lesson 7',
      '--privilege',
      'enterRoom',
    ]);
    expect(pmk.code).toBe(0);
    expect(
      verifyUserSig({
        ...V2_APP,
        userId: 'bob',
        userSig: pmk.stdout.trim(),
        now: decodeUserSig(pmk.stdout.trim()).time,
      }).privateMap,
    ).toMatchObject({
      strRoomId: 'lesson 7',
      privilegeMap: 0x02,
    });
    const { ticket } = vector('v2-privatemapkey-strroom-004');
    expect(await cli(['decode', '-', '--now', NOW], { input: ticket })).toEqual({
      code: 0,
      stdout: golden('decode-v2-privatemapkey-strroom.txt'),
      stderr: '',
    });
  });

  it('verify: tickets of tls-sig-api-v2 and tls-sig-api verify (exit 0)', async () => {
    const v2 = new OfficialTlsSigApiV2(V2_APP.sdkAppId, V2_APP.secretKey).genUserSig('alice', 600);
    const valid = await cli(['verify', v2, '--key-file', v2Secret, '--user', 'alice']);
    expect(valid.code).toBe(0);
    expect(valid.stdout).toMatch(/^valid: userSig v2 for "alice" of SDKAppID 1400000000, valid until /);
    const keys = ecKeyPair();
    const v1 = new OfficialTlsSigApiV1({
      sdk_appid: 1_400_001_052,
      expire_after: 600,
      private_key_string: keys.privateKeyPem,
      public_key_string: keys.publicKeyPem,
    }).genSig('alice');
    const v1Run = await cli([
      'verify',
      v1,
      '--public-key',
      file('v1.pub', keys.publicKeyPem),
      '--sdk-app-id',
      '1400001052',
      '--user',
      'alice',
    ]);
    expect(v1Run.code).toBe(0);
    expect(v1Run.stdout).toMatch(/^valid: userSig v1 for "alice" of SDKAppID 1400001052/);
  });

  it.each([
    ['expired', ['--key-file', v2Secret, '--now', '2024-06-01T00:00:00Z'], 70001],
    ['signed with another key', ['--key-file', file('stale.key', 'stale-key'), '--now', NOW], 70009],
    ['for another user', ['--key-file', v2Secret, '--user', 'alice', '--now', NOW], 70013],
    [
      'for another app',
      ['--key-file', file('v2.key', V2_APP.secretKey), '--sdk-app-id', '1400000009', '--now', NOW],
      70014,
    ],
  ] as const)('verify: a ticket %s gets its Tencent code and exit 1', async (_what, args, code) => {
    const run = await cli(['verify', vector('v2-usersig-001').ticket, ...args]);
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n')[0]).toMatch(new RegExp(`^invalid: Tencent answers ${code} `));
    expect(run.stderr).toBe('');
  });

  it('verify: the expired diagnosis is the golden one, exactly', async () => {
    const run = await cli([
      'verify',
      vector('v2-usersig-001').ticket,
      '--key-file',
      v2Secret,
      '--now',
      '2024-06-01T00:00:00Z',
    ]);
    expect(run.stdout).toBe(golden('verify-expired.txt'));
  });

  it('explain', async () => {
    expect(await cli(['explain', '-100018'])).toEqual({
      code: 0,
      stdout: golden('explain-minus-100018.txt'),
      stderr: '',
    });
    expect((await cli(['explain', '424242'])).code).toBe(1);
  });

  it('key test --check against the IM REST fake: accepted (0), refused (1)', async () => {
    const ok = await cli(['key', 'test', '--key-file', v2Secret, '--check', '--endpoint', im.url]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/result: the key works\n$/);
    const stale = file('stale.json', JSON.stringify({ ...V2_APP, secretKey: 'stale' }));
    const refused = await cli(['key', 'test', '--key-file', stale, '--check', '--endpoint', im.url]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/answered 70009/);
    expect(`${ok.stdout}${refused.stdout}`).not.toContain(V2_APP.secretKey);
  });

  it('cos sign (what cos-nodejs-sdk-v5 signs) and cos explain of a raw request on stdin (the golden output)', async () => {
    const cos = {
      appId: '1250000000',
      secretId: 'AKIDgoldenFAKEsecretId000000000000',
      secretKey: 'goldenFAKEsecretKey00000000000000',
      bucket: 'examplebucket-1250000000',
      region: 'ap-guangzhou',
    };
    const keyFile = file('cos.json', JSON.stringify(cos));
    const host = `${cos.bucket}.cos.${cos.region}.myqcloud.com`;
    const signed = await cli([
      'cos',
      'sign',
      '--key-file',
      keyFile,
      '--method',
      'PUT',
      '--path',
      '/users/alice/photo 1.png',
      '--header',
      'Content-Type: image/png',
      '--now',
      '1700000000',
    ]);
    const official = COS.getAuthorization({
      SecretId: cos.secretId,
      SecretKey: cos.secretKey,
      Method: 'PUT',
      Pathname: '/users/alice/photo 1.png',
      Headers: { Host: host, 'Content-Type': 'image/png' },
      KeyTime: '1700000000;1700000600',
    });
    expect(signed).toEqual({ code: 0, stdout: `${official}\n`, stderr: '' });
    const authorization = cosAuthorization({
      secretId: cos.secretId,
      secretKey: cos.secretKey,
      method: 'PUT',
      pathname: '/users/alice/photo 1.png',
      headers: { Host: host, 'Content-Type': 'image/png' },
      startTime: 1_700_000_000,
      endTime: 1_700_000_600,
    });
    const request = `PUT /users/alice/photo%201.png HTTP/1.1\r\nHost: ${host}\r\nContent-Type: image/png;charset=UTF-8\r\nUser-Agent: curl/8.5.0\r\nAuthorization: ${authorization}\r\n\r\n`;
    const explained = await cli(['cos', 'explain', '--key-file', keyFile, '--now', NOW, '--request', '-'], {
      input: request,
    });
    expect(explained).toEqual({ code: 1, stdout: golden('cos-explain-mismatch.txt'), stderr: '' });
  });

  it('session: a token the local verifier accepts', async () => {
    const run = await cli(['session', 'alice', '--ttl', '60']);
    expect(run.code).toBe(0);
    const verifier = createSessionVerifier(requireSessionConfig(loadConfig({})));
    await expect(verifier.verify(`Bearer ${run.stdout.trim()}`)).resolves.toMatchObject({ userId: 'alice' });
  });

  it('bad input: exit 2, a message on stderr, nothing on stdout, no stack trace', async () => {
    for (const args of [
      ['verify', 'x', '--bogus'],
      ['decode', 'garbage'],
      ['usersig'],
      ['call', 'nowhere'],
      ['cos', 'explain'],
    ]) {
      const run = await cli(args);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^tencent-token-issuer /);
      expectClean(run);
    }
  });
});

describe('the other ways to start it', () => {
  it('npm run cli -- (tsx, from a clone)', async () => {
    const run = await runProcess('npm', ['run', '-s', 'cli', '--', 'explain', '-100018'], { cwd: root });
    expect(run).toEqual({ code: 0, stdout: golden('explain-minus-100018.txt'), stderr: '' });
  });

  it('npx tencent-token-issuer (the bin of package.json, built by npm run build:cli)', async () => {
    const build = await runProcess('npm', ['run', '-s', 'build:cli'], { cwd: root });
    expect(build).toMatchObject({ code: 0, stderr: '' });
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ 'tencent-token-issuer': 'dist/cli.mjs' });
    const run = await runProcess('npx', ['--no', '--', 'tencent-token-issuer', 'explain', '70009'], {
      cwd: root,
    });
    expect(run).toMatchObject({ code: 0, stdout: golden('explain-70009.txt') });
  });
});
