import { createPublicKey } from 'node:crypto';
import { SecretInvalidError } from '../lib/secrets/errors';
import { parseSecret } from '../lib/secrets/parseSecret';
import { TrtcSecretSchema } from '../lib/secrets/secretSchemas';
import { SignError } from '../lib/sign';
import { loadPrivateKey, loadPublicKey } from '../lib/sign/ecKeys';
import type { CliContext } from './CliContext';
import { CliError } from './CliError';
import type { OptionTable, OptionValues } from './options';
import { readFileArgument } from './readArgument';
import { exclusive, parseInteger } from './values';

// Where the TRTC/IM keys of a command come from: a file, AWS Secrets Manager, or the environment.
// Never from the command line itself, where every user of the machine can read them in the process
// list. Whatever the source, the key text is never printed.

/** The environment variables read when no key option is given. */
export const TRTC_KEY_ENV = Object.freeze({
  secretKey: 'TRTC_SDK_SECRET_KEY',
  privateKeyPem: 'TRTC_PRIVATE_KEY_PEM',
  sdkAppId: 'TRTC_SDK_APP_ID',
});

/** The key options shared by every TRTC command. */
export const TRTC_KEY_OPTIONS = {
  'key-file': {
    type: 'string',
    value: 'FILE',
    description:
      'the key: a TRTC secret as the service stores it ({ "sdkAppId", "secretKey", "privateKeyPem"? }), a v1 PEM private key, or a file holding only the v2 key; - reads standard input',
  },
  key: { type: 'string', value: 'FILE', description: 'the same as --key-file' },
  'secret-id': {
    type: 'string',
    value: 'ID',
    description: 'read the TRTC secret from AWS Secrets Manager (the usual AWS credentials)',
  },
  'aws-region': {
    type: 'string',
    value: 'REGION',
    description: 'the region of --secret-id (default AWS_REGION)',
  },
  'sdk-app-id': {
    type: 'string',
    value: 'ID',
    description: `the SDKAppID (default: the secret's, or ${TRTC_KEY_ENV.sdkAppId})`,
  },
} as const satisfies OptionTable;

/** The help paragraph on key sources. */
export const TRTC_KEY_HELP = `Keys come from --key-file, --secret-id, or else the environment: ${TRTC_KEY_ENV.secretKey} (the v2 key), ${TRTC_KEY_ENV.privateKeyPem} (the v1 PEM), ${TRTC_KEY_ENV.sdkAppId}. They are never taken from the command line and never printed.`;

/**
 * The keys found, and where from (`origin`, for messages: a path, a secret id or variable names).
 *
 * @example
 * ```ts
 * const keys: TrtcKeys = { sdkAppId: 1400000000, secretKey: '…', origin: 'key file "trtc.json"' };
 * ```
 */
export interface TrtcKeys {
  readonly sdkAppId?: number;
  readonly secretKey?: string;
  readonly privateKeyPem?: string;
  readonly publicKeyPem?: string;
  readonly origin: string;
}

type KeyValues = Partial<OptionValues<typeof TRTC_KEY_OPTIONS>>;

/**
 * Loads the TRTC keys named by the options, or from the environment. `--sdk-app-id` fills in or must
 * agree with the secret's SDKAppID. With `optional`, finding no key at all is not an error (the
 * caller has another source, such as `verify --public-key`).
 *
 * @throws {CliError} `USAGE` for conflicting options, `BAD_INPUT` for no key, an unreadable file or an
 * invalid secret, `UNAVAILABLE` when Secrets Manager cannot be reached.
 *
 * @example
 * ```ts
 * const keys = await loadTrtcKeys(values, context);
 * if (keys.secretKey === undefined) throw new CliError('BAD_INPUT', 'a v2 key is needed');
 * ```
 */
export async function loadTrtcKeys(
  values: KeyValues,
  context: CliContext,
  { optional = false }: { optional?: boolean } = {},
): Promise<TrtcKeys> {
  exclusive(values, ['key-file', 'key', 'secret-id']);
  const keyFile = values['key-file'] ?? values.key;
  let keys: TrtcKeys;
  if (keyFile !== undefined) {
    const text = await readFileArgument(keyFile, context, 'key file', { secret: true });
    keys = keysOfText(text, keyFile === '-' ? 'standard input' : `key file "${keyFile}"`, keyFile);
  } else if (values['secret-id'] !== undefined) {
    const secretId = values['secret-id'];
    keys = jsonKeys(
      await context.readSecret(secretId, values['aws-region']),
      `secret "${secretId}"`,
      secretId,
    );
  } else {
    keys = environmentKeys(context.env, optional);
  }
  const given =
    values['sdk-app-id'] === undefined
      ? undefined
      : parseInteger(values['sdk-app-id'], '--sdk-app-id', 1, 4_294_967_295);
  if (given !== undefined && keys.sdkAppId !== undefined && given !== keys.sdkAppId) {
    throw new CliError(
      'USAGE',
      `--sdk-app-id ${given} differs from the SDKAppID ${keys.sdkAppId} of ${keys.origin}`,
    );
  }
  const sdkAppId = given ?? keys.sdkAppId;
  return { ...keys, ...(sdkAppId === undefined ? {} : { sdkAppId }) };
}

/**
 * Reads a public key file for v1 checks: an SPKI PEM, or a private key PEM (its public half is used).
 *
 * @example
 * ```ts
 * const publicKeyPem = await loadPublicKeyFile('public_key', context);
 * ```
 */
export async function loadPublicKeyFile(path: string, context: CliContext): Promise<string> {
  const text = await readFileArgument(path, context, 'public key file', { secret: true });
  // The file exists: its path is a path, not a mistyped key.
  const keys = keysOfText(text, `public key file "${path}"`, path);
  const pem = keys.publicKeyPem;
  if (pem === undefined) throw new CliError('BAD_INPUT', 'the public key file holds no PEM key');
  return pem;
}

function keysOfText(text: string, origin: string, secretName: string): TrtcKeys {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return jsonKeys(text, origin, secretName);
  if (trimmed.startsWith('-----BEGIN')) return pemKeys(trimmed, origin);
  // A file holding only the v2 key: its final line break is not part of the key.
  const secretKey = text.replace(/\r?\n$/, '');
  if (secretKey === '') throw new CliError('BAD_INPUT', `${origin} is empty`);
  return { secretKey, origin };
}

function jsonKeys(text: string, origin: string, secretName: string): TrtcKeys {
  try {
    const secret = parseSecret(TrtcSecretSchema, text, secretName);
    return {
      sdkAppId: secret.sdkAppId,
      secretKey: secret.secretKey,
      ...(secret.privateKeyPem === undefined ? {} : pemKeys(secret.privateKeyPem, origin)),
      origin,
    };
  } catch (error) {
    // Its message names the secret and the fields, never their values.
    if (error instanceof SecretInvalidError) throw new CliError('BAD_INPUT', error.message);
    throw error;
  }
}

function pemKeys(pem: string, origin: string): TrtcKeys {
  try {
    if (/-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----/.test(pem)) {
      const privateKey = loadPrivateKey(pem);
      const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
      return { privateKeyPem: pem, publicKeyPem, origin };
    }
    loadPublicKey(pem);
    return { publicKeyPem: pem, origin };
  } catch (error) {
    if (error instanceof SignError) throw new CliError('BAD_INPUT', `${origin}: ${error.message}`);
    throw error;
  }
}

function environmentKeys(env: CliContext['env'], optional: boolean): TrtcKeys {
  const secretKey = nonEmpty(env[TRTC_KEY_ENV.secretKey]);
  const privateKeyPem = nonEmpty(env[TRTC_KEY_ENV.privateKeyPem]);
  const appId = nonEmpty(env[TRTC_KEY_ENV.sdkAppId]);
  if (secretKey === undefined && privateKeyPem === undefined) {
    if (optional) return { origin: 'no key source' };
    throw new CliError(
      'BAD_INPUT',
      `no key: pass --key-file FILE or --secret-id ID, or set ${TRTC_KEY_ENV.secretKey} (or ${TRTC_KEY_ENV.privateKeyPem})`,
    );
  }
  const origin = 'the environment';
  return {
    ...(secretKey === undefined ? {} : { secretKey }),
    ...(privateKeyPem === undefined ? {} : pemKeys(privateKeyPem, `${TRTC_KEY_ENV.privateKeyPem}`)),
    ...(appId === undefined
      ? {}
      : { sdkAppId: parseInteger(appId, TRTC_KEY_ENV.sdkAppId, 1, 4_294_967_295) }),
    origin,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The v2 key, refused when it holds white space: Tencent's keys never do, so it is a copy mistake
 * (a line break, a space) and every ticket signed with it would fail with 70009.
 *
 * @example
 * ```ts
 * const secretKey = usableSecretKey(keys);
 * ```
 */
export function usableSecretKey(keys: TrtcKeys): string {
  if (keys.secretKey === undefined) throw new CliError('BAD_INPUT', `${keys.origin} holds no v2 key`);
  if (/\s/.test(keys.secretKey)) {
    throw new CliError(
      'BAD_INPUT',
      `the v2 key of ${keys.origin} holds white space (copied with a line break or a space?): tickets signed with it fail with 70009`,
    );
  }
  return keys.secretKey;
}

/**
 * The SDKAppID to sign for: `--sdk-app-id`, the secret's, or `TRTC_SDK_APP_ID`.
 *
 * @example
 * ```ts
 * const sdkAppId = requireSdkAppId(keys);
 * ```
 */
export function requireSdkAppId(keys: TrtcKeys): number {
  if (keys.sdkAppId === undefined) {
    throw new CliError('USAGE', `no SDKAppID: pass --sdk-app-id, or use a TRTC secret (JSON) that has one`);
  }
  return keys.sdkAppId;
}
