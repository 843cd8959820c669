import { createHash, createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import * as v from 'valibot';
import { readRequestBody } from './readRequestBody';

// A loopback stand-in for the AWS Lambda Invoke API (`POST /2015-03-31/functions/{name}/invocations`,
// REST-JSON), driven by the real @aws-sdk/client-lambda. Every request's SigV4 signature is recomputed
// with the SDK's own signer (@smithy/signature-v4) and refused when it differs. A request is answered by
// a local handler, or forwarded byte for byte to another Invoke endpoint (serverless-offline's Lambda
// port, which runs the real function), unless a fault is set. Only `node:http`.

const FaultSchema = v.intersect([
  v.variant('kind', [
    /** Answer (or forward) normally after `ms`. */
    v.object({ kind: v.literal('delay'), ms: v.pipe(v.number(), v.integer(), v.minValue(0)) }),
    /** The function ran and threw: 200, `X-Amz-Function-Error: Unhandled`, an error payload. */
    v.object({ kind: v.literal('functionError') }),
    /** The function answered this payload text (for malformed answers). */
    v.object({ kind: v.literal('answer'), payload: v.string() }),
    /** A Lambda service error: status and `x-amzn-ErrorType`. */
    v.object({
      kind: v.literal('error'),
      status: v.pipe(v.number(), v.integer(), v.minValue(400), v.maxValue(599)),
      type: v.string(),
    }),
    /** Close the connection without answering. */
    v.object({ kind: v.literal('reset') }),
  ]),
  v.object({ times: v.exactOptional(v.pipe(v.number(), v.integer(), v.minValue(1))) }),
]);

/**
 * A misbehaviour of the fake Lambda service, for the next `times` invocations (default: until cleared).
 *
 * @example
 * ```ts
 * fake.setFault({ kind: 'error', status: 429, type: 'TooManyRequestsException', times: 1 });
 * ```
 */
export type FakeLambdaFault = v.InferOutput<typeof FaultSchema>;

/** One invocation the fake received (admin requests are not recorded). */
export interface FakeLambdaCall {
  readonly functionName: string;
  readonly invocationType: string | null;
  /** The request payload, parsed as JSON (`null` when it is not JSON). */
  readonly payload: unknown;
  /** Whether the SigV4 signature matched the one the SDK's signer computes for this request. */
  readonly signatureValid: boolean;
  readonly fault: FakeLambdaFault['kind'] | null;
}

/** A running fake. */
export interface FakeLambda {
  /** The endpoint for the SDK client (`AWS_ENDPOINT_URL_LAMBDA`), e.g. `http://127.0.0.1:49152`. */
  readonly url: string;
  readonly calls: readonly FakeLambdaCall[];
  resetCalls(): void;
  setFault(fault: FakeLambdaFault | null): void;
  close(): Promise<void>;
}

/** Options of {@link startFakeLambda}. */
export interface FakeLambdaOptions {
  /** Functions answered in-process, by name: the handler's result is the payload (JSON). */
  readonly handlers?: Readonly<Record<string, (event: unknown) => unknown>>;
  /** Invocations of other functions are forwarded to this Invoke endpoint (e.g. serverless-offline). */
  readonly forwardTo?: string;
  /** The credentials and region the client signs with. Default `test`/`test`, `us-east-1`. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly region?: string;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
const MAX_BODY_BYTES = 6 * 1024 * 1024;

/** The SigV4 signer's hash: SHA-256, or HMAC-SHA256 with a key (node:crypto, as @smithy/hash-node). */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash =
      secret === undefined
        ? createHash('sha256')
        : createHmac('sha256', typeof secret === 'string' ? secret : Buffer.from(secret as Uint8Array));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : Buffer.from(data as Uint8Array));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

/**
 * Starts a fake Lambda Invoke API on loopback. Admin API for other processes: `POST /__admin/fault` (a
 * fault or `null`), `GET /__admin/calls`, `DELETE /__admin/calls`.
 *
 * @example
 * ```ts
 * const fake = await startFakeLambda({ handlers: { hook: () => ({ allow: false }) } });
 * const client = new LambdaClient({ endpoint: fake.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
 * await client.send(new InvokeCommand({ FunctionName: 'hook', Payload: Buffer.from('{}') }));
 * await fake.close();
 * ```
 */
export async function startFakeLambda(options: FakeLambdaOptions = {}): Promise<FakeLambda> {
  const credentials = options.credentials ?? { accessKeyId: 'test', secretAccessKey: 'test' };
  const region = options.region ?? 'us-east-1';
  const signer = new SignatureV4({ credentials, region, service: 'lambda', sha256: Sha256 });
  const calls: FakeLambdaCall[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let fault: FakeLambdaFault | null = null;
  let usesLeft = Number.POSITIVE_INFINITY;

  const setFault = (next: FakeLambdaFault | null): void => {
    fault = next === null ? null : v.parse(FaultSchema, next);
    usesLeft = fault?.times ?? Number.POSITIVE_INFINITY;
  };
  const takeFault = (): FakeLambdaFault | null => {
    const taken = fault;
    if (taken !== null && --usesLeft <= 0) fault = null;
    return taken;
  };

  /** Recomputes the request's signature with the SDK's signer, over exactly the headers it signed. */
  const signatureMatches = async (request: IncomingMessage, url: URL, body: Buffer): Promise<boolean> => {
    const authorization = request.headers.authorization ?? '';
    const parsed =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/lambda\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
        authorization,
      );
    const amzDate = request.headers['x-amz-date'];
    if (
      parsed === null ||
      typeof amzDate !== 'string' ||
      parsed[1] !== credentials.accessKeyId ||
      parsed[3] !== region
    ) {
      return false;
    }
    const signed = (parsed[4] as string).split(';');
    const headers: Record<string, string> = {};
    for (const name of signed) {
      const value = request.headers[name];
      if (typeof value !== 'string') return false;
      headers[name] = value;
    }
    const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
    if (date === null) return false;
    const [, year, month, day, hour, minute, second] = date.map(Number) as number[];
    const signingDate = new Date(Date.UTC(year as number, (month as number) - 1, day, hour, minute, second));
    const query = Object.fromEntries(url.searchParams);
    const resigned = await signer.sign(
      {
        method: request.method ?? 'POST',
        protocol: 'http:',
        hostname: url.hostname,
        path: url.pathname,
        query,
        headers,
        body,
      },
      { signingDate, signableHeaders: new Set(signed) },
    );
    return resigned.headers.authorization === authorization;
  };

  const invoke = async (
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    functionName: string,
    body: Buffer,
  ): Promise<void> => {
    let payload: unknown = null;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      payload = null;
    }
    const invocationType = (request.headers['x-amz-invocation-type'] as string | undefined) ?? null;
    const signatureValid = await signatureMatches(request, url, body);
    if (!signatureValid) {
      calls.push({ functionName, invocationType, payload, signatureValid, fault: null });
      sendError(
        response,
        403,
        'InvalidSignatureException',
        'The request signature we calculated does not match.',
      );
      return;
    }
    const applied = takeFault();
    calls.push({ functionName, invocationType, payload, signatureValid, fault: applied?.kind ?? null });

    const answer = async (): Promise<void> => {
      if (response.destroyed) return; // the client gave up while we were delaying
      const handler = options.handlers?.[functionName];
      if (handler !== undefined) {
        try {
          sendPayload(response, 200, JSON.stringify(await handler(payload)));
        } catch (error) {
          sendPayload(
            response,
            200,
            JSON.stringify({ errorType: 'Error', errorMessage: String(error) }),
            'Unhandled',
          );
        }
        return;
      }
      if (options.forwardTo === undefined) {
        sendError(response, 404, 'ResourceNotFoundException', `Function not found: ${functionName}`);
        return;
      }
      const forwarded = await fetch(`${options.forwardTo}${url.pathname}`, {
        method: 'POST',
        headers: {
          'x-amz-invocation-type': invocationType ?? 'RequestResponse',
          'content-type': 'application/json',
        },
        body,
      });
      const text = await forwarded.text();
      // serverless-offline marks a thrown error with X-Amz-Function-Error, as Lambda does.
      sendPayload(
        response,
        forwarded.status,
        text,
        forwarded.headers.get('x-amz-function-error') ?? undefined,
      );
    };

    switch (applied?.kind) {
      case undefined:
        await answer();
        return;
      case 'delay': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer().catch(() => response.destroy());
        }, applied.ms);
        timers.add(timer);
        return;
      }
      case 'functionError':
        sendPayload(
          response,
          200,
          JSON.stringify({ errorType: 'Error', errorMessage: 'hook failed' }),
          'Unhandled',
        );
        return;
      case 'answer':
        sendPayload(response, 200, applied.payload);
        return;
      case 'error':
        sendError(response, applied.status, applied.type, 'fault injected by the test');
        return;
      case 'reset':
        request.socket.destroy();
        return;
    }
  };

  const server = createServer((request, response) => {
    readBody(request)
      .then(async (body) => {
        const url = new URL(request.url ?? '/', 'http://127.0.0.1');
        if (url.pathname.startsWith('/__admin/')) {
          handleAdmin(request, response, url.pathname.slice('/__admin/'.length), body.toString('utf8'));
          return;
        }
        const match = INVOKE_PATH.exec(url.pathname);
        if (request.method !== 'POST' || match === null) {
          sendError(response, 404, 'UnknownOperationException', 'Only Invoke is served.');
          return;
        }
        url.hostname = (request.headers.host ?? '').replace(/:\d+$/, '');
        await invoke(request, response, url, decodeURIComponent(match[1] as string), body);
      })
      .catch(() => request.socket.destroy());
  });

  const handleAdmin = (
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
    body: string,
  ): void => {
    try {
      if (path === 'fault' && request.method === 'POST') {
        setFault(JSON.parse(body === '' ? 'null' : body) as FakeLambdaFault | null);
        sendJson(response, 200, { fault });
      } else if (path === 'calls' && request.method === 'GET') {
        sendJson(response, 200, { calls });
      } else if (path === 'calls' && request.method === 'DELETE') {
        calls.length = 0;
        sendJson(response, 200, {});
      } else {
        sendJson(response, 404, { error: `no admin route ${request.method} ${path}` });
      }
    } catch (error) {
      sendJson(response, 400, { error: error instanceof Error ? error.message : String(error) });
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get calls() {
      return [...calls];
    },
    resetCalls: () => {
      calls.length = 0;
    },
    setFault,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return readRequestBody(request, MAX_BODY_BYTES);
}

function sendPayload(response: ServerResponse, status: number, text: string, functionError?: string): void {
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    'x-amz-executed-version': '$LATEST',
    ...(functionError === undefined ? {} : { 'x-amz-function-error': functionError }),
  });
  response.end(text);
}

function sendError(response: ServerResponse, status: number, type: string, message: string): void {
  const text = JSON.stringify({ Type: 'User', message });
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    'x-amzn-errortype': type,
  });
  response.end(text);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
