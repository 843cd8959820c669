import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { SignJWT } from 'jose';
import { type OptionTable, type ParsedArgs, parseOptions } from '../cli/options';
import { type Config, loadConfig } from '../lib/config';
import { isSessionRole } from '../lib/session/isSessionRole';
import { TENCENT_USER_ID } from '../lib/session/Principal';

// Prints a session token for local runs, so the service can be tried with curl without an identity
// provider:
//   curl -H "Authorization: Bearer $(npm run -s dev:token -- alice --role anchor)" ...
// Only for the local stage with an HS256 secret: with a JWKS the tokens come from the real identity
// provider, and a deployed stage must never accept tokens minted from a laptop.

/** The arguments of dev:token (and of `tencent-token-issuer session`, which shares them). */
export const DEV_TOKEN_USAGE = '<userId> [--role <role>] [--ttl <seconds, 1-86400>]';

const USAGE = `usage: npm run -s dev:token -- ${DEV_TOKEN_USAGE}`;

/** The options of dev:token, shared with `tencent-token-issuer session` (one table, one parser). */
export const DEV_TOKEN_OPTIONS = {
  role: { type: 'string', value: 'ROLE', description: 'the room role claim (trtc_role), such as anchor' },
  ttl: { type: 'string', value: 'SECONDS', description: 'lifetime, 1 to 86400 (default 3600)' },
} as const satisfies OptionTable;

/**
 * What {@link mintDevToken} signs.
 *
 * @example
 * ```ts
 * const request: DevTokenRequest = { userId: 'alice', role: 'anchor', ttlSeconds: 3600, now: 1_700_000_000 };
 * ```
 */
export interface DevTokenRequest {
  readonly userId: string;
  readonly role?: string;
  readonly ttlSeconds: number;
  /** Unix time in seconds. */
  readonly now: number;
}

/**
 * Signs a development session token with the configured shared secret: `iss`, `aud`, the user claim
 * (default `sub`), the role claim when given, `iat`, `nbf`, `exp`. Throws `Error` with a message for
 * the command line when the configuration or the request is refused.
 *
 * @example
 * ```ts
 * const jwt = await mintDevToken(loadConfig({}), { userId: 'alice', ttlSeconds: 3600, now: 1_700_000_000 });
 * ```
 */
export async function mintDevToken(config: Config, request: DevTokenRequest): Promise<string> {
  const { session } = config;
  if (!config.isLocal) throw new Error(`only runs on the local stage (STAGE is "${config.stage}")`);
  if (session.hs256Secret === undefined) {
    throw new Error(
      'needs an HS256 session secret; with SESSION_JWKS_URL, get tokens from your identity provider',
    );
  }
  // The same rule the verifier applies: a token it would refuse is useless, so refuse it here.
  if (!TENCENT_USER_ID.test(request.userId)) {
    throw new Error('userId must be 1-32 characters of A-Z a-z 0-9 _ - (Tencent user id rule)');
  }
  if (request.role !== undefined && !isSessionRole(request.role)) {
    throw new Error('role must be 1-32 characters of A-Z a-z 0-9 _ -');
  }
  if (!Number.isInteger(request.ttlSeconds) || request.ttlSeconds < 1 || request.ttlSeconds > 86_400) {
    throw new Error('ttl must be a whole number of seconds between 1 and 86400');
  }
  const alg = session.algorithms.includes('HS256') ? 'HS256' : (session.algorithms[0] ?? 'HS256');
  const claims: Record<string, string> = { [session.userClaim]: request.userId };
  if (request.role !== undefined) claims[session.roleClaim] = request.role;
  return new SignJWT(claims)
    .setProtectedHeader({ alg, typ: 'JWT' })
    .setIssuer(session.issuer)
    .setAudience(session.audience)
    .setIssuedAt(request.now)
    .setNotBefore(request.now)
    .setExpirationTime(request.now + request.ttlSeconds)
    .sign(new TextEncoder().encode(session.hs256Secret));
}

/**
 * The token request of parsed dev:token arguments. Throws `Error` with a message for the command line.
 *
 * @example
 * ```ts
 * const request = devTokenRequestOf(parseOptions(['alice', '--ttl', '60'], DEV_TOKEN_OPTIONS), now);
 * ```
 */
export function devTokenRequestOf(args: ParsedArgs<typeof DEV_TOKEN_OPTIONS>, now: number): DevTokenRequest {
  const [userId, ...extra] = args.positionals;
  if (userId === undefined || extra.length > 0) throw new Error(USAGE);
  const ttl = args.values.ttl ?? '3600';
  if (!/^\d+$/.test(ttl)) throw new Error('ttl must be a whole number of seconds between 1 and 86400');
  return {
    userId,
    ...(args.values.role === undefined ? {} : { role: args.values.role }),
    ttlSeconds: Number(ttl),
    now,
  };
}

async function main(argv: string[]): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const token = await mintDevToken(
    loadConfig(process.env),
    devTokenRequestOf(parseOptions(argv, DEV_TOKEN_OPTIONS), now),
  );
  // Only the token on stdout, so `$(npm run -s dev:token -- alice)` is usable as is.
  process.stdout.write(`${token}\n`);
}

// Run only as a script, not when a test or the command-line tool imports mintDevToken. In the tool's
// bundle every module shares the bundle's import.meta.url, hence the file name check as well.
const entry = process.argv[1];
if (
  entry !== undefined &&
  import.meta.url.endsWith('/devToken.ts') &&
  import.meta.url === pathToFileURL(realpathSync(entry)).href
) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`dev:token: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
