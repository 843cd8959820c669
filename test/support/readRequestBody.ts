import type { IncomingMessage } from 'node:http';

/**
 * The whole body of a request to one of the loopback fakes, refused (rejected) above `maxBytes` so that
 * a runaway client cannot exhaust the test process.
 *
 * @example
 * ```ts
 * const text = (await readRequestBody(request, 1024 * 1024)).toString('utf8');
 * ```
 */
export function readRequestBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) reject(new Error('body too large'));
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
