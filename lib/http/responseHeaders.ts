import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

// Tokens must never be stored by a browser, proxy or CDN; this applies to errors as well, so that a
// cached error cannot mask a later success.
const HEADERS = {
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
  'X-Content-Type-Options': 'nosniff',
  'Content-Type': 'application/json; charset=utf-8',
};

function addHeaders(request: Request<unknown, APIGatewayProxyStructuredResultV2>): void {
  const response = request.response;
  if (!response) return;
  response.headers = { ...response.headers, ...HEADERS };
}

/**
 * Adds `Cache-Control: no-store` and the JSON content type to every response, success or error.
 *
 * @example
 * ```ts
 * middy().use(responseHeaders()).use(jsonErrors(logger));
 * ```
 */
export function responseHeaders(): MiddlewareObj<unknown, APIGatewayProxyStructuredResultV2> {
  return { after: addHeaders, onError: addHeaders };
}
