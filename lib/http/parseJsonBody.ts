import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HttpError } from './HttpError';
import { hasDuplicateKeys } from './hasDuplicateKeys';
import { headerValue } from './headerValue';

/** The parsed body, set by {@link parseJsonBody} on the event. */
export type JsonBodyEvent = APIGatewayProxyEventV2 & { jsonBody?: Record<string, unknown> };

const JSON_MEDIA_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/**
 * Parses a JSON object body: 415 unless the content type is `application/json` (UTF-8), 413 above
 * `maxBytes` (measured on the decoded bytes, before parsing), 400 for invalid JSON or a non-object.
 * An absent or empty body is `{}`, so `POST /v1/usersig` needs no body at all. A key repeated within
 * one object is refused (400), since parsers disagree on which value wins.
 *
 * @example
 * ```ts
 * middy().use(parseJsonBody({ maxBytes: 4096 })).handler(async (event) => event.jsonBody);
 * ```
 */
export function parseJsonBody(options: { maxBytes: number }): MiddlewareObj<JsonBodyEvent> {
  return {
    before: (request) => {
      const event = request.event;
      // API Gateway always passes a string; an emulator may hand over an already parsed scalar
      // (serverless-offline turns the body `0` into the number 0). Such a body is read as its JSON text.
      const raw: string =
        typeof event.body === 'string' ? event.body : event.body == null ? '' : JSON.stringify(event.body);
      // A plain body is already text (the gateway decoded it); only a base64 body is bytes, which must be
      // strict UTF-8. Sizes are always counted in bytes.
      const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : undefined;
      const size = bytes ? bytes.length : Buffer.byteLength(raw, 'utf8');
      if (size > options.maxBytes) {
        throw new HttpError('PAYLOAD_TOO_LARGE', `the body must be at most ${options.maxBytes} bytes`);
      }
      if (size === 0) {
        event.jsonBody = {};
        return;
      }
      const contentType = headerValue(event.headers, 'content-type') ?? '';
      if (!JSON_MEDIA_TYPE.test(contentType.trim())) {
        throw new HttpError('UNSUPPORTED_MEDIA_TYPE', 'send the body as Content-Type: application/json');
      }
      let json: string;
      let parsed: unknown;
      try {
        // A leading byte order mark is allowed (RFC 8259, 8.1): TextDecoder drops it, a plain body sheds it.
        json = bytes ? new TextDecoder('utf-8', { fatal: true }).decode(bytes) : raw.replace(/^\uFEFF/, '');
        parsed = JSON.parse(json);
      } catch {
        throw new HttpError('INVALID_JSON', 'the body is not valid UTF-8 JSON');
      }
      // Parsers disagree on repeated keys (JSON.parse keeps the last): ambiguous, so refused.
      if (hasDuplicateKeys(json))
        throw new HttpError('INVALID_JSON', 'the body repeats a key within one object');
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new HttpError('INVALID_REQUEST', 'the body must be a JSON object');
      }
      event.jsonBody = parsed as Record<string, unknown>;
    },
  };
}
