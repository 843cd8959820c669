import { ConfigError, loadConfig } from '../../lib/config';
import { describeUserSig, type UserSigView } from '../../lib/diagnose/describeUserSig';
import { roomLabel } from '../../lib/diagnose/diagnoseUserSig';
import { maskId } from '../../lib/diagnose/explainCosRequest';
import { parseCosAuthorization } from '../../lib/diagnose/parseCosAuthorization';
import { decodeUserSig, SignError } from '../../lib/sign';
import { mintDevToken } from '../../scripts/devToken';
import type { CliContext } from '../CliContext';
import { CliError, EXIT } from '../CliError';
import { JSON_OPTION } from '../commonOptions';
import { defineCommand } from '../defineCommand';
import { isoTime, json, table, when } from '../format';
import { readFileArgument } from '../readArgument';
import { renderTicket } from '../renderTicket';
import { parseHeader, parseInteger } from '../values';

const ROUTES = {
  usersig: '/v1/usersig',
  privatemapkey: '/v1/privatemapkey',
  'cos-sign': '/v1/cos/sign',
} as const;
type RouteName = keyof typeof ROUTES;
/** The variable `call` reads a session token from when no --token-file is given. */
export const SESSION_TOKEN_ENV = 'SESSION_TOKEN';
const TIMEOUT_MS = 10_000;
const CLOCK_SKEW_WARNING = 60;

type Check = readonly ['ok' | 'FAIL' | 'warn', string];

/** `call <route>`: the smoke test of a deployment. */
export const callCommand = defineCommand({
  name: 'call',
  summary: 'call the local or a deployed service with a session and show the token it issues, decoded',
  usage: 'call usersig|privatemapkey|cos-sign [--url URL] [--token-file FILE] [request options] [--json]',
  description: `POSTs to a token route as an app would, decodes the token in the answer and checks it against the rest of the answer (user, SDKAppID, expiry, room, privileges): the smoke test after a deploy. The session token comes from --token-file, or ${SESSION_TOKEN_ENV}, or else is minted locally like dev:token (local stage only; --user, --role; a privatemapkey session claims the room it asks for). The token is sent only over https (http only to this machine), redirects are not followed, and neither the session nor the issued token is printed (--json prints the issued token).`,
  options: {
    url: { type: 'string', value: 'URL', description: 'the service (default http://localhost:3000)' },
    'token-file': { type: 'string', value: 'FILE', description: 'the session token; - reads standard input' },
    user: {
      type: 'string',
      value: 'ID',
      description: 'the user of a locally minted session (default smoke-test)',
    },
    role: { type: 'string', value: 'ROLE', description: 'the role of a locally minted session' },
    body: { type: 'string', value: 'JSON', description: 'the request body as JSON, or @FILE' },
    expire: { type: 'string', value: 'SECONDS', description: 'the expire field of the body' },
    'room-id': { type: 'string', value: 'N', description: 'privatemapkey: the numeric room' },
    'str-room-id': { type: 'string', value: 'ROOM', description: 'privatemapkey: the string room' },
    privilege: {
      type: 'string',
      value: 'NAME',
      multiple: true,
      description: 'privatemapkey: a privilege (repeatable)',
    },
    method: { type: 'string', value: 'METHOD', description: 'cos-sign: the method to sign (default GET)' },
    'object-key': {
      type: 'string',
      value: 'KEY',
      description: 'cos-sign: the object key (under users/<user>/)',
    },
    header: {
      type: 'string',
      value: '"NAME: VALUE"',
      multiple: true,
      description: 'cos-sign: a header to sign',
    },
    ...JSON_OPTION,
  },
  positionals: { min: 1, max: 1 },
  exitStatus:
    '0 issued and consistent, 1 an error answer or an inconsistent token, 2 bad input, 3 unreachable',
  run: async ({ values, positionals }, context) => {
    const route = routeOf(positionals[0]);
    const url = serviceUrl(values.url ?? 'http://localhost:3000', ROUTES[route]);
    const body = await requestBody(route, values, context);
    const token = await sessionToken(values, context, roomOfBody(body));
    const now = Math.floor(context.now() / 1000);
    let response: Response;
    let text: string;
    try {
      response = await context.fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      text = await response.text();
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      const reason = cause instanceof Error ? ((cause as { code?: string }).code ?? cause.name) : 'error';
      throw new CliError('UNAVAILABLE', `could not reach ${url} (${reason})`);
    }
    const answer = parseJson(text);
    if (response.status !== 200) {
      const error = (answer as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      const described =
        typeof error?.code === 'string'
          ? `${error.code}: ${String(error.message ?? '')}`
          : response.status >= 300 && response.status < 400
            ? 'a redirect (not followed: the session token would go along)'
            : "not the service's error shape";
      context.stdout(
        values.json === true
          ? json({ url, status: response.status, body: answer ?? null })
          : `POST ${url} -> ${response.status}\n  ${described}\n`,
      );
      return EXIT.FAILED;
    }
    if (typeof answer !== 'object' || answer === null) {
      context.stdout(`POST ${url} -> 200, but the body is not a JSON object\n`);
      return EXIT.FAILED;
    }
    const fields = answer as Record<string, unknown>;
    const { output, checks } = describeAnswer(route, fields, now);
    checks.push(...clockChecks(fields, now));
    const consistent = checks.every(([outcome]) => outcome !== 'FAIL');
    if (values.json === true) {
      context.stdout(json({ url, status: 200, body: fields, checks }));
    } else {
      const checkRows = checks.map(([outcome, message]) => [outcome, message] as [string, string]);
      context.stdout(`POST ${url} -> 200\n${output}checks\n${table(checkRows, '  ')}`);
    }
    return consistent ? EXIT.OK : EXIT.FAILED;
  },
});

function routeOf(name: string | undefined): RouteName {
  const key = (name ?? '').replace(/^\/v1\//, '').replace('cos/sign', 'cos-sign');
  if (!Object.hasOwn(ROUTES, key)) {
    throw new CliError('USAGE', `the route must be one of ${Object.keys(ROUTES).join(', ')}`);
  }
  return key as RouteName;
}

function serviceUrl(base: string, path: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new CliError(
      'USAGE',
      '--url must be a URL such as https://abc123.execute-api.ap-southeast-1.amazonaws.com',
    );
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  // The session token is a bearer credential: only over TLS, or to this machine.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new CliError(
      'USAGE',
      '--url must be https (http only to localhost): the session token travels with the call',
    );
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new CliError(
      'USAGE',
      "--url must be the service's base URL, without credentials, query or fragment",
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}${path}`;
}

async function requestBody(
  route: RouteName,
  values: {
    body?: string | undefined;
    expire?: string | undefined;
    'room-id'?: string | undefined;
    'str-room-id'?: string | undefined;
    privilege?: string[] | undefined;
    method?: string | undefined;
    'object-key'?: string | undefined;
    header?: string[] | undefined;
  },
  context: CliContext,
): Promise<Record<string, unknown>> {
  let body: Record<string, unknown> = {};
  if (values.body !== undefined) {
    const text = values.body.startsWith('@')
      ? await readFileArgument(values.body.slice(1), context, 'body file')
      : values.body;
    const parsed = parseJson(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new CliError('USAGE', '--body must be a JSON object');
    }
    body = parsed as Record<string, unknown>;
  }
  const set = (field: string, value: unknown, option: string) => {
    if (value === undefined) return;
    if (Object.hasOwn(body, field)) throw new CliError('USAGE', `${option} and the body both set ${field}`);
    body[field] = value;
  };
  const only = (allowed: RouteName, options: readonly string[]) => {
    const wrong = options.find((option) => values[option as keyof typeof values] !== undefined);
    if (route !== allowed && wrong !== undefined) throw new CliError('USAGE', `--${wrong} is for ${allowed}`);
  };
  only('privatemapkey', ['room-id', 'str-room-id', 'privilege']);
  only('cos-sign', ['method', 'object-key', 'header']);
  set(
    'expire',
    values.expire === undefined ? undefined : parseInteger(values.expire, '--expire', 0, 15_552_000),
    '--expire',
  );
  set(
    'roomId',
    values['room-id'] === undefined ? undefined : parseInteger(values['room-id'], '--room-id', 0, 2 ** 32),
    '--room-id',
  );
  set('strRoomId', values['str-room-id'], '--str-room-id');
  set('privileges', values.privilege, '--privilege');
  if (route === 'cos-sign') {
    set('method', values.method ?? (Object.hasOwn(body, 'method') ? undefined : 'GET'), '--method');
    set('key', values['object-key'], '--object-key');
    if (values.header !== undefined) {
      set(
        'headers',
        Object.fromEntries(values.header.map((text) => parseHeader(text, '--header'))),
        '--header',
      );
    }
    if (!Object.hasOwn(body, 'key'))
      throw new CliError('USAGE', 'cos-sign needs --object-key (or "key" in the body)');
  }
  if (route === 'privatemapkey' && !Object.hasOwn(body, 'roomId') && !Object.hasOwn(body, 'strRoomId')) {
    throw new CliError('USAGE', 'privatemapkey needs --room-id or --str-room-id (or a room in the body)');
  }
  return body;
}

/**
 * The room a privatemapkey body asks for, in dev:token's `--room` notation (digits: the numeric room), so
 * a locally minted session claims it (the room policy denies rooms the session does not name). A string
 * room of digits only, or one holding "=", cannot be written so: such a call needs --token-file.
 */
function roomOfBody(body: Record<string, unknown>): string | undefined {
  if (typeof body.roomId === 'number') return String(body.roomId);
  const room = body.strRoomId;
  return typeof room === 'string' && !/^\d+$/.test(room) && !room.includes('=') ? room : undefined;
}

async function sessionToken(
  values: { 'token-file'?: string | undefined; user?: string | undefined; role?: string | undefined },
  context: CliContext,
  room: string | undefined,
): Promise<string> {
  if (values['token-file'] !== undefined) {
    const token = (await readFileArgument(values['token-file'], context, 'token file')).trim();
    if (token === '') throw new CliError('BAD_INPUT', 'the token file is empty');
    return token;
  }
  const fromEnv = context.env[SESSION_TOKEN_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv.trim();
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(context.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError('BAD_INPUT', error.message);
    throw error;
  }
  try {
    return await mintDevToken(config, {
      userId: values.user ?? 'smoke-test',
      ...(values.role === undefined ? {} : { role: values.role }),
      ...(room === undefined ? {} : { rooms: [room] }),
      ttlSeconds: 300,
      now: Math.floor(context.now() / 1000),
    });
  } catch (error) {
    if (error instanceof Error && error.name === 'Error') {
      throw new CliError(
        'BAD_INPUT',
        `no session token (--token-file or ${SESSION_TOKEN_ENV}), and none can be minted: ${error.message}`,
      );
    }
    throw error;
  }
}

function describeAnswer(
  route: RouteName,
  fields: Record<string, unknown>,
  now: number,
): { output: string; checks: Check[] } {
  if (route === 'cos-sign') return describeCos(fields, now);
  const ticketField = route === 'usersig' ? 'userSig' : 'privateMapKey';
  const ticket = fields[ticketField];
  if (typeof ticket !== 'string')
    return { output: '', checks: [['FAIL', `the answer has no ${ticketField}`]] };
  let view: UserSigView;
  try {
    view = describeUserSig(decodeUserSig(ticket));
  } catch (error) {
    if (error instanceof SignError)
      return { output: '', checks: [['FAIL', `${ticketField} does not decode: ${error.message}`]] };
    throw error;
  }
  const checks: Check[] = [
    same('user id', view.userId, fields.userId),
    same('SDKAppID', view.sdkAppId, fields.sdkAppId),
    same('expiry', view.expiresAt, fields.expiresAt),
  ];
  if (route === 'privatemapkey') {
    if (view.privateMap === undefined) {
      checks.push(['FAIL', 'the privateMapKey names no room (its userbuf is not a room permission)']);
    } else {
      const answered =
        typeof fields.roomId === 'number'
          ? { roomId: fields.roomId }
          : { strRoomId: String(fields.strRoomId) };
      checks.push(
        same('room', roomLabel(view.privateMap.room), roomLabel(answered)),
        same('privilege map', view.privateMap.privilegeMap, fields.privilegeMap),
        same('room expiry', view.privateMap.expiresAt, fields.expiresAt),
        view.privateMap.matchesTicket
          ? ['ok', "the room permission names the ticket's own user and SDKAppID"]
          : ['FAIL', 'the room permission names another user or SDKAppID'],
      );
    }
  }
  return { output: renderTicket(view, now), checks };
}

function describeCos(fields: Record<string, unknown>, now: number): { output: string; checks: Check[] } {
  if (fields.version === 'v4') {
    const rows: [string, string][] = [
      ['type', String(fields.type)],
      ['object', String(fields.key)],
      [
        'expires',
        typeof fields.expiresAt === 'number' ? when(fields.expiresAt, now) : String(fields.expiresAt),
      ],
    ];
    return {
      output: `COS v4 signature\n${table(rows, '  ')}`,
      checks: [
        typeof fields.signature === 'string'
          ? ['ok', 'a v4 signature was issued']
          : ['FAIL', 'no signature in the answer'],
      ],
    };
  }
  const authorization = typeof fields.authorization === 'string' ? fields.authorization : '';
  const parsed = parseCosAuthorization(authorization);
  const auth = parsed.fields;
  if (auth === undefined)
    return {
      output: '',
      checks: [['FAIL', `the authorization cannot be read: ${parsed.problems.join('; ')}`]],
    };
  const rows: [string, string][] = [
    ['request', `${String(fields.method)} ${String(fields.url)}`],
    ['q-ak', maskId(auth.secretId)],
    ['valid', `${isoTime(auth.signTime.start)} to ${when(auth.signTime.end, now)}`],
    ['q-header-list', auth.headerList.join(';') || '(none)'],
    ['q-url-param-list', auth.urlParamList.join(';') || '(none)'],
    [
      'send headers',
      Object.entries((fields.headers as Record<string, string>) ?? {})
        .map(([n, v]) => `${n}: ${v}`)
        .join('\n'),
    ],
  ];
  const checks: Check[] = [
    parsed.problems.length === 0
      ? ['ok', 'the authorization is well formed']
      : ['FAIL', parsed.problems.join('; ')],
    same('expiry', auth.signTime.end, fields.expiresAt),
    auth.headerList.includes('host')
      ? ['ok', 'the Host header is signed']
      : ['FAIL', 'the Host header is not signed'],
  ];
  return { output: `COS v5 Authorization\n${table(rows, '  ')}`, checks };
}

function clockChecks(fields: Record<string, unknown>, now: number): Check[] {
  if (typeof fields.serverTime !== 'number') return [];
  const skew = fields.serverTime - now;
  return Math.abs(skew) > CLOCK_SKEW_WARNING
    ? [
        [
          'warn',
          `the service's clock is ${skew} s off this machine's (serverTime ${isoTime(fields.serverTime)})`,
        ],
      ]
    : [['ok', `the service's clock agrees with this machine's (within ${CLOCK_SKEW_WARNING} s)`]];
}

function same(what: string, inToken: unknown, inAnswer: unknown): Check {
  // Times are shown as times.
  const show = (value: unknown) =>
    what.includes('expiry') && typeof value === 'number' ? isoTime(value) : String(value);
  return inToken === inAnswer
    ? ['ok', `the token's ${what} is the answer's (${show(inToken)})`]
    : ['FAIL', `the token's ${what} is ${show(inToken)}, the answer says ${show(inAnswer)}`];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
