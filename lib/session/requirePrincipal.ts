import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { SessionVerifier } from './createSessionVerifier';
import type { Principal } from './Principal';
import { lambdaAuthorizerContext, principalFromAuthorizerContext } from './principalFromAuthorizerContext';
import { readAuthorizationHeader } from './readAuthorizationHeader';
import { SessionError } from './SessionError';

/**
 * The Lambda context after {@link requirePrincipal} ran. Read it with {@link principalOf}, which
 * checks at run time that the middleware really did run.
 *
 * @example
 * ```ts
 * const handler = async (event: unknown, context: PrincipalContext) => context.principal.userId;
 * ```
 */
export type PrincipalContext = Context & { principal: Principal };

/**
 * The event fields {@link requirePrincipal} reads: the gateway authorizer context and the headers.
 *
 * @example
 * ```ts
 * const event: SessionEvent = { headers: { authorization: 'Bearer eyJ...' } };
 * ```
 */
export interface SessionEvent {
  readonly requestContext?: unknown;
  readonly headers?: Readonly<Record<string, string | undefined>> | null | undefined;
}

/**
 * Options of {@link requirePrincipal}.
 *
 * @example
 * ```ts
 * const options: RequirePrincipalOptions = { verifier: createSessionVerifier(config.session) };
 * ```
 */
export interface RequirePrincipalOptions {
  /**
   * Verifies the Authorization header in-process, and then any authorizer context is ignored: the local
   * stage (where serverless-offline lets a request header or its Lambda invoke port set the context) and
   * runtimes without a gateway authorizer. Without it, the gateway authorizer's context is required.
   */
  readonly verifier?: SessionVerifier;
  /** The clock for the session expiry check, in ms. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * middy middleware that establishes the caller before anything else runs: by verifying the
 * `Authorization` header with `verifier` when one is given, otherwise from the gateway authorizer's
 * context (its verdict is final, failures included), otherwise it refuses. A principal whose session has
 * expired is refused even when the gateway served it from its authorizer cache. Throws
 * {@link SessionError}; on success sets `context.principal`. Put it before body parsing, so an
 * unauthenticated request is never even parsed.
 *
 * @example
 * ```ts
 * export const handler = middy()
 *   .use(httpErrors())
 *   .use(requirePrincipal({ verifier }))
 *   .handler(async (event, context) => issueFor(principalOf(context)));
 * ```
 */
export function requirePrincipal(options: RequirePrincipalOptions = {}): MiddlewareObj<SessionEvent> {
  const { verifier } = options;
  const now = options.now ?? Date.now;
  return {
    name: 'requirePrincipal',
    before: async (request) => {
      const { event } = request;
      // Never let a principal from an earlier invocation survive on a reused context object.
      delete (request.context as Partial<PrincipalContext>).principal;
      let principal: Principal;
      if (verifier !== undefined) {
        principal = await verifier.verify(readAuthorizationHeader(event.headers));
      } else if (lambdaAuthorizerContext(event) !== undefined) {
        principal = principalFromAuthorizerContext(event);
      } else {
        throw new SessionError('NO_AUTHORIZER_CONTEXT');
      }
      // The gateway caches an authorization per Authorization header for its TTL: the session's own
      // expiry still ends it (the verifier applies the same rule, so both paths agree).
      if (
        principal.sessionExpiresAt === undefined ||
        Math.floor(now() / 1000) >= principal.sessionExpiresAt
      ) {
        throw new SessionError('TOKEN_EXPIRED');
      }
      (request.context as PrincipalContext).principal = principal;
    },
  };
}

/**
 * The principal that {@link requirePrincipal} stored on the context. Throws `TypeError` when there is
 * none: that is a composition bug (the middleware is missing), and a handler must never run without
 * a principal.
 *
 * @example
 * ```ts
 * const { userId } = principalOf(context);
 * ```
 */
export function principalOf(context: Context): Principal {
  const principal = (context as Partial<PrincipalContext>).principal;
  if (principal === undefined || typeof principal.userId !== 'string') {
    throw new TypeError(
      'principalOf: no principal on the context; use requirePrincipal() before the handler',
    );
  }
  return principal;
}
