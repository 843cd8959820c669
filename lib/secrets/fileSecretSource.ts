import { readFile } from 'node:fs/promises';
import type { FetchSecret } from './createSecretCache';
import { SecretInvalidError } from './errors';

/**
 * Options of {@link fileSecretSource}.
 *
 * @example
 * ```ts
 * const options: FileSecretSourceOptions = { path: 'dev-secrets.json', secretId: 'cos' };
 * ```
 */
export interface FileSecretSourceOptions {
  /** Path of a local JSON file. */
  readonly path: string;
  /**
   * When given, the file holds several secrets as `{ "<secretId>": <object or JSON string> }` (the same
   * layout the loopback Secrets Manager of the tests loads) and this entry is returned. When omitted,
   * the whole file is the secret.
   */
  readonly secretId?: string;
}

/**
 * Makes a {@link FetchSecret} that reads a secret from a local JSON file, for local development without
 * AWS. The file is read on every load, so edits are picked up when the cache's TTL expires.
 *
 * Errors name the path (and the entry), never the content.
 *
 * @example
 * ```ts
 * // the whole file is the secret
 * const fetchSecret = fileSecretSource({ path: 'dev-secrets/trtc.json' });
 * // or one entry of a multi-secret file: { "trtc": { "sdkAppId": 1400000000, "secretKey": "..." } }
 * const fetchTrtc = fileSecretSource({ path: 'dev-secrets.json', secretId: 'trtc' });
 * ```
 */
export function fileSecretSource(options: FileSecretSourceOptions): FetchSecret {
  const { path, secretId } = options;
  if (typeof path !== 'string' || path === '') {
    throw new TypeError('fileSecretSource: path must be a non-empty string');
  }
  if (secretId !== undefined && (typeof secretId !== 'string' || secretId === '')) {
    throw new TypeError('fileSecretSource: secretId must be a non-empty string');
  }

  return async () => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      // fs errors carry the path and errno code only, never file content, so the cause is safe to keep.
      const reason = isErrnoCode(error, 'ENOENT') ? 'does not exist' : 'could not be read';
      throw new Error(`secret file "${path}" ${reason}`, { cause: error });
    }
    if (secretId === undefined) return { secretString: text };

    const secretName = `${path}#${secretId}`;
    let secrets: unknown;
    try {
      secrets = JSON.parse(text);
    } catch {
      // The SyntaxError is dropped: its message quotes the file's text.
      throw new SecretInvalidError(`secret file "${path}" is not valid JSON`, { secretName });
    }
    const entry =
      typeof secrets === 'object' &&
      secrets !== null &&
      !Array.isArray(secrets) &&
      Object.hasOwn(secrets, secretId)
        ? (secrets as Record<string, unknown>)[secretId]
        : undefined;
    if (entry === undefined) {
      throw new SecretInvalidError(`secret file "${path}" has no entry "${secretId}"`, { secretName });
    }
    return { secretString: typeof entry === 'string' ? entry : JSON.stringify(entry) };
  };
}

function isErrnoCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}
