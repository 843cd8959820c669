import middy from '@middy/core';
import httpCors from '@middy/http-cors';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { type Config, ConfigError } from '../config';
import type { Logger } from '../log/logger';
import { principalOf, requirePrincipal, type SessionVerifier } from '../session';
import type { Principal } from '../session/Principal';
import { toErrorResponse } from './errorResponse';
import { type JsonBodyEvent, parseJsonBody } from './parseJsonBody';
import { responseHeaders } from './responseHeaders';

/** What a token route's core receives: never the raw event, always an authenticated principal. */
export interface TokenRouteInput {
  readonly body: Record<string, unknown>;
  readonly principal: Principal;
  /** Unix seconds, read once per request so every time field of the token agrees. */
  readonly now: number;
  readonly log: Logger;
}

export interface TokenHandlerOptions {
  /** Route name for logs, e.g. `usersig`. */
  readonly route: string;
  readonly config: Config;
  readonly logger: Logger;
  readonly issue: (input: TokenRouteInput) => Promise<object> | object;
  /**
   * Verifies the Authorization header in-process, ignoring any authorizer context. Default: on the local
   * stage, the configured session verifier (serverless-offline lets a request header or its Lambda
   * invoke port choose the authorizer context, so only an in-function check is a real check there); on
   * deployed stages none, and the gateway authorizer's context is required.
   */
  readonly verifier?: SessionVerifier;
  readonly clock?: () => number;
}

type TokenContext = Context & { log?: Logger };

/** The local stage's in-function session check, loaded on first use. */
function localSessionVerifier(config: Config, logger: Logger): SessionVerifier {
  // Bundles packaged for a deployed stage do not even contain the verifier (see bundleFlags.d.ts): one of
  // them started on the local stage would accept anything the emulator claims, so it refuses to start.
  if (typeof __TTI_LOCAL_STAGE__ === 'undefined' || __TTI_LOCAL_STAGE__) {
    const verifier = import('../session/createConfiguredSessionVerifier').then((module) =>
      module.createConfiguredSessionVerifier(config, { log: logger }),
    );
    return {
      verify: async (header) => (await verifier).verify(header),
      warm: async () => (await verifier).warm(),
    };
  }
  throw new ConfigError(['this bundle was packaged for a deployed stage and cannot run on the local stage']);
}

const TOKEN_HANDLER = Symbol.for('tencent-token-issuer.tokenHandler');

/**
 * Tells whether a Lambda handler was built by {@link createTokenHandler}. The gateway authorizer only
 * authenticates; enforcement lives in this composition, so a test checks that every routed function
 * was built with it.
 *
 * @example
 * ```ts
 * expect(isTokenHandler((await import('../functions/userSig')).handler)).toBe(true);
 * ```
 */
export function isTokenHandler(handler: unknown): boolean {
  return (
    typeof handler === 'function' && (handler as unknown as Record<symbol, unknown>)[TOKEN_HANDLER] === true
  );
}

/**
 * The one composition every token function uses, so that none can skip a step: CORS and no-store
 * headers on every response, errors mapped in one place, the principal required before the body is
 * even read, then the JSON body, then the route's core.
 *
 * @example
 * ```ts
 * export const handler = createTokenHandler({ route: 'usersig', config, logger, issue: async (input) => ({}) });
 * ```
 */
export function createTokenHandler(options: TokenHandlerOptions) {
  const { config, logger } = options;
  const clock = options.clock ?? Date.now;
  const verifier = options.verifier ?? (config.isLocal ? localSessionVerifier(config, logger) : undefined);

  // No early-timeout timer: the secrets client's own timeouts and retries end well inside the Lambda
  // timeout, and the timer costs an AbortController and a setTimeout on every warm invocation.
  const handler = middy<JsonBodyEvent, APIGatewayProxyStructuredResultV2, Error, TokenContext>({
    timeoutEarlyInMillis: 0,
  });
  // Deny by default: without configured origins no CORS header is ever sent.
  if (config.corsAllowedOrigins.length > 0) {
    handler.use(
      httpCors({
        origins: [...config.corsAllowedOrigins],
        methods: 'POST',
        headers: 'Authorization, Content-Type',
      }),
    );
  }
  const composed = handler
    .use(responseHeaders())
    .use({
      before: (request) => {
        const requestId = request.event.requestContext?.requestId ?? request.context.awsRequestId;
        request.context.log = logger.child({ route: options.route, requestId });
      },
      onError: (request) => {
        request.response = toErrorResponse(request.error, request.context.log ?? logger);
      },
    })
    .use(requirePrincipal(verifier === undefined ? { now: clock } : { verifier, now: clock }))
    .use(parseJsonBody({ maxBytes: config.maxBodyBytes }))
    .handler(async (event, context) => {
      const principal = principalOf(context);
      const log = context.log ?? logger;
      const result = await options.issue({
        body: event.jsonBody ?? {},
        principal,
        now: Math.floor(clock() / 1000),
        log,
      });
      log.info('token issued', { userId: principal.userId });
      return { statusCode: 200, body: JSON.stringify(result) };
    });
  Object.defineProperty(composed, TOKEN_HANDLER, { value: true });
  return composed;
}
