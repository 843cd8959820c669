import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { ACCOUNT_CHECK_PATH } from '../../lib/im/accountCheck';
import { decodeUserSig, type UserSigDocument } from '../../lib/sign';
import { readRequestBody } from './readRequestBody';

// A loopback stand-in for Tencent's IM REST API, enough of it for `account_check`: the call that proves
// whether Tencent accepts an app key. It checks the admin userSig the way Tencent does, by recomputing its
// signature with the official libraries' own code (tls-sig-api-v2's HMAC for v2 tickets, tls-sig-api's
// ECDSA verification for v1), and answers with Tencent's error codes. Only node:http.

const require = createRequire(import.meta.url);
type V2Api = {
  _hmacsha256(identifier: string, time: number, expire: number, userBuf?: string | null): string;
};
const OfficialV2 = (require('tls-sig-api-v2') as { Api: new (sdkAppId: number, key: string) => V2Api }).Api;
type V1Sig = { verifySig(sig: string, identifier: string): boolean };
const OfficialV1 = (
  require('tls-sig-api') as {
    Sig: new (config: {
      sdk_appid: number;
      expire_after: number;
      private_key_string: string;
      public_key_string: string;
    }) => V1Sig;
  }
).Sig;

/**
 * One app the fake knows. `secretKey` (v2) or `publicKeyPem` (v1) is the key Tencent holds; with
 * neither, logins get 70016 (no key). `disabled` gives 60016.
 *
 * @example
 * ```ts
 * const app: FakeImApp = { sdkAppId: 1400000000, secretKey: 'current-key', adminUserIds: ['administrator'] };
 * ```
 */
export interface FakeImApp {
  readonly sdkAppId: number;
  readonly secretKey?: string;
  readonly publicKeyPem?: string;
  readonly disabled?: boolean;
  /** Accounts that `account_check` reports as imported. */
  readonly importedUserIds?: readonly string[];
}

/**
 * A misbehaviour: `errorCode` answers HTTP 200 with that Tencent code (e.g. 70050 rate limiting); `status`
 * answers an HTTP error; `delay` answers late; `reset` drops the connection; `notJson` answers HTML.
 *
 * @example
 * ```ts
 * fake.setFault({ kind: 'errorCode', errorCode: 70050, times: 1 });
 * ```
 */
export type FakeImRestFault = (
  | { readonly kind: 'errorCode'; readonly errorCode: number }
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'reset' }
  | { readonly kind: 'notJson' }
) & { readonly times?: number };

/**
 * One request the fake answered (never the userSig itself).
 *
 * @example
 * ```ts
 * expect(fake.calls.at(-1)).toMatchObject({ sdkAppId: 1400000000, errorCode: 0 });
 * ```
 */
export interface FakeImRestCall {
  readonly path: string;
  readonly sdkAppId: number | null;
  readonly identifier: string | null;
  /** The Tencent code answered, or `null` when a transport fault answered instead. */
  readonly errorCode: number | null;
}

/**
 * A running fake IM REST API.
 *
 * @example
 * ```ts
 * const fake = await startFakeImRest({ apps: [{ sdkAppId: 1400000000, secretKey: 'k' }] });
 * await accountCheck({ endpoint: fake.url, ... });
 * await fake.close();
 * ```
 */
export interface FakeImRest {
  /** The endpoint, e.g. `http://127.0.0.1:49152` (use it as the IM REST endpoint). */
  readonly url: string;
  /** Adds or replaces an app (a key change in the console takes effect at once, as at Tencent). */
  setApp(app: FakeImApp): void;
  setFault(fault: FakeImRestFault | null): void;
  readonly calls: readonly FakeImRestCall[];
  resetCalls(): void;
  close(): Promise<void>;
}

/**
 * Options of {@link startFakeImRest}.
 *
 * @example
 * ```ts
 * await startFakeImRest({ apps: [], now: () => 1_700_000_000_000 });
 * ```
 */
export interface FakeImRestOptions {
  readonly apps?: readonly FakeImApp[];
  /** The clock for expiry checks, in ms. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Starts the fake on a free loopback port. Checks, in Tencent's order: the app exists (60006) and is
 * enabled (60016), the ticket decodes (70003), has a key to check against (70016), names this app (70014)
 * and this identifier (70013), has not expired (70001), and its signature recomputes (70009).
 *
 * @example
 * ```ts
 * const fake = await startFakeImRest({ apps: [{ sdkAppId: 1400000000, secretKey: 'k' }] });
 * ```
 */
export async function startFakeImRest(options: FakeImRestOptions = {}): Promise<FakeImRest> {
  const now = options.now ?? Date.now;
  const apps = new Map<number, FakeImApp>();
  for (const app of options.apps ?? []) apps.set(app.sdkAppId, app);
  const calls: FakeImRestCall[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let fault: FakeImRestFault | null = null;
  let faultUsesLeft = Number.POSITIVE_INFINITY;

  function setApp(app: FakeImApp): void {
    apps.set(app.sdkAppId, app);
  }
  function setFault(next: FakeImRestFault | null): void {
    fault = next;
    faultUsesLeft = next?.times ?? Number.POSITIVE_INFINITY;
  }

  const takeFault = (): FakeImRestFault | null => {
    if (fault === null) return null;
    const current = fault;
    faultUsesLeft -= 1;
    if (faultUsesLeft <= 0) fault = null;
    return current;
  };

  const loginCode = (url: URL): number => {
    const sdkAppId = Number(url.searchParams.get('sdkappid'));
    const identifier = url.searchParams.get('identifier') ?? '';
    const userSig = url.searchParams.get('usersig') ?? '';
    const app = apps.get(sdkAppId);
    if (app === undefined) return 60006;
    if (app.disabled === true) return 60016;
    let doc: UserSigDocument;
    try {
      doc = decodeUserSig(userSig);
    } catch {
      return 70003;
    }
    const key = doc.version === 2 ? app.secretKey : app.publicKeyPem;
    if (app.secretKey === undefined && app.publicKeyPem === undefined) return 70016;
    // A ticket of the other generation cannot verify against the key Tencent holds.
    if (key === undefined) return 70009;
    if (doc.sdkAppId !== sdkAppId) return 70014;
    if (doc.userId !== identifier) return 70013;
    if (Math.floor(now() / 1000) > doc.expiresAt) return 70001;
    return signatureRecomputes(doc, userSig, app, key) ? 0 : 70009;
  };

  const answer = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://fake');
    const body = await readBody(request);
    if (url.pathname.startsWith('/__admin/')) {
      // For tests in other processes: POST apps (a FakeImApp) or fault (a fault or null), GET or DELETE calls.
      const path = `${request.method} ${url.pathname.slice(9)}`;
      if (path === 'POST apps') setApp(JSON.parse(body) as FakeImApp);
      else if (path === 'POST fault') setFault(JSON.parse(body || 'null') as FakeImRestFault | null);
      else if (path === 'DELETE calls') calls.length = 0;
      else if (path !== 'GET calls') {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ calls }));
      return;
    }
    const record = (errorCode: number | null): void => {
      calls.push({
        path: url.pathname,
        sdkAppId: Number(url.searchParams.get('sdkappid')) || null,
        identifier: url.searchParams.get('identifier'),
        errorCode,
      });
    };
    const current = takeFault();
    if (current?.kind === 'reset') {
      record(null);
      request.socket.destroy();
      return;
    }
    if (current?.kind === 'delay') {
      await new Promise<void>((done) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          done();
        }, current.ms);
        timers.add(timer);
      });
    }
    if (current?.kind === 'status') {
      record(null);
      response.writeHead(current.status, { 'content-type': 'text/plain' }).end('upstream error');
      return;
    }
    if (current?.kind === 'notJson') {
      record(null);
      response.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>');
      return;
    }
    if (request.method !== 'POST' || url.pathname !== ACCOUNT_CHECK_PATH) {
      record(null);
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    let code = current?.kind === 'errorCode' ? current.errorCode : loginCode(url);
    let items: { UserID: string }[] = [];
    if (code === 0) {
      try {
        const parsed = JSON.parse(body) as { CheckItem?: unknown };
        if (!Array.isArray(parsed.CheckItem)) throw new TypeError('CheckItem');
        items = parsed.CheckItem as { UserID: string }[];
      } catch {
        code = 90001; // IM REST: the JSON body could not be parsed.
      }
    }
    record(code);
    const imported = new Set(apps.get(Number(url.searchParams.get('sdkappid')))?.importedUserIds ?? []);
    const reply =
      code === 0
        ? {
            ActionStatus: 'OK',
            ErrorCode: 0,
            ErrorInfo: '',
            ResultItem: items.map(({ UserID }) => ({
              UserID,
              ResultCode: 0,
              ResultInfo: '',
              AccountStatus: imported.has(UserID) ? 'Imported' : 'NotImported',
            })),
          }
        : { ActionStatus: 'FAIL', ErrorCode: code, ErrorInfo: `fake IM REST error ${code}` };
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
  };

  const server = createServer((request, response) => {
    answer(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    setApp,
    setFault,
    calls,
    resetCalls: () => {
      calls.length = 0;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

function signatureRecomputes(doc: UserSigDocument, userSig: string, app: FakeImApp, key: string): boolean {
  if (doc.version === 1) {
    const official = new OfficialV1({
      sdk_appid: app.sdkAppId,
      expire_after: doc.expire,
      private_key_string: '',
      public_key_string: key,
    });
    return official.verifySig(userSig, doc.userId);
  }
  const userBuf = doc.fields['TLS.userbuf'];
  const mac = new OfficialV2(doc.sdkAppId, key)._hmacsha256(
    doc.userId,
    doc.time,
    doc.expire,
    typeof userBuf === 'string' ? userBuf : null,
  );
  return mac === doc.fields['TLS.sig'];
}

async function readBody(request: IncomingMessage): Promise<string> {
  return (await readRequestBody(request, 1024 * 1024)).toString('utf8');
}
