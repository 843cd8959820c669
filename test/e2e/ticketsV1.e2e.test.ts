import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyUserSig, verifyUserSigV1 } from '../../lib/sign';
import type { PrivateMapKeyResponse, UserSigResponse } from '../../lib/tokens';
import { OfficialTlsSigApiV1 } from '../support/officialTlsSigApi';
import { v1KeyPair } from '../support/v1Keys';
import { nowSeconds, sessionToken, sleep, TOKEN_FIELDS } from './support/client';
import { E2E_SETTINGS, E2E_TRTC_SECRET, TRTC_SECRET_ID } from './support/fixtures';
import { type E2eStack, startStack } from './support/startStack';

// A second, small stack configured for legacy v1 tickets (TRTC_TICKET_VERSION=1): /v1/usersig and
// /v1/privatemapkey sign with the secret's privateKeyPem (ECDSA), checked with lib/sign and the
// official tls-sig-api. It starts on a TRTC secret without a key, as an operator's mistake would: the
// functions then issue nothing (503, never a v2 ticket) and the log names the problem, never the key.

const keys = v1KeyPair('secp256k1');
const v1Secret = { ...E2E_TRTC_SECRET, privateKeyPem: keys.privateKeyPem };
const official = new OfficialTlsSigApiV1({
  sdk_appid: E2E_TRTC_SECRET.sdkAppId,
  expire_after: 600,
  private_key_string: keys.privateKeyPem,
  public_key_string: keys.publicKeyPem,
});
/** A line of the key's base64 body: if it shows up anywhere, the key leaked. */
const KEY_BODY = keys.privateKeyPem.split('\n')[2] as string;

let stack: E2eStack;

beforeAll(async () => {
  stack = await startStack({
    repoRoot: process.cwd(),
    environment: { TRTC_TICKET_VERSION: '1' },
    // No privateKeyPem: the mistake this file starts with.
    trtcSecret: E2E_TRTC_SECRET,
  });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

async function call(
  route: '/v1/usersig' | '/v1/privatemapkey',
  userId: string,
  body: unknown,
  rooms?: unknown,
) {
  const token = await sessionToken(userId, rooms === undefined ? {} : { rooms });
  const response = await fetch(`${stack.baseUrl}${route}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: JSON.parse(text) as unknown };
}

async function putTrtcSecret(secret: object): Promise<void> {
  const response = await fetch(
    `${stack.fakeSecretsManagerUrl}/__admin/secrets/${encodeURIComponent(TRTC_SECRET_ID)}`,
    {
      method: 'PUT',
      body: JSON.stringify(secret),
    },
  );
  expect(response.status).toBe(200);
  // Every function's cached copy expires.
  await sleep(E2E_SETTINGS.secretsTtlSeconds * 1000 + 400);
}

const log = () => readFileSync(stack.logFile, 'utf8');

/** Waits until the stack's log holds `text`: function output reaches the file after the response. */
async function logged(text: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!log().includes(text)) {
    if (Date.now() > deadline) throw new Error(`the log never showed: ${text}`);
    await sleep(50);
  }
}

describe('v1 tickets from the service (TRTC_TICKET_VERSION=1)', () => {
  it('fails without a usable key: 503 on both routes, never a v2 ticket, the log naming the field', async () => {
    for (const [route, body, rooms] of [
      ['/v1/usersig', {}, undefined],
      ['/v1/privatemapkey', { roomId: 42 }, [42]],
    ] as const) {
      const response = await call(route, 'vera', body, rooms);
      expect({ status: response.status, body: response.json }).toEqual({
        status: 503,
        body: { error: { code: 'SECRETS_UNAVAILABLE', message: expect.any(String) } },
      });
      for (const field of TOKEN_FIELDS) expect(response.text).not.toContain(`"${field}"`);
    }
    // At cold start (the prefetch) and on the requests.
    await logged('"signing secret unavailable at cold start"');
    await logged(
      'field \\"privateKeyPem\\" is required and must be a PEM EC private key (prime256v1 or secp256k1) that signs v1 tickets, which TRTC_TICKET_VERSION=1 needs',
    );
  });

  it('refuses a PEM that is not a usable EC key, without logging any of it', async () => {
    const broken = keys.privateKeyPem.replace(KEY_BODY, KEY_BODY.split('').reverse().join(''));
    await putTrtcSecret({ ...E2E_TRTC_SECRET, privateKeyPem: broken });
    expect((await call('/v1/usersig', 'vera', {})).status).toBe(503);
    await logged('field \\"privateKeyPem\\" must be a PEM EC private key');
  });

  it('issues v1 userSigs once the key is in the secret: lib/sign and tls-sig-api verify them', async () => {
    await putTrtcSecret(v1Secret);
    const response = await call('/v1/usersig', 'vera', { expire: 600 });
    expect(response.status, response.text).toBe(200);
    const body = response.json as UserSigResponse;
    expect(body).toMatchObject({ version: 1, userId: 'vera', sdkAppId: E2E_TRTC_SECRET.sdkAppId });
    expect(body.expiresAt).toBe(body.serverTime + 600);
    expect(
      verifyUserSigV1({
        sdkAppId: E2E_TRTC_SECRET.sdkAppId,
        publicKeyPem: keys.publicKeyPem,
        userId: 'vera',
        userSig: body.userSig,
        now: nowSeconds(),
      }),
    ).toMatchObject({ version: 1, expiresAt: body.expiresAt });
    expect(official.verifySig(body.userSig, 'vera')).toBe(true);
    expect(official.verifySig(body.userSig, 'vero')).toBe(false);
    expect(() =>
      verifyUserSig({ ...E2E_TRTC_SECRET, userId: 'vera', userSig: body.userSig, now: nowSeconds() }),
    ).toThrow();
  });

  it('issues v1 room tickets for rooms the policy grants, numeric rooms only', async () => {
    const response = await call(
      '/v1/privatemapkey',
      'vera',
      { roomId: 42, privileges: ['enterRoom', 'receiveVideo'] },
      [42],
    );
    expect(response.status, response.text).toBe(200);
    const body = response.json as PrivateMapKeyResponse;
    expect(body).toMatchObject({ version: 1, roomId: 42, privilegeMap: 0x22 });
    const verified = verifyUserSigV1({
      sdkAppId: E2E_TRTC_SECRET.sdkAppId,
      publicKeyPem: keys.publicKeyPem,
      userId: 'vera',
      userSig: body.privateMapKey,
      now: nowSeconds(),
    });
    expect(verified.privateMap).toEqual({ roomId: 42, privilegeMap: 0x22, expiresAt: body.expiresAt });
    expect(official.verifySigWithUserbuf(body.privateMapKey, 'vera')).not.toBe(false);

    expect((await call('/v1/privatemapkey', 'vera', { roomId: 43 }, [42])).status).toBe(403);
    const string = await call('/v1/privatemapkey', 'vera', { strRoomId: 'lobby' });
    expect({ status: string.status, code: (string.json as { error: { code: string } }).error.code }).toEqual({
      status: 400,
      code: 'INVALID_ROOM',
    });
  });

  it('never logs the key or the v2 secret key', async () => {
    await sleep(300);
    const text = log();
    expect(text).not.toContain(KEY_BODY);
    expect(text).not.toContain('PRIVATE KEY');
    expect(text).not.toContain(E2E_TRTC_SECRET.secretKey);
  });
});
