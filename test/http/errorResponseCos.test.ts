import { describe, expect, it } from 'vitest';
import { StsError } from '../../lib/cos/StsError';
import { toErrorResponse } from '../../lib/http/errorResponse';
import { createLogger } from '../../lib/log/logger';
import { PolicyError, type PolicyErrorCode } from '../../lib/policy/PolicyError';

function capture() {
  const lines: string[] = [];
  return { log: createLogger({ level: 'debug', write: (line) => lines.push(line) }), lines };
}

describe('toErrorResponse (COS codes and STS)', () => {
  it.each([
    ['OPERATION_NOT_ALLOWED', 403],
    ['HEADER_NOT_ALLOWED', 403],
    ['QUERY_NOT_ALLOWED', 403],
    ['UPLOAD_TOO_LARGE', 403],
    ['CONTENT_TYPE_NOT_ALLOWED', 403],
    ['V4_ONCE_DISABLED', 403],
    ['CONTENT_LENGTH_REQUIRED', 400],
    ['CONTENT_TYPE_REQUIRED', 400],
  ] as const)('maps %s to %d with its message', (code: PolicyErrorCode, status) => {
    const response = toErrorResponse(new PolicyError(code, 'why'), capture().log);
    expect(response.statusCode).toBe(status);
    expect(JSON.parse(response.body as string)).toEqual({ error: { code, message: 'why' } });
  });

  it('answers 501 when STS is not configured', () => {
    const response = toErrorResponse(new StsError('STS_NOT_CONFIGURED', 'no STS here'), capture().log);
    expect(response.statusCode).toBe(501);
    expect(JSON.parse(response.body as string)).toEqual({
      error: { code: 'STS_NOT_CONFIGURED', message: 'no STS here' },
    });
  });

  it('answers 503 with Retry-After when STS fails, and logs the STS code for operators only', () => {
    const { log, lines } = capture();
    const error = new StsError('STS_UNAVAILABLE', 'STS refused the request (AuthFailure.SignatureFailure)', {
      retryAfterSeconds: 7,
      stsCode: 'AuthFailure.SignatureFailure',
      requestId: 'req-1',
    });
    const response = toErrorResponse(error, log);
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['Retry-After']).toBe('7');
    expect(JSON.parse(response.body as string)).toEqual({
      error: { code: 'STS_UNAVAILABLE', message: 'temporary credentials are unavailable, retry later' },
    });
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: 'error',
      stsCode: 'AuthFailure.SignatureFailure',
      stsRequestId: 'req-1',
    });
  });
});
