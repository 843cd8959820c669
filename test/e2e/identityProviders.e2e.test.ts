import { createHash, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyUserSig } from '../../lib/sign';
import { type JwksServer, startJwksServer } from '../support/jwksServer';
import { createSigningKey, type SigningKey } from '../support/sessionTokens';
import { E2E_TRTC_SECRET } from './support/fixtures';
import { type E2eStack, startStack } from './support/startStack';

// Each identity provider's token shape, through the running service: RS256 or ES256 tokens signed by a
// loopback identity provider (its JWKS served over HTTP, keys picked by `kid`), with that provider's
// claims, verified by the real authorizer with the settings the README's recipe gives, mapped to a
// Tencent user id, and turned into a userSig for that id.

const repoRoot = new URL('../..', import.meta.url).pathname;

let jwks: JwksServer;
let rsa: SigningKey;
let ec: SigningKey;

beforeAll(async () => {
  rsa = await createSigningKey('RS256', 'idp-rsa-2026');
  ec = await createSigningKey('ES256', 'idp-ec-2026');
  jwks = await startJwksServer({ keys: [rsa.publicJwk, ec.publicJwk] });
});
afterAll(() => jwks?.close());

interface Provider {
  readonly name: string;
  /** The README recipe's settings (SESSION_JWKS_URL is the loopback JWKS). */
  readonly settings: Readonly<Record<string, string>>;
  readonly key: () => SigningKey;
  /** A token this provider issues for `subject`. */
  readonly claims: (subject: string, now: number) => Record<string, unknown>;
  readonly subject: string;
  /** The Tencent user id the service must map the subject to. */
  readonly userId: (subject: string) => string;
  /** A token of the same provider that these settings must refuse, with the reason. */
  readonly refused: { readonly claims: (now: number) => Record<string, unknown>; readonly status: number };
}

const COGNITO_ISSUER = 'https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_E2eP00l';
const COGNITO_CLIENT = '5e2eexampleclientid0000000';
const cognitoSub = randomUUID();
const digest = (subject: string) => createHash('sha256').update(subject).digest('base64url').slice(0, 32);

const PROVIDERS: Provider[] = [
  {
    name: 'Cognito ID token',
    settings: {
      SESSION_ISSUER: COGNITO_ISSUER,
      SESSION_AUDIENCE: COGNITO_CLIENT,
      SESSION_USER_ID_MAPPING: 'uuid',
    },
    key: () => rsa,
    subject: cognitoSub,
    claims: (sub, now) => ({
      sub,
      aud: COGNITO_CLIENT,
      iss: COGNITO_ISSUER,
      token_use: 'id',
      'cognito:username': 'alice',
      email_verified: true,
      auth_time: now,
      iat: now,
      exp: now + 3600,
    }),
    userId: (sub) => sub.replaceAll('-', ''),
    // The access token of the same pool has no `aud`: not accepted where ID tokens are configured.
    refused: {
      claims: (now) => ({
        sub: cognitoSub,
        iss: COGNITO_ISSUER,
        client_id: COGNITO_CLIENT,
        token_use: 'access',
        iat: now,
        exp: now + 3600,
      }),
      status: 401,
    },
  },
  {
    name: 'Cognito access token',
    settings: {
      SESSION_ISSUER: COGNITO_ISSUER,
      SESSION_AUDIENCE: COGNITO_CLIENT,
      SESSION_AUDIENCE_CLAIM: 'client_id',
      SESSION_USER_ID_MAPPING: 'uuid',
    },
    key: () => rsa,
    subject: cognitoSub,
    claims: (sub, now) => ({
      sub,
      iss: COGNITO_ISSUER,
      client_id: COGNITO_CLIENT,
      token_use: 'access',
      scope: 'openid profile',
      username: 'alice',
      auth_time: now,
      iat: now,
      exp: now + 3600,
    }),
    userId: (sub) => sub.replaceAll('-', ''),
    refused: {
      claims: (now) => ({
        sub: cognitoSub,
        iss: COGNITO_ISSUER,
        client_id: 'another-app-client',
        token_use: 'access',
        iat: now,
        exp: now + 3600,
      }),
      status: 401,
    },
  },
  {
    name: 'Auth0',
    settings: {
      SESSION_ISSUER: 'https://e2e-tenant.eu.auth0.com/',
      SESSION_AUDIENCE: 'https://api.e2e.example',
      SESSION_USER_ID_MAPPING: 'digest',
    },
    key: () => rsa,
    subject: 'auth0|64f1c2d3e4b5a69788776655',
    claims: (sub, now) => ({
      sub,
      iss: 'https://e2e-tenant.eu.auth0.com/',
      aud: ['https://api.e2e.example', 'https://e2e-tenant.eu.auth0.com/userinfo'],
      azp: 'e2eAuth0ClientId',
      scope: 'openid profile',
      iat: now,
      exp: now + 86400,
    }),
    userId: digest,
    // A token for another API of the same tenant (only the userinfo audience) is not for this service.
    refused: {
      claims: (now) => ({
        sub: 'auth0|64f1c2d3e4b5a69788776655',
        iss: 'https://e2e-tenant.eu.auth0.com/',
        aud: 'https://e2e-tenant.eu.auth0.com/userinfo',
        iat: now,
        exp: now + 86400,
      }),
      status: 401,
    },
  },
  {
    name: 'Firebase',
    settings: {
      SESSION_ISSUER: 'https://securetoken.google.com/e2e-project',
      SESSION_AUDIENCE: 'e2e-project',
      SESSION_USER_ID_MAPPING: 'exact',
    },
    key: () => rsa,
    subject: 'kX3bZ9qR2mT7vY1wA4cE6gH8jL0n',
    claims: (sub, now) => ({
      sub,
      user_id: sub,
      iss: 'https://securetoken.google.com/e2e-project',
      aud: 'e2e-project',
      auth_time: now,
      firebase: { identities: {}, sign_in_provider: 'anonymous' },
      iat: now,
      exp: now + 3600,
    }),
    userId: (sub) => sub,
    // A subject that is no Tencent user id is refused with 403 (not 401: signing in again would not help).
    refused: {
      claims: (now) => ({
        sub: 'not a tencent id',
        iss: 'https://securetoken.google.com/e2e-project',
        aud: 'e2e-project',
        iat: now,
        exp: now + 3600,
      }),
      status: 403,
    },
  },
  {
    name: 'any OIDC provider (ES256, a custom claim set by the provider)',
    settings: {
      SESSION_ISSUER: 'https://id.e2e.example/realms/app',
      SESSION_AUDIENCE: 'token-issuer',
      SESSION_USER_CLAIM: 'tencent_user_id',
      SESSION_ALGORITHMS: 'ES256',
    },
    key: () => ec,
    subject: 'member_0042',
    claims: (tencentId, now) => ({
      sub: randomUUID(),
      tencent_user_id: tencentId,
      iss: 'https://id.e2e.example/realms/app',
      aud: 'token-issuer',
      azp: 'web',
      iat: now,
      exp: now + 300,
    }),
    userId: (id) => id,
    // RS256 is not among SESSION_ALGORITHMS here.
    refused: {
      claims: (now) => ({
        tencent_user_id: 'member_0042',
        iss: 'https://id.e2e.example/realms/app',
        aud: 'token-issuer',
        iat: now,
        exp: now + 300,
        __key: 'rsa',
      }),
      status: 401,
    },
  },
];

async function sign(key: SigningKey, claims: Record<string, unknown>): Promise<string> {
  const { __key, ...payload } = claims;
  const signer = __key === 'rsa' ? rsa : key;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'JWT' })
    .sign(signer.privateKey);
}

describe.each(PROVIDERS)('identity provider: $name', (provider) => {
  let stack: E2eStack;

  beforeAll(async () => {
    stack = await startStack({
      repoRoot,
      environment: { SESSION_SECRET_ID: '', SESSION_JWKS_URL: jwks.url, ...provider.settings },
    });
  }, 120_000);
  afterAll(() => stack?.stop());

  const usersig = (token: string) =>
    fetch(`${stack.baseUrl}/v1/usersig`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });

  it("issues a userSig for the subject's Tencent user id", async () => {
    const now = Math.floor(Date.now() / 1000);
    const response = await usersig(await sign(provider.key(), provider.claims(provider.subject, now)));
    const body = (await response.json()) as { userId: string; userSig: string };
    expect(response.status, JSON.stringify(body)).toBe(200);
    const userId = provider.userId(provider.subject);
    expect(userId).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    expect(body.userId).toBe(userId);
    expect(verifyUserSig({ ...E2E_TRTC_SECRET, userId, userSig: body.userSig, now })).toMatchObject({
      userId,
    });
  });

  it.runIf(provider.refused !== undefined)(
    'refuses the token shape these settings do not accept',
    async () => {
      const refused = provider.refused as NonNullable<Provider['refused']>;
      const response = await usersig(
        await sign(provider.key(), refused.claims(Math.floor(Date.now() / 1000))),
      );
      expect(response.status).toBe(refused.status);
      expect(await response.json()).toMatchObject({
        error: { code: refused.status === 403 ? 'USER_ID_UNMAPPABLE' : 'UNAUTHENTICATED' },
      });
    },
  );
});
