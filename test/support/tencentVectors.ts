import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';

// Reference vectors produced by Tencent's official libraries (see the file's README field for the
// provenance of each kind). Loaded from the repo's own copy.

export interface TencentVector {
  readonly id: string;
  readonly kind: string;
  readonly inputs: Record<string, unknown>;
  readonly expected: unknown;
  readonly intermediate: Record<string, unknown>;
  readonly alternates?: Record<string, string>;
  readonly source: string;
}

interface VectorFile {
  readonly environment: { readonly nodejs: string; readonly zlib: string };
  readonly vectors: readonly TencentVector[];
}

const file = JSON.parse(
  readFileSync(new URL('../fixtures/tencent-sig-vectors.json', import.meta.url), 'utf8'),
) as VectorFile;

export const vectorEnvironment = file.environment;

/** True when this Node's zlib is the build that produced the vectors, so whole strings must match. */
export const sameZlibAsVectors = process.versions.zlib === file.environment.zlib;

export function vectorsOfKind(...kinds: string[]): TencentVector[] {
  const found = file.vectors.filter((v) => kinds.includes(v.kind));
  if (found.length === 0) throw new Error(`no vectors of kind ${kinds.join(', ')}`);
  return found;
}

/** Inflates a ticket (Tencent-escaped or plain base64) into its JSON object, independently of lib/sign. */
export function inflateTicket(ticket: string): Record<string, unknown> {
  const base64 = ticket.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
  return JSON.parse(inflateSync(Buffer.from(base64, 'base64')).toString('utf8')) as Record<string, unknown>;
}
