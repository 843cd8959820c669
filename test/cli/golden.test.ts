import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { genUserSig, genUserSigV1 } from '../../lib/sign';
import { cosAuthorization } from '../../lib/sign/cosAuthorization';
import { expectGolden } from './support/golden';
import { runInProcess } from './support/runInProcess';
import { V2_APP, vector } from './support/tickets';

// The human-readable forms, pinned: fixed --now, tickets from the reference vectors (made by Tencent's
// official libraries) or signed here with fixed inputs, fake keys in temporary files.

const dir = mkdtempSync(join(tmpdir(), 'cli-golden-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const v2Key = file('v2.key', `${V2_APP.secretKey}\n`);
const v2Secret = file('trtc.json', JSON.stringify(V2_APP));
const v1 = vector('v1-usersig-001');
const v1Public = file('v1-public.pem', v1.inputs.publicKeyPem as string);
const strRoom = vector('v2-privatemapkey-strroom-004');
const strRoomKey = file('strroom.key', strRoom.inputs.key as string);
const NOW = '2023-11-14T22:15:00Z'; // 100 s after the vectors' issue time

async function stdoutOf(argv: string[], expectedCode: number): Promise<string> {
  const run = await runInProcess(argv);
  if (run.code !== expectedCode) throw new Error(`exit ${run.code}, expected ${expectedCode}: ${run.stderr}`);
  // Temporary paths differ from run to run.
  return run.stdout.replaceAll(dir, '<tmp>');
}

describe('golden outputs', () => {
  it('help of the tool and of verify', async () => {
    expectGolden('help.txt', await stdoutOf(['--help'], 0));
    expectGolden('verify-help.txt', await stdoutOf(['verify', '--help'], 0));
  });

  it.each([
    ['decode-v2-usersig.txt', 'v2-usersig-001'],
    ['decode-v2-privatemapkey.txt', 'v2-privatemapkey-004'],
    ['decode-v2-privatemapkey-strroom.txt', 'v2-privatemapkey-strroom-004'],
    ['decode-v2-usersig-userbuf.txt', 'v2-usersig-userbuf-001'],
    ['decode-v1-usersig.txt', 'v1-usersig-001'],
    ['decode-v1-privatemapkey.txt', 'v1-privatemapkey-012'],
  ])('%s', async (name, id) => {
    expectGolden(name, await stdoutOf(['decode', vector(id).ticket, '--now', NOW], 0));
  });

  const ticket = vector('v2-usersig-001').ticket;
  it.each([
    ['verify-valid.txt', [ticket, '--key-file', v2Secret, '--user', 'xiaojun'], 0],
    ['verify-expired.txt', [ticket, '--key-file', v2Secret, '--now', '2024-06-01T00:00:00Z'], 1],
    [
      'verify-wrong-key.txt',
      [
        genUserSig({ ...V2_APP, secretKey: 'stale-key', userId: 'xiaojun', expire: 600, now: 1_700_000_000 }),
        '--key-file',
        v2Secret,
      ],
      1,
    ],
    ['verify-wrong-user.txt', [ticket, '--key-file', v2Key, '--user', 'alice'], 1],
    ['verify-wrong-app.txt', [ticket, '--key-file', v2Key, '--sdk-app-id', '1400000009'], 1],
    ['verify-v1-as-v2.txt', [v1.ticket, '--key-file', v2Secret], 1],
    ['verify-v1-valid.txt', [v1.ticket, '--public-key', v1Public, '--sdk-app-id', '1400001052'], 0],
    ['verify-room.txt', [strRoom.ticket, '--key-file', strRoomKey, '--room-id', '10000'], 1],
  ] as const)('%s', async (name, args, code) => {
    const withNow = args.includes('--now') ? [...args] : [...args, '--now', NOW];
    expectGolden(name, await stdoutOf(['verify', ...withNow], code));
  });

  it.each([
    ['explain-70009.txt', ['70009'], 0],
    ['explain-minus-100018.txt', ['-100018'], 0],
    ['explain-minus-70001.txt', ['-70001'], 0],
    ['explain-unknown.txt', ['12345'], 1],
    ['explain-list.txt', ['--list'], 0],
  ] as const)('%s', async (name, args, code) => {
    expectGolden(name, await stdoutOf(['explain', ...args], code));
  });

  it('key-test.txt and key-test-v1.txt', async () => {
    expectGolden('key-test.txt', await stdoutOf(['key', 'test', '--key-file', v2Secret, '--now', NOW], 0));
    const v1Private = file('v1-private.pem', v1.inputs.privateKeyPem as string);
    expectGolden(
      'key-test-v1.txt',
      await stdoutOf(['key', 'test', '--key-file', v1Private, '--public-key', v1Public, '--now', NOW], 0),
    );
  });

  it('cos-explain-match.txt and cos-explain-mismatch.txt', async () => {
    const cos = {
      appId: '1250000000',
      secretId: 'AKIDgoldenFAKEsecretId000000000000',
      secretKey: 'goldenFAKEsecretKey00000000000000',
      bucket: 'examplebucket-1250000000',
      region: 'ap-guangzhou',
    };
    const host = `${cos.bucket}.cos.${cos.region}.myqcloud.com`;
    const keyFile = file('cos.json', JSON.stringify(cos));
    const authorization = cosAuthorization({
      secretId: cos.secretId,
      secretKey: cos.secretKey,
      method: 'PUT',
      pathname: '/users/alice/photo 1.png',
      headers: { Host: host, 'Content-Type': 'image/png' },
      startTime: 1_700_000_000,
      endTime: 1_700_000_600,
    });
    const request = (contentType: string) =>
      file(
        `request-${contentType.length}.http`,
        `PUT /users/alice/photo%201.png HTTP/1.1\r\nHost: ${host}\r\nContent-Type: ${contentType}\r\nUser-Agent: curl/8.5.0\r\nAuthorization: ${authorization}\r\n\r\n`,
      );
    const args = ['cos', 'explain', '--key-file', keyFile, '--now', NOW, '--request'];
    expectGolden('cos-explain-match.txt', await stdoutOf([...args, request('image/png')], 0));
    expectGolden(
      'cos-explain-mismatch.txt',
      await stdoutOf([...args, request('image/png;charset=UTF-8')], 1),
    );
  });

  it('verify of a v1 ticket signed here reads the same as the official one (shape only)', async () => {
    // Not a golden file (ECDSA signatures are random): the line layout of v1 output is pinned above.
    const pem = v1.inputs.privateKeyPem as string;
    const mine = genUserSigV1({
      sdkAppId: 1_400_001_052,
      privateKeyPem: pem,
      userId: 'xiaojun',
      expire: 600,
      now: 1_700_000_000,
    });
    const out = await stdoutOf(['verify', mine, '--public-key', v1Public, '--now', NOW], 0);
    if (!out.startsWith('valid: userSig v1 for "xiaojun" of SDKAppID 1400001052')) throw new Error(out);
  });
});
