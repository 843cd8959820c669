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
  /** Verifies the Authorization header in-process when the event carries no authorizer context. */
  readonly verifier?: SessionVerifier;
}

/**
 * middy middleware that establishes the caller before anything else runs: from the gateway
 * authorizer's context when there is one (its verdict is final, failures included), otherwise by
 * verifying the `Authorization` header with `verifier` (runtimes without a gateway authorizer),
 * otherwise it refuses. Throws {@link SessionError}; on success sets `context.principal`.
 * Put it before body parsing, so an unauthenticated request is never even parsed.
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
  return {
    name: 'requirePrincipal',
    before: async (request) => {
      const { event } = request;
      // Never let a principal from an earlier invocation survive on a reused context object.
      delete (request.context as Partial<PrincipalContext>).principal;
      let principal: Principal;
      if (lambdaAuthorizerContext(event) !== undefined) {
        principal = principalFromAuthorizerContext(event);
      } else if (verifier !== undefined) {
        principal = await verifier.verify(readAuthorizationHeader(event.headers));
      } else {
        throw new SessionError('NO_AUTHORIZER_CONTEXT');
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
