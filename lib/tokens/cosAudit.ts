import { StsError } from '../cos/StsError';
import { HttpError } from '../http/HttpError';
import type { LogFields, Logger } from '../log/logger';
import { PolicyError } from '../policy/PolicyError';
import type { Principal } from '../session/Principal';
import type { CosCredentialsResponse } from './issueCosCredentials';
import type { CosSignResponse } from './issueCosSignature';

// The audit trail of the COS routes: one line per issued credential or signature (who, what, for how
// long) and one per refusal (who, the code). Names and sizes only: never a secret, a temporary key, a
// token or a signature, which is why the fields are picked here one by one.

const MAX_LOGGED_TEXT = 200;

// Built once: this runs for every signature issued.
const LIST_FIELDS = {
  'q-header-list': /(?:^|&)q-header-list=([^&]*)/,
  'q-url-param-list': /(?:^|&)q-url-param-list=([^&]*)/,
} as const;

function listOf(authorization: string, field: keyof typeof LIST_FIELDS): string[] {
  const value = LIST_FIELDS[field].exec(authorization)?.[1] ?? '';
  return value === '' ? [] : value.split(';');
}

/**
 * The audit fields of an issued signature: method, key, the names of the signed headers and query
 * parameters, the lifetime and which kind of key signed.
 *
 * @example
 * ```ts
 * log.info('cos signature issued', { userId, ...cosSignatureAudit(response) });
 * ```
 */
export function cosSignatureAudit(response: CosSignResponse): LogFields {
  if (response.version === 'v4') {
    return {
      version: 'v4',
      type: response.type,
      key: response.key,
      lifetime: response.expiresAt === null ? null : response.expiresAt - response.serverTime,
    };
  }
  return {
    version: 'v5',
    method: response.method,
    key: response.key,
    signedHeaders: listOf(response.authorization, 'q-header-list'),
    signedQuery: listOf(response.authorization, 'q-url-param-list'),
    lifetime: response.expiresAt - response.serverTime,
    signingKey: response.securityToken === undefined ? 'bucket' : 'temporary',
  };
}

/**
 * The audit fields of issued credentials: the prefix and the lifetime.
 *
 * @example
 * ```ts
 * log.info('cos credentials issued', { userId, ...cosCredentialsAudit(response) });
 * ```
 */
export function cosCredentialsAudit(response: CosCredentialsResponse): LogFields {
  return { prefix: response.prefix, lifetime: response.expiresAt - response.serverTime };
}

/**
 * Runs a COS route core and writes its audit line: `<what> issued` with `describe(result)`, or
 * `<what> refused` with the error code (and the method and key the body named, shortened) before the
 * error goes on to the HTTP layer.
 *
 * @example
 * ```ts
 * return withCosAudit(log, 'cos signature', principal, body, () => issue(), cosSignatureAudit);
 * ```
 */
export async function withCosAudit<T>(
  log: Logger,
  what: string,
  principal: Principal,
  body: Readonly<Record<string, unknown>>,
  run: () => Promise<T>,
  describe: (result: T) => LogFields,
): Promise<T> {
  let result: T;
  try {
    result = await run();
  } catch (error) {
    if (error instanceof PolicyError || error instanceof HttpError || error instanceof StsError) {
      const named: Record<string, string> = {};
      for (const field of ['method', 'key'] as const) {
        const value = body[field];
        if (typeof value === 'string') named[field] = value.slice(0, MAX_LOGGED_TEXT);
      }
      log.info(`${what} refused`, { userId: principal.userId, code: error.code, ...named });
    }
    throw error;
  }
  log.info(`${what} issued`, { userId: principal.userId, ...describe(result) });
  return result;
}
