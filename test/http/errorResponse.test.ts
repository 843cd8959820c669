import { describe, expect, it } from 'vitest';
import { toErrorResponse } from '../../lib/http/errorResponse';
import { HttpError } from '../../lib/http/HttpError';
import { createLogger } from '../../lib/log/logger';
import { PolicyError } from '../../lib/policy/PolicyError';
import { RoomHookError } from '../../lib/roomHook/RoomHookError';

function respond(error: unknown) {
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', write: (line) => lines.push(line) });
  const response = toErrorResponse(error, log);
  return { response, body: JSON.parse(response.body as string), logs: lines.map((line) => JSON.parse(line)) };
}

describe('toErrorResponse', () => {
  it.each([
    [new PolicyError('ROOM_FORBIDDEN', 'no'), 403],
    [new PolicyError('ENTER_ROOM_REQUIRED', 'no'), 400],
    [new PolicyError('PRIVILEGES_EXCEEDED', 'no'), 403],
    [new HttpError('INVALID_REQUEST', 'no'), 400],
  ])('maps %s to its status with the one error shape', (error, status) => {
    const { response, body } = respond(error);
    expect(response.statusCode).toBe(status);
    expect(body).toEqual({ error: { code: error.code, message: 'no' } });
  });

  it('answers a room hook failure with 503 ROOM_HOOK_UNAVAILABLE and its Retry-After, logging the reason only', () => {
    const cause = Object.assign(new Error('answer was {"allow":"maybe"}'), {
      name: 'TooManyRequestsException',
    });
    const error = new RoomHookError(
      'INVOKE_FAILED',
      'the room hook could not be invoked (TooManyRequestsException)',
      {
        retryAfterSeconds: 4,
        cause,
      },
    );
    const { response, body, logs } = respond(error);
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'Retry-After': '4' });
    expect(body).toEqual({
      error: {
        code: 'ROOM_HOOK_UNAVAILABLE',
        message: 'the room policy is temporarily unavailable, retry later',
      },
    });
    expect(logs).toEqual([
      expect.objectContaining({ level: 'error', message: 'room hook unavailable', reason: 'INVOKE_FAILED' }),
    ]);
    expect(JSON.stringify(logs)).not.toContain('maybe');
  });
});
