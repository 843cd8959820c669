import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { loadConfig, requireSessionConfig } from '../../lib/config';
import { createRoomPolicy } from '../../lib/policy/createRoomPolicy';
import { createSessionVerifier } from '../../lib/session';
import { mintDevToken, roomsClaim } from '../../scripts/devToken';

// The dev:token script mints tokens that the service's own verifier accepts in the local
// configuration, and refuses everything else.

const localConfig = loadConfig({});
const now = 1_893_456_000;
const run = promisify(execFile);

describe('mintDevToken', () => {
  it('mints a token that the local verifier accepts', async () => {
    const token = await mintDevToken(localConfig, { userId: 'alice', role: 'anchor', ttlSeconds: 600, now });
    const verifier = createSessionVerifier(requireSessionConfig(localConfig), { now: () => now * 1000 });
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toEqual({
      userId: 'alice',
      role: 'anchor',
      sessionExpiresAt: now + 600 + 30,
    });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(decodeJwt(token)).toEqual({
      iss: localConfig.session?.issuer,
      aud: localConfig.session?.audience,
      sub: 'alice',
      trtc_role: 'anchor',
      iat: now,
      nbf: now,
      exp: now + 600,
    });
  });

  it('names the user with the configured user claim', async () => {
    const config = loadConfig({ SESSION_USER_CLAIM: 'uid' });
    const claims = decodeJwt(await mintDevToken(config, { userId: 'bob', ttlSeconds: 60, now }));
    expect(claims.uid).toBe('bob');
    expect(claims).not.toHaveProperty('sub');
    expect(claims).not.toHaveProperty('trtc_role');
  });

  it('refuses user ids, roles and lifetimes the service would not accept', async () => {
    for (const userId of ['', 'a b', 'x'.repeat(33), 'alïce']) {
      await expect(mintDevToken(localConfig, { userId, ttlSeconds: 60, now })).rejects.toThrow(/userId/);
    }
    await expect(
      mintDevToken(localConfig, { userId: 'a', role: 'a b', ttlSeconds: 60, now }),
    ).rejects.toThrow(/role/);
    for (const ttlSeconds of [0, -1, 1.5, 86_401]) {
      await expect(mintDevToken(localConfig, { userId: 'a', ttlSeconds, now })).rejects.toThrow(/ttl/);
    }
  });

  it('refuses JWKS mode and deployed stages', async () => {
    const jwks = loadConfig({ SESSION_JWKS_URL: 'https://id.example.test/jwks.json' });
    await expect(mintDevToken(jwks, { userId: 'a', ttlSeconds: 60, now })).rejects.toThrow(/HS256/);
    const deployed = loadConfig({
      STAGE: 'prod',
      SESSION_SECRET_ID: 'prod/session',
      SESSION_ISSUER: 'i',
      SESSION_AUDIENCE: 'a',
    });
    await expect(mintDevToken(deployed, { userId: 'a', ttlSeconds: 60, now })).rejects.toThrow(/local stage/);
  });
});

describe('dev:token rooms (--room)', () => {
  const policy = createRoomPolicy({
    kinds: localConfig.rooms.policy,
    claim: localConfig.rooms.claim,
    rules: [],
    hookClaims: [],
    roles: localConfig.rooms.roles,
    defaultRole: localConfig.rooms.defaultRole,
  });

  it('reads digits as the numeric room, anything else as a string room, =ROLE as optional', () => {
    expect(roomsClaim(['1234', 'lobby=anchor', 'class-*', '4294967294=audience', 'a=b=anchor'])).toEqual([
      1234,
      { strRoomId: 'lobby', role: 'anchor' },
      'class-*',
      { roomId: 4_294_967_294, role: 'audience' },
      { strRoomId: 'a=b', role: 'anchor' },
    ]);
  });

  it('mints a session whose rooms the local service grants, and only those', async () => {
    const token = await mintDevToken(localConfig, {
      userId: 'alice',
      rooms: ['1234', 'lobby=anchor'],
      ttlSeconds: 600,
      now,
    });
    expect(decodeJwt(token).trtc_rooms).toEqual([1234, { strRoomId: 'lobby', role: 'anchor' }]);
    const principal = await createSessionVerifier(requireSessionConfig(localConfig), {
      now: () => now * 1000,
    }).verify(`Bearer ${token}`);
    // The session's role (none: the default, audience) for 1234; anchor for the lobby.
    expect((await policy.decide({ principal, room: { roomId: 1234 } })).privilegeMap).toBe(0xab);
    expect((await policy.decide({ principal, room: { strRoomId: 'lobby' } })).privilegeMap).toBe(0xff);
    for (const room of [{ strRoomId: '1234' }, { roomId: 1 }, { strRoomId: 'lobby2' }]) {
      await expect(policy.decide({ principal, room })).rejects.toMatchObject({ code: 'ROOM_FORBIDDEN' });
    }
  });

  it('refuses rooms and roles the service would not accept, and rooms a claims-less policy would ignore', async () => {
    for (const [value, message] of [
      ['a/b', /--room a\/b: a string room must use only TRTC string room characters/],
      ['0123', /without leading zeros/],
      ['4294967295', /1 to 4294967294/],
      ['lobby=not a role', /the role after =/],
      ['=anchor', /non-empty/],
      ['r'.repeat(65), /at most 64/],
      ['лобби', /TRTC string room characters/],
    ] as const) {
      expect(() => roomsClaim([value])).toThrow(message);
    }
    const rulesOnly = loadConfig({ ROOM_POLICY: 'rules' });
    await expect(mintDevToken(rulesOnly, { userId: 'a', rooms: ['1'], ttlSeconds: 60, now })).rejects.toThrow(
      /ROOM_POLICY/,
    );
  });
});

describe('npm run dev:token', () => {
  const tsx = ['--import', 'tsx', 'scripts/devToken.ts'];
  const env = { PATH: process.env.PATH ?? '' };

  it('prints only the token', async () => {
    const { stdout, stderr } = await run(
      process.execPath,
      [...tsx, 'alice', '--role', 'anchor', '--ttl', '60'],
      { env },
    );
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+\n$/);
    expect(decodeJwt(stdout.trim())).toMatchObject({ sub: 'alice', trtc_role: 'anchor' });
  });

  it('takes the exact syntax of the README: alice --room 1234 --room lobby=anchor', async () => {
    const { stdout, stderr } = await run(
      process.execPath,
      [...tsx, 'alice', '--room', '1234', '--room', 'lobby=anchor'],
      {
        env,
      },
    );
    expect(stderr).toBe('');
    expect(decodeJwt(stdout.trim())).toMatchObject({
      sub: 'alice',
      trtc_rooms: [1234, { strRoomId: 'lobby', role: 'anchor' }],
    });
  });

  it('prints its usage for --help', async () => {
    const { stdout } = await run(process.execPath, [...tsx, '--help'], { env });
    expect(stdout).toContain('usage: npm run -s dev:token -- <userId>');
    expect(stdout).toContain('--room <room[=role]>');
    expect(stdout).toContain('example: npm run -s dev:token -- alice --room 1234 --room lobby=anchor');
  });

  it('exits 1 with a message on stderr for a bad user id', async () => {
    const failure = run(process.execPath, [...tsx, 'not valid'], { env });
    await expect(failure).rejects.toMatchObject({
      code: 1,
      stdout: '',
      stderr: expect.stringMatching(/userId/),
    });
  });

  it('documents every option with --help, on stdout, exit 0', async () => {
    const { stdout, stderr } = await run(process.execPath, [...tsx, '--help'], { env });
    expect(stderr).toBe('');
    for (const option of ['<userId>', '--role', '--ttl', '--help']) expect(stdout).toContain(option);
  });

  it('exits 2 with the usage for an unknown option or a missing user id', async () => {
    for (const args of [['alice', '--rol', 'x'], []]) {
      await expect(run(process.execPath, [...tsx, ...args], { env })).rejects.toMatchObject({
        code: 2,
        stdout: '',
        stderr: expect.stringContaining('usage: npm run -s dev:token'),
      });
    }
  });
});
