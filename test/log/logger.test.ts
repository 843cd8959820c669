import { describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/log/logger';

function capture(level: 'debug' | 'info' | 'warn' | 'error' = 'debug') {
  const lines: string[] = [];
  const logger = createLogger({ level, write: (line) => lines.push(line), now: () => 0 });
  return { logger, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('writes one JSON object per line with level, time, message and fields', () => {
    const { logger, records } = capture();
    logger.child({ requestId: 'r-1' }).info('token issued', { userId: 'alice' });
    expect(records()).toEqual([
      {
        level: 'info',
        time: '1970-01-01T00:00:00.000Z',
        message: 'token issued',
        requestId: 'r-1',
        userId: 'alice',
      },
    ]);
  });

  it('drops lines below its level', () => {
    const { logger, lines } = capture('warn');
    logger.debug('a');
    logger.info('b');
    logger.warn('c');
    logger.error('d');
    expect(lines).toHaveLength(2);
  });

  it('masks fields named like secrets and values shaped like tokens', () => {
    const { logger, lines } = capture();
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
    const userSig = `eJ${'x'.repeat(60)}`;
    logger.error('oops', {
      secretKey: 'hunter2-secret',
      nested: { authorization: `Bearer ${jwt}`, note: `got ${jwt} and ${userSig}` },
      detail: 'q-sign-algorithm=sha1&q-signature=0123abcd',
      error: new Error(`bad header Bearer ${jwt}`),
    });
    const line = lines.join('\n');
    for (const leaked of ['hunter2-secret', jwt, userSig, '0123abcd']) expect(line).not.toContain(leaked);
    expect(line).toContain('[redacted]');
  });

  it('masks Tencent SecretIds and STS session tokens wherever they appear', () => {
    const { logger, lines } = capture();
    const tmpSecretId = 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA';
    const token = `${'Tk9'.repeat(40)}_+=`;
    logger.warn('odd', {
      detail: `STS said ${tmpSecretId} is invalid`,
      nested: { echo: `x-cos-security-token: ${token}` },
      SecurityToken: 'short',
      TmpSecretKey: 'short-too',
    });
    const line = lines.join('\n');
    for (const leaked of [tmpSecretId, token, 'short']) expect(line).not.toContain(leaked);
    // Ordinary values stay readable.
    const longKey = `users/alice/${'album-2024/'.repeat(20)}holiday.jpg`;
    logger.info('ok', { key: longKey, code: 'HEADER_NOT_ALLOWED' });
    expect(lines.at(-1)).toContain(longKey);
  });
});
