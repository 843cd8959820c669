import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { DEFAULT_COS_SIGN_OPERATIONS } from '../../lib/policy/cosOperations';
import { DEFAULT_COS_SIGN_ALLOWLIST, DEFAULT_UPLOAD_CONTENT_TYPES } from '../../lib/policy/cosSignAllowlist';
import { configError } from '../support/configError';

// The COS settings as lib/config.ts parses them (lib/cos/cosSettings.ts).

const deployed = {
  STAGE: 'prod',
  SESSION_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json',
  SESSION_ISSUER: 'https://idp.example.com/',
  SESSION_AUDIENCE: 'my-app',
};

describe('COS settings', () => {
  it('default to the documented allowlists, limits and no STS on the local stage', () => {
    const { cos } = loadConfig({});
    expect(cos).toEqual({
      keyPrefix: 'users/{userId}/',
      sign: {
        operations: DEFAULT_COS_SIGN_OPERATIONS,
        allowlist: DEFAULT_COS_SIGN_ALLOWLIST,
        maxUploadBytes: 104_857_600,
        uploadContentTypes: DEFAULT_UPLOAD_CONTENT_TYPES,
      },
      v4OnceEnabled: false,
      credentialsExpiry: { defaultSeconds: 1800, maxSeconds: 7200 },
    });
    expect(Object.isFrozen(cos.sign.allowlist.GET?.headers)).toBe(true);
  });

  it('use Tencent STS by default on a deployed stage, with keys confined to the enabled operations', () => {
    const { cos } = loadConfig(deployed);
    expect(cos.sts).toEqual({
      endpoint: 'https://sts.tencentcloudapi.com',
      timeoutMs: 2000,
      keySeconds: 7200,
      credentialActions: DEFAULT_COS_SIGN_OPERATIONS.map((operation) => `name/cos:${operation}`),
      signingActions: DEFAULT_COS_SIGN_OPERATIONS.map((operation) => `name/cos:${operation}`),
    });
    expect(loadConfig({ ...deployed, COS_STS_ENABLED: 'false' }).cos.sts).toBeUndefined();
    expect(
      loadConfig({ COS_STS_ENABLED: 'true', COS_STS_ENDPOINT: 'http://127.0.0.1:9000' }).cos.sts?.endpoint,
    ).toBe('http://127.0.0.1:9000');
  });

  it('read every variable', () => {
    const { cos } = loadConfig({
      ...deployed,
      COS_HOST: 'files.example.com',
      COS_SIGN_OPERATIONS: 'GetObject, DeleteObject',
      COS_SIGN_ALLOWLIST: '{"GET":{"headers":["Range"],"query":[]},"DELETE":{"headers":[],"query":[]}}',
      COS_MAX_UPLOAD_BYTES: '1024',
      COS_UPLOAD_CONTENT_TYPES: 'image/png,Image/JPEG',
      COS_V4_ONCE_ENABLED: 'true',
      COS_STS_ENDPOINT: 'https://sts.intl.tencentcloudapi.com/',
      COS_STS_ROLE_ARN: 'qcs::cam::uin/100000000001:roleName/uploads',
      COS_STS_TIMEOUT_MS: '500',
      COS_STS_KEY_SECONDS: '3660',
      COS_STS_ACTIONS: 'name/cos:GetObject',
      COS_CREDENTIALS_DEFAULT_EXPIRE: '900',
      COS_CREDENTIALS_MAX_EXPIRE: '900',
    });
    expect(cos).toEqual({
      keyPrefix: 'users/{userId}/',
      host: 'files.example.com',
      sign: {
        operations: ['GetObject', 'DeleteObject'],
        allowlist: { GET: { headers: ['Range'], query: [] }, DELETE: { headers: [], query: [] } },
        maxUploadBytes: 1024,
        uploadContentTypes: ['image/png', 'image/jpeg'],
      },
      v4OnceEnabled: true,
      sts: {
        endpoint: 'https://sts.intl.tencentcloudapi.com',
        roleArn: 'qcs::cam::uin/100000000001:roleName/uploads',
        timeoutMs: 500,
        keySeconds: 3660,
        credentialActions: ['name/cos:GetObject'],
        signingActions: ['name/cos:GetObject', 'name/cos:DeleteObject'],
      },
      credentialsExpiry: { defaultSeconds: 900, maxSeconds: 900 },
    });
  });

  it.each([
    [{ COS_SIGN_OPERATIONS: 'GetObject,PostObject' }, 'COS_SIGN_OPERATIONS must list operations from'],
    [{ COS_SIGN_OPERATIONS: ',' }, 'COS_SIGN_OPERATIONS must list operations from'],
    [{ COS_SIGN_ALLOWLIST: 'not json' }, 'COS_SIGN_ALLOWLIST must be a JSON object'],
    [
      { COS_SIGN_ALLOWLIST: '{"PATCH":{"headers":[],"query":[]}}' },
      'COS_SIGN_ALLOWLIST must be a JSON object',
    ],
    [
      { COS_SIGN_ALLOWLIST: '{"GET":{"headers":["*"],"query":[]}}' },
      'COS_SIGN_ALLOWLIST must be a JSON object',
    ],
    [
      { COS_SIGN_ALLOWLIST: '{"GET":{"headers":["x-cos-*-a"],"query":[]}}' },
      'COS_SIGN_ALLOWLIST must be a JSON object',
    ],
    [
      { COS_SIGN_ALLOWLIST: '{"PUT":{"headers":["HOST"],"query":[]}}' },
      'must not list Host, Authorization or x-cos-security-token',
    ],
    [
      { COS_SIGN_ALLOWLIST: '{"PUT":{"headers":["x-cos-security-token"],"query":[]}}' },
      'must not list Host, Authorization or x-cos-security-token',
    ],
    [
      { COS_SIGN_ALLOWLIST: '{"GET":{"headers":[],"query":["UploadId"]}}' },
      'must not list uploads, uploadId or partNumber',
    ],
    [{ COS_UPLOAD_CONTENT_TYPES: 'image/*' }, 'COS_UPLOAD_CONTENT_TYPES must list media types'],
    [
      { COS_UPLOAD_CONTENT_TYPES: 'text/html; charset=utf-8' },
      'COS_UPLOAD_CONTENT_TYPES must list media types',
    ],
    [{ COS_MAX_UPLOAD_BYTES: '0' }, 'COS_MAX_UPLOAD_BYTES must be a whole number'],
    [{ COS_HOST: 'Files.Example.com' }, 'COS_HOST must be a lower-case host name'],
    [{ COS_HOST: 'files.example.com:443' }, 'COS_HOST must be a lower-case host name'],
    [{ COS_KEY_PREFIX: 'users/*/{userId}/' }, 'COS_KEY_PREFIX must use only letters'],
    [{ COS_V4_ONCE_ENABLED: 'yes' }, 'COS_V4_ONCE_ENABLED must be true or false'],
    [
      { ...deployed, COS_STS_ENDPOINT: 'http://sts.tencentcloudapi.com' },
      'COS_STS_ENDPOINT must be an https origin',
    ],
    [
      { ...deployed, COS_STS_ENDPOINT: 'https://sts.tencentcloudapi.com/path' },
      'COS_STS_ENDPOINT must be an https origin',
    ],
    [{ ...deployed, COS_STS_ROLE_ARN: 'arn:aws:iam::1:role/x' }, 'COS_STS_ROLE_ARN must be a CAM role ARN'],
    [{ ...deployed, COS_STS_ACTIONS: 'name/cos:*' }, 'COS_STS_ACTIONS must list CAM actions'],
    [{ ...deployed, COS_STS_ACTIONS: 'cos:GetObject' }, 'COS_STS_ACTIONS must list CAM actions'],
    [
      { ...deployed, COS_STS_KEY_SECONDS: '3600' },
      'COS_STS_KEY_SECONDS must be at least COS_MAX_EXPIRE + 60',
    ],
    [
      { ...deployed, COS_STS_ROLE_ARN: 'qcs::cam::uin/1:role/x', COS_STS_KEY_SECONDS: '50000' },
      'must be at most 43200 with COS_STS_ROLE_ARN',
    ],
    [{ COS_CREDENTIALS_DEFAULT_EXPIRE: '7201' }, 'COS_CREDENTIALS_DEFAULT_EXPIRE must not exceed'],
    [{ COS_CREDENTIALS_MAX_EXPIRE: '30' }, 'COS_CREDENTIALS_MAX_EXPIRE must be a whole number between 60'],
  ])('refuse %o', (env, expected) => {
    expect(configError(env as Record<string, string>)).toContain(expected);
  });

  it('name a bad allowlist without quoting it', () => {
    const value = '{"GET":{"headers":["secret-value-*x"]}}';
    expect(configError({ COS_SIGN_ALLOWLIST: value })).not.toContain('secret-value');
  });
});
