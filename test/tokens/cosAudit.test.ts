import { describe, expect, it } from 'vitest';
import { StsError } from '../../lib/cos/StsError';
import { createLogger } from '../../lib/log/logger';
import { PolicyError } from '../../lib/policy/PolicyError';
import { cosCredentialsAudit, cosSignatureAudit, withCosAudit } from '../../lib/tokens/cosAudit';
import type { CosSignV5Response } from '../../lib/tokens/issueCosSignature';

function capture() {
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', write: (line) => lines.push(line), now: () => 0 });
  return { log, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const v5: CosSignV5Response = {
  version: 'v5',
  authorization:
    'q-sign-algorithm=sha1&q-ak=AKIDtmpKeyIdThatMustNotBeLogged&q-sign-time=1;601&q-key-time=1;601&q-header-list=content-length;content-type;host&q-url-param-list=partnumber;uploadid&q-signature=0123456789abcdef0123456789abcdef01234567',
  securityToken: 'session-token-that-must-not-be-logged',
  method: 'PUT',
  key: 'users/alice/a.bin',
  url: 'https://h/users/alice/a.bin',
  headers: { Host: 'h', 'x-cos-security-token': 'session-token-that-must-not-be-logged' },
  expiresAt: 601,
  serverTime: 1,
  refreshAfter: 481,
};

describe('COS audit lines', () => {
  it('name the user, method, key, signed names, lifetime and key kind of a signature, and no secret', async () => {
    const { log, lines, records } = capture();
    await withCosAudit(log, 'cos signature', { userId: 'alice' }, {}, async () => v5, cosSignatureAudit);
    expect(records()).toEqual([
      {
        level: 'info',
        time: '1970-01-01T00:00:00.000Z',
        message: 'cos signature issued',
        userId: 'alice',
        version: 'v5',
        method: 'PUT',
        key: 'users/alice/a.bin',
        signedHeaders: ['content-length', 'content-type', 'host'],
        signedQuery: ['partnumber', 'uploadid'],
        lifetime: 600,
        signingKey: 'temporary',
      },
    ]);
    const text = lines.join('\n');
    for (const secret of ['AKIDtmpKeyId', 'session-token', '0123456789abcdef'])
      expect(text).not.toContain(secret);
  });

  it('describe v4 signatures and credentials by lifetime', () => {
    expect(
      cosSignatureAudit({
        version: 'v4',
        type: 'once',
        signature: 'sig',
        key: 'users/a/b',
        expiresAt: null,
        serverTime: 5,
      }),
    ).toEqual({ version: 'v4', type: 'once', key: 'users/a/b', lifetime: null });
    expect(
      cosCredentialsAudit({
        TmpSecretId: 'x',
        TmpSecretKey: 'y',
        SecurityToken: 'z',
        StartTime: 1,
        ExpiredTime: 901,
        bucket: 'b',
        region: 'r',
        prefix: 'users/alice/',
        expiresAt: 901,
        serverTime: 1,
        refreshAfter: 721,
      }),
    ).toEqual({ prefix: 'users/alice/', lifetime: 900 });
  });

  it('log a refusal with its code and pass the error on', async () => {
    const { log, records } = capture();
    const refusal = new PolicyError('HEADER_NOT_ALLOWED', 'header x-cos-copy-source is not allowed on PUT');
    const body = {
      method: 'PUT',
      key: `users/bob/${'a.'.repeat(150)}`,
      headers: { 'x-cos-copy-source': 'b/users/bob/a' },
    };
    await expect(
      withCosAudit(
        log,
        'cos signature',
        { userId: 'alice' },
        body,
        async () => {
          throw refusal;
        },
        cosSignatureAudit,
      ),
    ).rejects.toBe(refusal);
    const [line] = records();
    expect(line).toMatchObject({
      message: 'cos signature refused',
      userId: 'alice',
      code: 'HEADER_NOT_ALLOWED',
      method: 'PUT',
    });
    expect((line?.key as string).length).toBe(200);
    await expect(
      withCosAudit(
        log,
        'cos credentials',
        { userId: 'alice' },
        {},
        async () => {
          throw new StsError('STS_NOT_CONFIGURED', 'no STS');
        },
        cosCredentialsAudit,
      ),
    ).rejects.toBeInstanceOf(StsError);
    expect(records()[1]).toMatchObject({ message: 'cos credentials refused', code: 'STS_NOT_CONFIGURED' });
    // Bugs are not refusals: the HTTP layer logs them.
    await expect(
      withCosAudit(
        log,
        'cos signature',
        { userId: 'alice' },
        {},
        async () => {
          throw new TypeError('bug');
        },
        cosSignatureAudit,
      ),
    ).rejects.toBeInstanceOf(TypeError);
    expect(records()).toHaveLength(2);
  });
});
