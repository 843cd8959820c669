import { describe, expect, it } from 'vitest';
import {
  type ConfigError,
  DEV_DEFAULTS,
  defaultSecretId,
  loadConfig,
  requireSessionConfig,
  SECRET_SETTINGS,
  SETTING_GROUPS,
} from '../lib/config';
import { configError } from './support/configError';

const deployed = {
  STAGE: 'prod',
  SESSION_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json',
  SESSION_ISSUER: 'https://idp.example.com/',
  SESSION_AUDIENCE: 'my-app',
  TRTC_SECRET_ID: 'tencent-token-issuer/prod/trtc',
};

describe('loadConfig', () => {
  it('runs the local stage on the committed development defaults', () => {
    const config = loadConfig({});
    expect(config.isLocal).toBe(true);
    expect(config.secrets.source).toBe('file');
    expect(config.session?.hs256Secret).toBe(DEV_DEFAULTS.sessionHs256Secret);
    expect(config.session?.algorithms).toEqual(['HS256']);
    expect(config.expiry.userSig).toEqual({ defaultSeconds: 7200, maxSeconds: 86400 });
    expect(config.corsAllowedOrigins).toEqual([]);
    expect(config.rooms.roles.audience).toEqual([
      'createRoom',
      'enterRoom',
      'receiveAudio',
      'receiveVideo',
      'receiveSubStream',
    ]);
    expect(Object.isFrozen(config.session)).toBe(true);
  });

  it('configures a deployed stage from its variables', () => {
    const config = loadConfig({ ...deployed, CORS_ALLOWED_ORIGINS: 'https://a.example, https://b.example' });
    expect(config.secrets.source).toBe('aws');
    expect(config.session).toMatchObject({
      jwksUrl: deployed.SESSION_JWKS_URL,
      algorithms: ['RS256', 'ES256'],
    });
    expect(config.session?.hs256Secret).toBeUndefined();
    expect(config.corsAllowedOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it('treats empty variables as unset (serverless passes unset ones as empty strings)', () => {
    expect(loadConfig({ USERSIG_MAX_EXPIRE: '', LOG_LEVEL: '' }).expiry.userSig.maxSeconds).toBe(86400);
  });

  it('refuses the development defaults on a deployed stage', () => {
    const message = configError({ STAGE: 'prod', SECRETS_SOURCE: 'file', SESSION_ISSUER: 'https://i/' });
    expect(message).toContain('SECRETS_SOURCE=file is only allowed on the local stage');
    expect(message).toContain('SESSION_JWKS_URL or SESSION_SECRET_ID must be set');
    expect(message).toContain('SESSION_AUDIENCE must be set');
    const devSecret = configError({
      ...deployed,
      SESSION_JWKS_URL: '',
      SESSION_HS256_SECRET: DEV_DEFAULTS.sessionHs256Secret,
    });
    expect(devSecret).toContain('development session secret is refused');
    expect(devSecret).not.toContain(DEV_DEFAULTS.sessionHs256Secret);
  });

  it('refuses an HS256 secret in the environment of a deployed stage (it belongs in Secrets Manager)', () => {
    const secret = 'x'.repeat(40);
    const message = configError({ ...deployed, SESSION_JWKS_URL: '', SESSION_HS256_SECRET: secret });
    expect(message).toContain('SESSION_HS256_SECRET is only allowed on the local stage');
    expect(message).not.toContain(secret);
    const config = loadConfig({ ...deployed, SESSION_JWKS_URL: '', SESSION_SECRET_ID: 'prod/session' });
    expect(config.session).toMatchObject({ hs256SecretId: 'prod/session', algorithms: ['HS256'] });
    expect(config.secrets.session).toEqual({ secretId: 'prod/session' });
  });

  it('has no session section on a deployed stage without session settings (token functions), which the authorizer refuses', () => {
    const config = loadConfig({ STAGE: 'prod', COS_MAX_EXPIRE: '900' });
    expect(config.session).toBeUndefined();
    expect(() => requireSessionConfig(config)).toThrow(/SESSION_JWKS_URL or SESSION_SECRET_ID must be set/);
    expect(requireSessionConfig(loadConfig({})).hs256Secret).toBe(DEV_DEFAULTS.sessionHs256Secret);
  });

  it('names every bad variable, not just the first', () => {
    const error = (() => {
      try {
        loadConfig({
          LOG_LEVEL: 'loud',
          MAX_BODY_BYTES: '10',
          USERSIG_MAX_EXPIRE: 'forever',
          COS_ALLOWED_METHODS: 'PATCH',
          ROOM_DEFAULT_ROLE: 'janitor',
          SESSION_USER_ID_MAPPING: 'guess',
        });
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error.problems.map((problem) => problem.split(' ')[0])).toEqual([
      'LOG_LEVEL',
      'MAX_BODY_BYTES',
      'USERSIG_MAX_EXPIRE',
      'SESSION_USER_ID_MAPPING',
      'ROOM_DEFAULT_ROLE',
      'COS_ALLOWED_METHODS',
    ]);
  });

  it('names secrets after the stage unless a *_SECRET_ID is given', () => {
    const config = loadConfig({ STAGE: 'staging', COS_SECRET_ID: 'shared/cos' });
    expect(config.secrets.trtc).toEqual({ secretId: defaultSecretId('staging', 'trtc') });
    expect(config.secrets.cos).toEqual({ secretId: 'shared/cos' });
    expect(defaultSecretId('staging', 'trtc')).toBe('tencent-token-issuer/staging/trtc');
    expect(loadConfig({}).secrets.trtc).toEqual({ file: DEV_DEFAULTS.trtcSecretFile });
  });

  it('reads the identity-provider settings', () => {
    const config = loadConfig({
      ...deployed,
      SESSION_AUDIENCE_CLAIM: 'client_id',
      SESSION_USER_ID_MAPPING: 'uuid',
      SESSION_USER_CLAIM: 'custom:tencent_id',
    });
    expect(config.session).toMatchObject({
      audienceClaim: 'client_id',
      userIdMapping: 'uuid',
      userClaim: 'custom:tencent_id',
    });
  });

  it('names a bad variable without printing its value', () => {
    const secret = 'short-secret-value';
    const message = configError({ SESSION_HS256_SECRET: secret, USERSIG_MAX_EXPIRE: 'forever' });
    expect(message).toContain('SESSION_HS256_SECRET must be at least 32 characters');
    expect(message).toContain('USERSIG_MAX_EXPIRE must be a whole number');
    expect(message).not.toContain(secret);
    expect(message).not.toContain('forever');
  });

  it('puts every variable into exactly one setting group, and secret settings into the session group', () => {
    const names = Object.values(SETTING_GROUPS).flat();
    expect(new Set(names).size).toBe(names.length);
    // Every name a group lists is one loadConfig reads (an unknown one would be silently ignored).
    for (const name of names) expect(name).toMatch(/^[A-Z][A-Z0-9_]+$/);
    for (const name of SECRET_SETTINGS) expect(SETTING_GROUPS.session).toContain(name);
  });

  it.each([
    [{ SESSION_AUDIENCE_CLAIM: 'azp' }, 'SESSION_AUDIENCE_CLAIM must be aud or client_id'],
    [{ SESSION_USER_CLAIM: 'a b' }, 'SESSION_USER_CLAIM must be a claim name'],
    [{ SESSION_JWKS_URL: 'https://x.example/jwks', SESSION_SECRET_ID: 'prod/session' }, 'set only one of'],
    [{ SESSION_ALGORITHMS: 'none' }, 'SESSION_ALGORITHMS must list JWS algorithms'],
    [{ ...deployed, SESSION_ALGORITHMS: 'RS256,HS256' }, 'with a JWKS must not include HS*'],
    [{ SESSION_ALGORITHMS: 'RS256' }, 'with an HS256 secret must be HS* only'],
    [{ SESSION_JWKS_URL: 'http://idp.example.com/jwks' }, 'SESSION_JWKS_URL must be an https URL'],
    [{ SESSION_JWKS_URL: 'https://x.example/jwks', SESSION_HS256_SECRET: 'x'.repeat(40) }, 'set only one of'],
    [{ USERSIG_DEFAULT_EXPIRE: '90000' }, 'USERSIG_DEFAULT_EXPIRE must not exceed USERSIG_MAX_EXPIRE'],
    [{ COS_KEY_PREFIX: 'uploads/' }, 'COS_KEY_PREFIX must contain {userId}'],
    [{ COS_KEY_PREFIX: '/users/{userId}/' }, 'COS_KEY_PREFIX must end with / and not start with /'],
    [{ COS_ALLOWED_METHODS: 'GET' }, 'COS_ALLOWED_METHODS was replaced by COS_SIGN_OPERATIONS'],
    [{ ROOM_ROLES: '{"host":["flyAway"]}' }, 'ROOM_ROLES must be a JSON object'],
    [{ ROOM_ROLES: 'not json' }, 'ROOM_ROLES must be a JSON object'],
    [{ ROOM_DEFAULT_ROLE: 'janitor' }, 'ROOM_DEFAULT_ROLE must name a role'],
    [{ STAGE: 'Prod!' }, 'STAGE must be a lower-case stage name'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be debug, info, warn or error'],
    [{ MAX_BODY_BYTES: '10' }, 'MAX_BODY_BYTES must be a whole number between 64 and 65536'],
    [{ ROOM_POLICY: 'claims,everyone' }, 'ROOM_POLICY must list claims, rules, hook'],
    [{ ROOM_POLICY: 'hook' }, 'ROOM_HOOK_FUNCTION must be set when ROOM_POLICY includes hook'],
    [{ ROOM_HOOK_FUNCTION: 'my hook' }, 'ROOM_HOOK_FUNCTION must be a Lambda function name or ARN'],
    [{ ROOM_HOOK_TIMEOUT_MS: '60000' }, 'ROOM_HOOK_TIMEOUT_MS must be a whole number between 50 and 10000'],
    [{ ROOM_HOOK_CACHE_SECONDS: '3600' }, 'ROOM_HOOK_CACHE_SECONDS must be a whole number between 0 and 300'],
    [{ ROOM_HOOK_CLAIMS: 'org,__proto__' }, 'ROOM_HOOK_CLAIMS must list claim names'],
    [{ ROOM_CLAIM: 'rooms claim' }, 'ROOM_CLAIM must be a claim name'],
    [{ ROOM_RULES: 'not json' }, 'ROOM_RULES must be a JSON array of rules'],
    [
      { ROOM_RULES: '[{"strRoomId":"u_{userId}_*","role":"anchor"}]' },
      'ROOM_RULES rule 0 strRoomId must follow {userId}',
    ],
    [
      { ROOM_RULES: '[{"strRoomId":"lobby","role":"janitor"}]' },
      'ROOM_RULES rule 0 role must name a role of ROOM_ROLES',
    ],
    [{ TRTC_TICKET_VERSION: '3' }, 'TRTC_TICKET_VERSION must be 1 or 2'],
  ])('rejects %o', (env, expected) => {
    expect(configError(env as Record<string, string>)).toContain(expected);
  });

  it('denies rooms by default: the claims kind alone, which grants nothing without a rooms claim', () => {
    const config = loadConfig({});
    expect(config.rooms).toMatchObject({ policy: ['claims'], claim: 'trtc_rooms', rules: [] });
    expect(config.rooms).not.toHaveProperty('hook');
    expect(config.session?.contextClaims).toEqual(['trtc_rooms']);
    expect(config.ticketVersion).toBe(2);
  });

  it('configures rules, the hook and the claims the authorizer passes on', () => {
    const config = loadConfig({
      ROOM_POLICY: 'rules,hook',
      ROOM_RULES: '[{"strRoomId":"u.{userId}.*","role":"anchor"},{"roomId":"{userId}","role":"audience"}]',
      ROOM_HOOK_FUNCTION: 'arn:aws:lambda:ap-southeast-1:123456789012:function:my-room-hook',
      ROOM_HOOK_TIMEOUT_MS: '500',
      ROOM_HOOK_CACHE_SECONDS: '0',
      ROOM_HOOK_CLAIMS: 'org,custom:plan',
      TRTC_TICKET_VERSION: '1',
    });
    expect(config.rooms.policy).toEqual(['rules', 'hook']);
    expect(config.rooms.rules.map((rule) => [rule.pattern.source, rule.role])).toEqual([
      ['u.{userId}.*', 'anchor'],
      ['{userId}', 'audience'],
    ]);
    expect(config.rooms.hook).toEqual({
      functionName: 'arn:aws:lambda:ap-southeast-1:123456789012:function:my-room-hook',
      timeoutMs: 500,
      cacheSeconds: 0,
      retryAfterSeconds: 2,
      claims: ['org', 'custom:plan'],
    });
    // Rules-and-hook: the rooms claim is not read, so the authorizer does not pass it on.
    expect(config.session?.contextClaims).toEqual(['org', 'custom:plan']);
    expect(config.ticketVersion).toBe(1);
  });

  it('accepts a custom role table and loopback JWKS URLs for tests', () => {
    const config = loadConfig({
      ROOM_ROLES: '{"host":["createRoom","enterRoom","sendAudio"],"guest":["enterRoom"]}',
      ROOM_DEFAULT_ROLE: 'guest',
      SESSION_JWKS_URL: 'http://127.0.0.1:4000/jwks',
    });
    expect(config.rooms.roles.host).toEqual(['createRoom', 'enterRoom', 'sendAudio']);
    expect(config.session?.jwksUrl).toBe('http://127.0.0.1:4000/jwks');
  });
});
