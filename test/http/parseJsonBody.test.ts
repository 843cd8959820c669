import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../lib/http/HttpError';
import { type JsonBodyEvent, parseJsonBody } from '../../lib/http/parseJsonBody';

const handler = middy<JsonBodyEvent, unknown>()
  .use(parseJsonBody({ maxBytes: 64 }))
  .handler(async (event) => event.jsonBody);

function event(body: string | undefined, headers: Record<string, string> = {}, isBase64Encoded = false) {
  return { body, headers, isBase64Encoded } as unknown as JsonBodyEvent;
}

async function failure(e: JsonBodyEvent): Promise<HttpError> {
  try {
    await handler(e, {} as Context);
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    return error as HttpError;
  }
  throw new Error('expected an HttpError');
}

describe('parseJsonBody', () => {
  it('parses a JSON object, whatever the header case', async () => {
    expect(
      await handler(event('{"expire":60}', { 'Content-Type': 'application/json' }), {} as Context),
    ).toEqual({ expire: 60 });
    expect(
      await handler(event('{"a":1}', { 'content-type': 'application/json; charset=UTF-8' }), {} as Context),
    ).toEqual({ a: 1 });
  });

  it('accepts a leading byte order mark, in text and in base64 bodies', async () => {
    const headers = { 'content-type': 'application/json' };
    expect(await handler(event('\uFEFF{"a":1}', headers), {} as Context)).toEqual({ a: 1 });
    const base64 = Buffer.from('\uFEFF{"a":2}', 'utf8').toString('base64');
    expect(await handler(event(base64, headers, true), {} as Context)).toEqual({ a: 2 });
  });

  it('treats an absent or empty body as an empty object', async () => {
    expect(await handler(event(undefined), {} as Context)).toEqual({});
    expect(await handler(event(''), {} as Context)).toEqual({});
  });

  it('decodes base64 bodies from the gateway', async () => {
    const body = Buffer.from('{"k":"v"}').toString('base64');
    expect(await handler(event(body, { 'content-type': 'application/json' }, true), {} as Context)).toEqual({
      k: 'v',
    });
  });

  it.each([
    ['no content type', event('{}'), 415],
    ['text/plain', event('{}', { 'content-type': 'text/plain' }), 415],
    ['another charset', event('{}', { 'content-type': 'application/json; charset=latin1' }), 415],
    ['form data', event('a=1', { 'content-type': 'application/x-www-form-urlencoded' }), 415],
    ['invalid JSON', event('{"a":', { 'content-type': 'application/json' }), 400],
    [
      'invalid UTF-8',
      event(Buffer.from([0x7b, 0xff, 0x7d]).toString('base64'), { 'content-type': 'application/json' }, true),
      400,
    ],
    ['an array', event('[1]', { 'content-type': 'application/json' }), 400],
    ['null', event('null', { 'content-type': 'application/json' }), 400],
    ['a string', event('"x"', { 'content-type': 'application/json' }), 400],
    ['65 bytes', event(`{"a":"${'x'.repeat(57)}"}`, { 'content-type': 'application/json' }), 413],
    [
      '65 bytes of multi-byte UTF-8',
      event(`{"a":"${'é'.repeat(29)}"}`, { 'content-type': 'application/json' }),
      413,
    ],
  ])('rejects %s', async (_what, e, status) => {
    expect((await failure(e)).status).toBe(status);
  });

  it('refuses a key repeated within one object, as parsers disagree on which wins', async () => {
    const error = await failure(
      event('{"userId":"bob","userId":"me"}', { 'content-type': 'application/json' }),
    );
    expect([error.status, error.code]).toEqual([400, 'INVALID_JSON']);
  });

  it('reads a body an emulator handed over already parsed as its JSON text (never a 500)', async () => {
    for (const body of [0, false, 12.5]) {
      const error = await failure(event(body as unknown as string, { 'content-type': 'application/json' }));
      expect([error.status, error.code]).toEqual([400, 'INVALID_REQUEST']);
    }
  });

  it('checks the size before the content type, so a huge body is never parsed', async () => {
    expect((await failure(event('x'.repeat(1000), { 'content-type': 'text/plain' }))).code).toBe(
      'PAYLOAD_TOO_LARGE',
    );
  });
});
