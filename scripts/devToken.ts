import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { SignJWT } from 'jose';
import { type OptionTable, type ParsedArgs, parseOptions, renderOptions } from '../cli/options';
import { type Config, loadConfig, requireSessionConfig } from '../lib/config';
import { PolicyError } from '../lib/policy/PolicyError';
import { parseRoomClaim } from '../lib/policy/roomClaims';
import { isSessionRole } from '../lib/session/isSessionRole';
import { TENCENT_USER_ID } from '../lib/session/Principal';

// Prints a session token for local runs, so the service can be tried with curl without an identity
// provider:
//   curl -H "Authorization: Bearer $(npm run -s dev:token -- alice --room 1234 --room lobby=anchor)" ...
// Only for the local stage with an HS256 secret: with a JWKS the tokens come from the real identity
// provider, and a deployed stage must never accept tokens minted from a laptop.

/** The arguments of dev:token (and of `tencent-token-issuer session`, which shares them). */
export const DEV_TOKEN_USAGE = '<userId> [--role <role>] [--room <room>[=<role>]]... [--ttl <seconds>]';

const USAGE = `usage: npm run -s dev:token -- ${DEV_TOKEN_USAGE}   (--help for details)`;

/** The options of dev:token, shared with `tencent-token-issuer session` (one table, one parser). */
export const DEV_TOKEN_OPTIONS = {
  role: {
    type: 'string',
    value: '<role>',
    description:
      'the room role claim (default claim "trtc_role"), e.g. anchor or audience; without it the service applies ROOM_DEFAULT_ROLE (audience)',
  },
  room: {
    type: 'string',
    value: '<room[=role]>',
    multiple: true,
    description:
      'a room the session may enter (the rooms claim, default "trtc_rooms"); repeatable. Digits only name the numeric room (roomId), anything else a string room (strRoomId), which may end with * (any suffix). =<role> is optional and defaults to the session\'s role; a string room holding "=" needs one',
  },
  ttl: {
    type: 'string',
    value: '<seconds>',
    description: 'lifetime of the token, 1-86400 seconds (default 3600)',
  },
} as const satisfies OptionTable;

const HELP = `Mints a development session token that the local service (npm start) accepts.

usage: npm run -s dev:token -- <userId> [options]

  <userId>            the session subject (the user claim, default "sub"); with the default
                      SESSION_USER_ID_MAPPING=exact it must be 1-32 characters of A-Z a-z 0-9 _ -
${renderOptions({ ...DEV_TOKEN_OPTIONS, help: { type: 'boolean', short: 'h', description: 'this text' } }, { minColumn: 22 })}
example: npm run -s dev:token -- alice --room 1234 --room lobby=anchor

Only the token is printed (on stdout), so TOKEN=$(npm run -s dev:token -- alice) works as is.
Works on the local stage with an HS256 session secret only (the development default, or
SESSION_HS256_SECRET); the same SESSION_* settings as npm start apply. Exit codes: 0 ok, 2 bad usage,
1 refused by the configuration.
`;

/** A command-line mistake: printed with the usage line, exit code 2. */
export class UsageError extends Error {}

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
  /** `--room` values, as typed (`1234`, `lobby=anchor`). */
  readonly rooms?: readonly string[];
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
  if (!config.isLocal) throw new Error(`only runs on the local stage (STAGE is "${config.stage}")`);
  const session = requireSessionConfig(config);
  if (session.hs256Secret === undefined) {
    throw new Error(
      'needs an HS256 session secret; with SESSION_JWKS_URL, get tokens from your identity provider',
    );
  }
  // The verifier maps the subject with SESSION_USER_ID_MAPPING; with `exact` (the default) a token it
  // would refuse as unmappable is useless, so refuse it here.
  if (session.userIdMapping === 'exact' && !TENCENT_USER_ID.test(request.userId)) {
    throw new Error('userId must be 1-32 characters of A-Z a-z 0-9 _ - (Tencent user id rule)');
  }
  if (request.role !== undefined && !isSessionRole(request.role)) {
    throw new Error('role must be 1-32 characters of A-Z a-z 0-9 _ -');
  }
  if (!Number.isInteger(request.ttlSeconds) || request.ttlSeconds < 1 || request.ttlSeconds > 86_400) {
    throw new Error('ttl must be a whole number of seconds between 1 and 86400');
  }
  const alg = session.algorithms.includes('HS256') ? 'HS256' : (session.algorithms[0] ?? 'HS256');
  const claims: Record<string, unknown> = { [session.userClaim]: request.userId };
  if (request.role !== undefined) claims[session.roleClaim] = request.role;
  if (request.rooms !== undefined && request.rooms.length > 0) {
    if (!config.rooms.policy.includes('claims')) {
      throw new Error('--room needs the claims kind in ROOM_POLICY (the service would ignore the rooms)');
    }
    claims[config.rooms.claim] = roomsClaim(request.rooms);
  }
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
 * The rooms claim for `--room` values: digits only name a numeric room, anything else a string room;
 * `=ROLE` (after the last `=`) is optional. Checked with the service's own claim reader, so a token the
 * service would refuse is never printed.
 *
 * @example
 * ```ts
 * roomsClaim(['1234', 'lobby=anchor']); // [1234, { strRoomId: 'lobby', role: 'anchor' }]
 * ```
 */
export function roomsClaim(values: readonly string[]): unknown[] {
  return values.map((value) => {
    const at = value.lastIndexOf('=');
    const room = at === -1 ? value : value.slice(0, at);
    const role = at === -1 ? undefined : value.slice(at + 1);
    if (role !== undefined && !isSessionRole(role)) {
      throw new Error(`--room ${value}: the role after = must be 1-32 characters of A-Z a-z 0-9 _ -`);
    }
    let entry: unknown;
    if (/^\d+$/.test(room)) {
      if (room.startsWith('0') || Number(room) > 4_294_967_294) {
        throw new Error(`--room ${value}: a numeric room is 1 to 4294967294, without leading zeros`);
      }
      entry = role === undefined ? Number(room) : { roomId: Number(room), role };
    } else {
      entry = role === undefined ? room : { strRoomId: room, role };
    }
    try {
      parseRoomClaim([entry]);
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      const why = error.message.replace(/^.*malformed: entry 0 (strRoomId )?/, '');
      throw new Error(`--room ${value}: a string room ${why}, 1-64 characters, with an optional trailing *`);
    }
    return entry;
  });
}

/**
 * The token request of parsed dev:token arguments (the parser is `parseOptions` with
 * {@link DEV_TOKEN_OPTIONS}). Throws {@link UsageError} for a missing user id or a malformed ttl.
 *
 * @example
 * ```ts
 * const request = devTokenRequestOf(parseOptions(['alice', '--ttl', '60'], DEV_TOKEN_OPTIONS), now);
 * ```
 */
export function devTokenRequestOf(args: ParsedArgs<typeof DEV_TOKEN_OPTIONS>, now: number): DevTokenRequest {
  const [userId, ...extra] = args.positionals;
  if (userId === undefined || extra.length > 0) throw new UsageError(USAGE);
  const ttl = args.values.ttl ?? '3600';
  if (!/^\d+$/.test(ttl)) throw new UsageError('ttl must be a whole number of seconds between 1 and 86400');
  return {
    userId,
    ...(args.values.role === undefined ? {} : { role: args.values.role }),
    ...(args.values.room === undefined ? {} : { rooms: args.values.room }),
    ttlSeconds: Number(ttl),
    now,
  };
}

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  let args: ParsedArgs<typeof DEV_TOKEN_OPTIONS>;
  try {
    args = parseOptions(argv, DEV_TOKEN_OPTIONS);
  } catch (error) {
    // The parser names the unknown option; its message never holds a secret.
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  const token = await mintDevToken(
    loadConfig(process.env),
    devTokenRequestOf(args, Math.floor(Date.now() / 1000)),
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
    process.exitCode = error instanceof UsageError ? 2 : 1;
  });
}
