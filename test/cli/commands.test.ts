import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import COS from 'cos-nodejs-sdk-v5';
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CliError } from '../../cli/CliError';
import { COMMANDS } from '../../cli/commands';
import { readSecretWith } from '../../cli/readSecretFromAws';
import { loadConfig, requireSessionConfig } from '../../lib/config';
import { createSessionVerifier } from '../../lib/session';
import { decodeUserSig, genUserSig, verifyUserSig, verifyUserSigV1 } from '../../lib/sign';
import { type FakeImRest, startFakeImRest } from '../support/fakeImRest';
import { type FakeSecretsManager, startFakeSecretsManager } from '../support/fakeSecretsManager';
import { OfficialTlsSigApiV2 } from '../support/officialTlsSigApi';
import { inflateTicket } from '../support/tencentVectors';
import { runInProcess, TEST_CLOCK_MS } from './support/runInProcess';
import { ecKeyPair, V2_APP, vector } from './support/tickets';

// Every command in-process (the subprocess suite runs each once more as a real process): options,
// bad input (exit 2, a message, never a value that may be a secret), and each command's behaviour.

const NOW = TEST_CLOCK_MS / 1000;
const dir = mkdtempSync(join(tmpdir(), 'cli-commands-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const v2Secret = file('trtc.json', JSON.stringify(V2_APP));
const v2KeyOnly = file('v2.key', `${V2_APP.secretKey}\n`);
const v1 = ecKeyPair();
const v1Private = file('v1.pem', v1.privateKeyPem);
const v1Public = file('v1.pub.pem', v1.publicKeyPem);
const COS_SECRET = {
  appId: '1250000000',
  secretId: 'AKIDcliFAKEsecretId00000000000000',
  secretKey: 'cliFAKEsecretKey0000000000000000',
  bucket: 'examplebucket-1250000000',
  region: 'ap-guangzhou',
};
const cosSecret = file('cos.json', JSON.stringify(COS_SECRET));
const HOST = `${COS_SECRET.bucket}.cos.${COS_SECRET.region}.myqcloud.com`;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the tool', () => {
  it('lists every command in its help, and gives each command a help of its own', async () => {
    const tool = await runInProcess(['--help']);
    expect(tool.code).toBe(0);
    for (const command of COMMANDS) {
      expect(tool.stdout).toContain(`  ${command.name} `);
      const help = await runInProcess([...command.name.split(' '), '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`usage: tencent-token-issuer ${command.usage}`);
      for (const option of Object.keys(command.options)) expect(help.stdout).toContain(`--${option}`);
      expect(help.stdout).toMatch(/exit status: 0 /);
      expect(await runInProcess(['help', ...command.name.split(' ')])).toEqual(help);
    }
  });

  it('prints its version', async () => {
    expect(await runInProcess(['--version'])).toEqual({ code: 0, stdout: '0.0.0-test\n', stderr: '' });
  });

  it.each([
    [[], /usage: tencent-token-issuer <command>/, 'stdout'],
    [['frobnicate'], /no command "frobnicate"/, 'stderr'],
    [['key'], /key needs a subcommand: "key test"/, 'stderr'],
    [['cos'], /"cos sign", "cos explain"/, 'stderr'],
    [['help', 'nothing'], /no command "nothing"/, 'stderr'],
    [['explain', '1', '2'], /too many arguments/, 'stderr'],
    [['decode'], /an argument is missing/, 'stderr'],
    [['decode', 'x', '--bogus'], /unknown option --bogus/, 'stderr'],
    [['decode', 'x', '--now'], /option --now needs a value/, 'stderr'],
    [['decode', 'x', '--json=yes'], /option --json takes no value/, 'stderr'],
    [['decode', 'x', '--now', 'yesterday'], /--now must be Unix seconds or an ISO 8601 time/, 'stderr'],
    [['decode', 'x', '--now', '2023-11-14T22:13:20'], /with a zone/, 'stderr'],
    [
      ['verify', 'x', '--leeway', '-5', '--key-file', v2Secret],
      /--leeway must be a whole number from 0 to 86400/,
      'stderr',
    ],
    [['verify', 'x', '--now', '1', '--now', '2'], /--now may be given only once/, 'stderr'],
  ] as const)('answers %j with exit 2 and a message', async (argv, message, stream) => {
    const run = await runInProcess(argv);
    expect(run.code).toBe(2);
    expect(run[stream]).toMatch(message);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('never echoes what may be a key: a value typed into an option name, or a key given as a file path', async () => {
    const typed = await runInProcess(['verify', 'x', `--secret-key=${V2_APP.secretKey}`]);
    expect(typed.code).toBe(2);
    expect(typed.stderr).toContain('unknown option --secret-key');
    const asPath = await runInProcess(['usersig', 'alice', '--key-file', V2_APP.secretKey]);
    expect(asPath.code).toBe(2);
    expect(asPath.stderr).toContain('the option takes the path of a file, never the key itself');
    for (const run of [typed, asPath]) expect(`${run.stdout}${run.stderr}`).not.toContain(V2_APP.secretKey);
  });

  it('names a bad field of a secret file, never its value', async () => {
    const bad = file('bad.json', JSON.stringify({ sdkAppId: 0, secretKey: 'do-not-print-me' }));
    const run = await runInProcess(['usersig', 'alice', '--key-file', bad]);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(/field "sdkAppId" must be an integer between 1 and 4294967295/);
    expect(run.stderr).not.toContain('do-not-print-me');
  });

  it('turns an unexpected error into exit 70 without its message or stack', async () => {
    const run = await runInProcess(['usersig', 'alice', '--key-file', v2Secret], {
      readFile: () => Promise.reject(new RangeError('secret material in a message')),
    });
    expect(run.code).toBe(2); // an unreadable file is bad input, whatever the reason
    const bug = await runInProcess(['decode', '-'], {
      readStdin: () => Promise.reject(new RangeError('secret material in a message')),
    });
    expect(bug).toEqual({
      code: 70,
      stdout: '',
      stderr:
        'tencent-token-issuer decode: internal error (RangeError); please report it with the command you ran\n',
    });
  });
});

describe('usersig and privatemapkey', () => {
  it('signs the same ticket as tls-sig-api-v2, from a secret file, a key file or the environment', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(TEST_CLOCK_MS);
    const official = new OfficialTlsSigApiV2(V2_APP.sdkAppId, V2_APP.secretKey).genUserSig('alice', 600);
    const runs = [
      await runInProcess(['usersig', 'alice', '--key-file', v2Secret, '--expire', '600']),
      await runInProcess([
        'usersig',
        'alice',
        '--key',
        v2KeyOnly,
        '--sdk-app-id',
        String(V2_APP.sdkAppId),
        '--expire',
        '600',
      ]),
      await runInProcess(['usersig', 'alice', '--expire', '600'], {
        env: { TRTC_SDK_SECRET_KEY: V2_APP.secretKey, TRTC_SDK_APP_ID: String(V2_APP.sdkAppId) },
      }),
      await runInProcess(['usersig', 'alice', '--key-file', '-', '--expire', '600'], {
        readStdin: async () => JSON.stringify(V2_APP),
      }),
    ];
    for (const run of runs) {
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toMatch(/^eJ[\w*-]+\n$/);
      expect(inflateTicket(run.stdout.trim())).toEqual(inflateTicket(official));
    }
  });

  it('prints JSON with --json, and signs v1 with a PEM key', async () => {
    const run = await runInProcess(['usersig', 'bob', '--key-file', v2Secret, '--json']);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({
      version: 2,
      sdkAppId: V2_APP.sdkAppId,
      userId: 'bob',
      issuedAt: NOW,
      expire: 7200,
    });
    expect(verifyUserSig({ ...V2_APP, userId: 'bob', userSig: out.userSig, now: NOW }).expiresAt).toBe(
      NOW + 7200,
    );
    const v1Run = await runInProcess([
      'usersig',
      'bob',
      '--key-file',
      v1Private,
      '--sdk-app-id',
      '1400001052',
    ]);
    expect(v1Run.code).toBe(0);
    expect(
      verifyUserSigV1({
        sdkAppId: 1_400_001_052,
        publicKeyPem: v1.publicKeyPem,
        userId: 'bob',
        userSig: v1Run.stdout.trim(),
        now: NOW,
      }).version,
    ).toBe(1);
  });

  it.each([
    [['usersig', 'not valid', '--key-file', v2Secret], /Tencent user id rule/],
    [['usersig', 'alice', '--key-file', v2Secret, '--expire', '0'], /--expire must be a whole number from 1/],
    [['usersig', 'alice', '--key-file', v2KeyOnly], /no SDKAppID/],
    [
      ['usersig', 'alice', '--key-file', v2Secret, '--sdk-app-id', '5'],
      /differs from the SDKAppID 1400000000/,
    ],
    [
      ['usersig', 'alice', '--key-file', v2Secret, '--secret-id', 'x'],
      /give only one of --key-file, --secret-id/,
    ],
    [['usersig', 'alice', '--key-file', v2Secret, '--v1'], /--v1 needs a PEM private key/],
    [['usersig', 'alice'], /no key: pass --key-file FILE or --secret-id ID, or set TRTC_SDK_SECRET_KEY/],
    [['privatemapkey', 'alice', '--key-file', v2Secret], /give the room/],
    [
      ['privatemapkey', 'alice', '--key-file', v2Secret, '--room-id', '0'],
      /--room-id must be a whole number from 1/,
    ],
    [
      ['privatemapkey', 'alice', '--key-file', v2Secret, '--str-room-id', 'a/b'],
      /strRoomId must be 1 to 64 characters/,
    ],
    [
      ['privatemapkey', 'alice', '--key-file', v2Secret, '--room-id', '1', '--privilege', 'fly'],
      /--privilege must be one of createRoom/,
    ],
    [
      ['privatemapkey', 'alice', '--key-file', v1Private, '--sdk-app-id', '1', '--str-room-id', 'a'],
      /v1 privateMapKeys name numeric rooms only/,
    ],
  ] as const)('refuses %j with exit 2', async (argv, message) => {
    const run = await runInProcess(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('refuses a v2 key with white space in it (a copied line break)', async () => {
    const spaced = file('spaced.json', JSON.stringify({ ...V2_APP, secretKey: `${V2_APP.secretKey}\n` }));
    const run = await runInProcess(['usersig', 'alice', '--key-file', spaced]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/holds white space .* fail with 70009/);
  });

  it('grants named privileges, a bit map, or by default the audience role, for numeric and string rooms', async () => {
    const decode = async (args: string[]) => {
      const run = await runInProcess(['privatemapkey', 'alice', '--key-file', v2Secret, ...args, '--json']);
      expect(run.code).toBe(0);
      const out = JSON.parse(run.stdout);
      return {
        out,
        claims: verifyUserSig({ ...V2_APP, userId: 'alice', userSig: out.privateMapKey, now: NOW }),
      };
    };
    const named = await decode([
      '--room-id',
      '10000',
      '--privilege',
      'enterRoom',
      '--privilege',
      'receiveAudio',
    ]);
    expect(named.claims.privateMap).toEqual({ roomId: 10000, privilegeMap: 0x0a, expiresAt: NOW + 300 });
    expect(named.out.privileges).toEqual(['enterRoom', 'receiveAudio']);
    const bits = await decode(['--str-room-id', 'class A', '--privilege-map', '0xff', '--expire', '60']);
    expect(bits.claims.privateMap).toEqual({ strRoomId: 'class A', privilegeMap: 0xff, expiresAt: NOW + 60 });
    const audience = await decode(['--room-id', '7']);
    expect(audience.claims.privateMap?.privilegeMap).toBe(0xab);
    const v1Run = await runInProcess([
      'privatemapkey',
      'alice',
      '--key-file',
      v1Private,
      '--sdk-app-id',
      '1400188366',
      '--room-id',
      '9',
    ]);
    const v1Claims = verifyUserSigV1({
      sdkAppId: 1_400_188_366,
      publicKeyPem: v1.publicKeyPem,
      userId: 'alice',
      userSig: v1Run.stdout.trim(),
      now: NOW,
    });
    expect(v1Claims.privateMap).toEqual({ roomId: 9, privilegeMap: 0xab, expiresAt: NOW + 300 });
  });
});

describe('decode and verify', () => {
  it('decodes from standard input and as JSON, and calls a non-ticket bad input', async () => {
    const { ticket } = vector('v2-privatemapkey-001');
    const run = await runInProcess(['decode', '-', '--json'], { readStdin: async () => `${ticket}\n` });
    expect(JSON.parse(run.stdout)).toMatchObject({
      kind: 'privateMapKey',
      userId: 'xiaojun',
      privateMap: { room: { roomId: 10000 }, privilegeMap: 255, matchesTicket: true },
    });
    const bad = await runInProcess(['decode', 'not-a-ticket']);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toMatch(/not a ticket: .*\(Tencent answers 70003\)/);
  });

  it('verifies tickets of the official library: exit 0; expired, wrong key, user and app: exit 1 with the code', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(TEST_CLOCK_MS - 60_000);
    const official = new OfficialTlsSigApiV2(V2_APP.sdkAppId, V2_APP.secretKey).genUserSig('alice', 3600);
    const check = (args: string[]) => runInProcess(['verify', official, '--json', ...args]);
    const valid = await check(['--key-file', v2Secret, '--user', 'alice']);
    expect(valid.code).toBe(0);
    expect(JSON.parse(valid.stdout)).toMatchObject({
      valid: true,
      tencentCode: 0,
      validUntil: NOW - 60 + 3600,
    });
    const cases: [string[], number][] = [
      [['--key-file', v2Secret, '--now', String(NOW + 3600)], 70001],
      [['--key-file', v2KeyOnly, '--sdk-app-id', '1400000009'], 70014],
      [['--key-file', v2Secret, '--user', 'mallory'], 70013],
      [['--key-file', file('stale.key', 'a-stale-key')], 70009],
      [['--public-key', v1Public], 70009],
    ];
    for (const [args, code] of cases) {
      const run = await check(args);
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout)).toMatchObject({ valid: false, tencentCode: code });
    }
  });

  it('verifies v1 tickets with --public-key, or with the private key’s own public half', async () => {
    const { ticket, inputs } = vector('v1-usersig-userbuf-007');
    const publicKey = file('vector.pub.pem', inputs.publicKeyPem as string);
    const privateKey = file('vector.pem', inputs.privateKeyPem as string);
    for (const args of [
      ['--public-key', publicKey],
      ['--public-key', privateKey],
      ['--key-file', privateKey],
    ]) {
      const run = await runInProcess(['verify', ticket, ...args, '--now', String(inputs.currTime)]);
      expect(run.stdout).toMatch(/^valid: userSig v1 for "abc"/);
      expect(run.code).toBe(0);
    }
    const onlyV2 = await runInProcess([
      'verify',
      ticket,
      '--key-file',
      v2Secret,
      '--now',
      String(inputs.currTime),
    ]);
    expect(onlyV2.code).toBe(1);
    expect(onlyV2.stdout).toMatch(/this is a v1 \(ECDSA\) ticket, checked with a v2 \(HMAC\) key/);
  });

  it('needs a key that can check a ticket', async () => {
    const run = await runInProcess(['verify', vector('v2-usersig-001').ticket]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no key/);
  });
});

describe('explain', () => {
  it('explains codes (IM, TRTC, negated IM), lists them, and says when it knows none', async () => {
    expect((await runInProcess(['explain', '70005'])).stdout).toMatch(
      /^70005 {2}userSig check failed \(IM login\)/,
    );
    expect((await runInProcess(['explain', '-102011'])).stdout).toMatch(
      /ERR_SERVER_CENTER_NO_PRIVILEDGE_ENTER_ROOM/,
    );
    expect(JSON.parse((await runInProcess(['explain', '-70009', '--json'])).stdout)).toMatchObject({
      code: 70009,
      reportedAs: -70009,
    });
    expect((await runInProcess(['explain', '--list', '--json'])).stdout).toContain('"code": -100018');
    expect(await runInProcess(['explain', '99999'])).toMatchObject({ code: 1 });
    expect(await runInProcess(['explain', '70abc'])).toMatchObject({ code: 2 });
  });
});

describe('key test', () => {
  let im: FakeImRest;
  beforeAll(async () => {
    im = await startFakeImRest({
      apps: [{ ...V2_APP }, { sdkAppId: 1_400_000_002, publicKeyPem: v1.publicKeyPem }],
      now: () => TEST_CLOCK_MS,
    });
  });
  afterAll(() => im.close());

  it('passes a good v2 key and a matching v1 pair, and fails a key with white space or a foreign public key', async () => {
    expect((await runInProcess(['key', 'test', '--key-file', v2Secret])).code).toBe(0);
    expect(
      (await runInProcess(['key', 'test', '--key-file', v1Private, '--public-key', v1Public])).code,
    ).toBe(0);
    const spaced = await runInProcess([
      'key',
      'test',
      '--key-file',
      file('sp.json', JSON.stringify({ ...V2_APP, secretKey: 'a b' })),
    ]);
    expect(spaced.code).toBe(1);
    expect(spaced.stdout).toMatch(/FAIL {2}v2 key: holds white space/);
    const foreign = await runInProcess([
      'key',
      'test',
      '--key-file',
      v1Private,
      '--public-key',
      file('other.pub', ecKeyPair().publicKeyPem),
    ]);
    expect(foreign.code).toBe(1);
    expect(foreign.stdout).toMatch(/they are not one pair/);
    const odd = await runInProcess(['key', 'test', '--key-file', file('odd.key', 'short-key'), '--json']);
    expect(JSON.parse(odd.stdout).checks[0]).toMatchObject({ outcome: 'warn', name: 'v2 key' });
    expect(odd.stdout).not.toContain('short-key');
  });

  it('asks Tencent with --check: accepted, refused with the code, or unreachable', async () => {
    const endpoint = ['--check', '--endpoint', im.url];
    const ok = await runInProcess(['key', 'test', '--key-file', v2Secret, ...endpoint], { fetch });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      /ok {2}Tencent: accepts the key \(account_check at http:\/\/127\.0\.0\.1:\d+ answered 0\)/,
    );
    const stale = file('stale.json', JSON.stringify({ ...V2_APP, secretKey: 'stale' }));
    const refused = await runInProcess(['key', 'test', '--key-file', stale, ...endpoint], { fetch });
    expect(refused.code).toBe(1);
    const refusal = refused.stdout.replace(/\s+/g, ' ');
    expect(refusal).toMatch(
      /FAIL Tencent: refuses the key \(account_check at .* answered 70009: userSig signature check failed\)/,
    );
    expect(refusal).toMatch(/fix: compare the SDKSecretKey/);
    const v1Check = await runInProcess(
      ['key', 'test', '--key-file', v1Private, '--sdk-app-id', '1400000002', ...endpoint],
      { fetch },
    );
    expect(v1Check.code).toBe(0);
    const down = await runInProcess(
      ['key', 'test', '--key-file', v2Secret, '--check', '--endpoint', 'http://127.0.0.1:9'],
      { fetch },
    );
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/could not check the key at Tencent: IM REST API unreachable/);
    const plain = await runInProcess([
      'key',
      'test',
      '--key-file',
      v2Secret,
      '--check',
      '--endpoint',
      'http://console.tim.qq.com',
    ]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/must be https/);
    expect(im.calls.filter((call) => call.errorCode === 0)).toHaveLength(2);
  });
});

describe('cos sign and cos explain', () => {
  it('signs what cos-nodejs-sdk-v5 signs, the Host always included', async () => {
    const run = await runInProcess([
      'cos',
      'sign',
      '--key-file',
      cosSecret,
      '--method',
      'PUT',
      '--path',
      '/users/alice/a b.png',
      '--header',
      'Content-Type: image/png',
      '--query',
      'x-cos-traffic-limit=819200',
      '--expire',
      '300',
    ]);
    expect(run.code).toBe(0);
    const official = COS.getAuthorization({
      SecretId: COS_SECRET.secretId,
      SecretKey: COS_SECRET.secretKey,
      Method: 'PUT',
      Pathname: '/users/alice/a b.png',
      Headers: { Host: HOST, 'Content-Type': 'image/png' },
      Query: { 'x-cos-traffic-limit': '819200' },
      KeyTime: `${NOW};${NOW + 300}`,
    });
    expect(run.stdout).toBe(`${official}\n`);
    const json = JSON.parse(
      (await runInProcess(['cos', 'sign', '--key-file', cosSecret, '--path', '/a', '--json'])).stdout,
    );
    expect(json).toMatchObject({
      method: 'GET',
      headers: { Host: HOST },
      httpString: `get\n/a\n\nhost=${HOST}\n`,
    });
    const noHost = await runInProcess(['cos', 'sign', '--path', '/a'], {
      env: { TENCENTCLOUD_SECRET_ID: 'AKIDx', TENCENTCLOUD_SECRET_KEY: 'k' },
    });
    expect(noHost.code).toBe(2);
    expect(noHost.stderr).toMatch(/no Host to sign/);
  });

  it('explains a pre-signed URL and a raw request; without a key it checks form and time only', async () => {
    const authorization = (
      await runInProcess(['cos', 'sign', '--key-file', cosSecret, '--path', '/doc.txt'])
    ).stdout.trim();
    const query = authorization.replaceAll(';', '%3B');
    const url = `https://${HOST}/doc.txt?${query}`;
    const match = await runInProcess(['cos', 'explain', '--url', url, '--key-file', cosSecret, '--json']);
    expect(JSON.parse(match.stdout)).toMatchObject({ verdict: 'MATCH', problems: [] });
    expect(match.stdout).not.toContain(authorization.split('q-signature=')[1]);
    const other = await runInProcess([
      'cos',
      'explain',
      '--url',
      url.replace('/doc.txt', '/doc2.txt'),
      '--key-file',
      cosSecret,
    ]);
    expect(other.code).toBe(1);
    expect(other.stdout).toMatch(/result: SignatureDoesNotMatch/);
    const unchecked = await runInProcess(['cos', 'explain', '--url', url]);
    expect(unchecked.code).toBe(0);
    expect(unchecked.stdout).toMatch(/result: the signature was not checked \(no key\)/);
    const raw = file('req.http', `GET /doc.txt HTTP/1.1\nHost: ${HOST}\nAuthorization: ${authorization}\n\n`);
    expect((await runInProcess(['cos', 'explain', '--request', raw, '--key-file', cosSecret])).code).toBe(0);
    const late = await runInProcess([
      'cos',
      'explain',
      '--request',
      raw,
      '--key-file',
      cosSecret,
      '--now',
      String(NOW + 601),
    ]);
    expect(late.code).toBe(1);
    expect(late.stdout).toMatch(/COS answers "Request has expired"/);
  });

  it("compares with the signer's HttpString (--signer-http-string), part by part", async () => {
    const signed = JSON.parse(
      (
        await runInProcess([
          'cos',
          'sign',
          '--key-file',
          cosSecret,
          '--method',
          'PUT',
          '--path',
          '/a.png',
          '--header',
          'Content-Type: image/jpeg',
          '--json',
        ])
      ).stdout,
    ) as { authorization: string; httpString: string };
    const run = await runInProcess([
      'cos',
      'explain',
      '--key-file',
      cosSecret,
      '--method',
      'PUT',
      '--path',
      '/a.png',
      '--header',
      `Host: ${HOST}`,
      '--header',
      'Content-Type: image/png',
      '--authorization',
      signed.authorization,
      '--signer-http-string',
      file('signer.txt', signed.httpString),
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '  compared  header content-type: the signer signed "image/jpeg", COS sees "image/png"\n',
    );
    expect(run.stdout).not.toContain('no single common mistake');
  });

  it.each([
    [['cos', 'explain', '--path', '/a'], /no Authorization/],
    [['cos', 'explain', '--url', 'ftp://x/a', '--authorization', 'x'], /--url must be an http\(s\) URL/],
    [['cos', 'explain', '--url', 'https://h/%zz', '--authorization', 'x'], /not validly percent-encoded/],
    [['cos', 'explain', '--request', '-', '--path', '/a'], /--request describes the whole request/],
    [['cos', 'sign', '--path', 'a', '--key-file', cosSecret], /--path must start with "\/"/],
    [['cos', 'sign', '--path', '/a', '--header', 'nocolon', '--key-file', cosSecret], /"Name: value"/],
  ] as const)('refuses %j with exit 2', async (argv, message) => {
    const run = await runInProcess(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

describe('session', () => {
  it('mints what dev:token mints, and refuses a deployed stage', async () => {
    const run = await runInProcess(['session', 'alice', '--role', 'anchor', '--ttl', '60']);
    expect(run.code).toBe(0);
    const config = loadConfig({});
    const verifier = createSessionVerifier(requireSessionConfig(config), { now: () => TEST_CLOCK_MS });
    await expect(verifier.verify(`Bearer ${run.stdout.trim()}`)).resolves.toMatchObject({
      userId: 'alice',
      role: 'anchor',
    });
    expect(decodeJwt(run.stdout.trim())).toMatchObject({ iat: NOW, exp: NOW + 60 });
    const deployed = await runInProcess(['session', 'alice'], {
      env: {
        STAGE: 'prod',
        SESSION_SECRET_ID: 'prod/session',
        SESSION_ISSUER: 'i',
        SESSION_AUDIENCE: 'a',
      },
    });
    expect(deployed).toMatchObject({ code: 2, stdout: '' });
    expect(deployed.stderr).toMatch(/only runs on the local stage/);
    expect((await runInProcess(['session', 'a b'])).stderr).toMatch(/userId must be/);
  });
});

describe('readSecretWith (the real SDK client against the loopback Secrets Manager)', () => {
  let fake: FakeSecretsManager;
  let client: SecretsManagerClient;
  beforeAll(async () => {
    fake = await startFakeSecretsManager();
    client = new SecretsManagerClient({
      endpoint: fake.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client.destroy();
    await fake.close();
  });

  it('reads a secret, and maps a missing secret and an outage to exit 2 and 3', async () => {
    fake.putSecret('cli/trtc', JSON.stringify(V2_APP));
    await expect(readSecretWith(client, 'cli/trtc')).resolves.toBe(JSON.stringify(V2_APP));
    const missing = await readSecretWith(client, 'cli/none').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(CliError);
    expect(missing).toMatchObject({ code: 'BAD_INPUT', message: 'secret "cli/none" does not exist' });
    fake.setFault({ kind: 'status', status: 503, times: 1 });
    const down = await readSecretWith(client, 'cli/trtc').catch((error: unknown) => error);
    expect(down).toMatchObject({ code: 'UNAVAILABLE', exitCode: 3 });
    // The usersig command, on the same reader: the ticket is signed with the secret's key.
    const run = await runInProcess(['usersig', 'alice', '--secret-id', 'cli/trtc'], {
      readSecret: (secretId) => readSecretWith(client, secretId),
    });
    expect(run.code).toBe(0);
    expect(decodeUserSig(run.stdout.trim())).toMatchObject({ sdkAppId: V2_APP.sdkAppId, userId: 'alice' });
  });
});

describe('call (in-process, with a stand-in for the service; the e2e suite calls the real one)', () => {
  const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    vi.fn<typeof fetch>(
      async () => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers }),
    );
  const issuedFor = (userId: string) => ({
    sdkAppId: V2_APP.sdkAppId,
    userId,
    userSig: genUserSig({ ...V2_APP, userId: 'alice', expire: 600, now: NOW }),
    expiresAt: NOW + 600,
    serverTime: NOW,
    refreshAfter: NOW + 480,
  });

  it('sends the session as a bearer token to the route, without following redirects', async () => {
    const fetchStub = answer(200, issuedFor('alice'));
    const run = await runInProcess(
      ['call', 'usersig', '--url', 'https://tokens.example.com/prod/', '--expire', '600'],
      {
        env: { SESSION_TOKEN: TOKEN },
        fetch: fetchStub,
      },
    );
    expect(run.code).toBe(0);
    const [url, init] = fetchStub.mock.calls[0] ?? [];
    expect(url).toBe('https://tokens.example.com/prod/v1/usersig');
    expect(init).toMatchObject({ method: 'POST', redirect: 'manual', body: '{"expire":600}' });
    expect(new Headers(init?.headers).get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(run.stdout).not.toContain(TOKEN);
  });

  it('fails a ticket that does not match its own answer (another user), a redirect and a non-JSON answer', async () => {
    const mismatch = await runInProcess(['call', 'usersig'], {
      env: { SESSION_TOKEN: TOKEN },
      fetch: answer(200, issuedFor('bob')),
    });
    expect(mismatch.code).toBe(1);
    expect(mismatch.stdout).toContain("FAIL  the token's user id is alice, the answer says bob");
    const redirect = await runInProcess(['call', 'usersig'], {
      env: { SESSION_TOKEN: TOKEN },
      fetch: answer(302, '', { location: 'https://elsewhere.example.com/' }),
    });
    expect(redirect.code).toBe(1);
    expect(redirect.stdout).toMatch(
      /-> 302\n {2}a redirect \(not followed: the session token would go along\)/,
    );
    const html = await runInProcess(['call', 'usersig'], {
      env: { SESSION_TOKEN: TOKEN },
      fetch: answer(200, '<html>'),
    });
    expect(html.code).toBe(1);
    const warped = await runInProcess(['call', 'usersig'], {
      env: { SESSION_TOKEN: TOKEN },
      fetch: answer(200, { ...issuedFor('alice'), serverTime: NOW + 3600 }),
    });
    expect(warped.code).toBe(0);
    expect(warped.stdout).toMatch(/warn {2}the service's clock is 3600 s off this machine's/);
  });

  it.each([
    [['call', 'nowhere'], /the route must be one of usersig, privatemapkey, cos-sign/],
    [['call', 'privatemapkey'], /privatemapkey needs --room-id or --str-room-id/],
    [['call', 'cos-sign'], /cos-sign needs --object-key/],
    [['call', 'usersig', '--room-id', '1'], /--room-id is for privatemapkey/],
    [['call', 'usersig', '--body', '{"expire":1}', '--expire', '2'], /--expire and the body both set expire/],
    [['call', 'usersig', '--body', '[1]'], /--body must be a JSON object/],
    [['call', 'usersig', '--url', 'https://user:pw@tokens.example.com'], /without credentials/],
  ] as const)('refuses %j with exit 2', async (argv, message) => {
    const run = await runInProcess(argv, { env: { SESSION_TOKEN: TOKEN } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
