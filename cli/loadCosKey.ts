import { SecretInvalidError } from '../lib/secrets/errors';
import { parseSecret } from '../lib/secrets/parseSecret';
import { CosSecretSchema } from '../lib/secrets/secretSchemas';
import type { CliContext } from './CliContext';
import { CliError } from './CliError';
import type { OptionTable, OptionValues } from './options';
import { readFileArgument } from './readArgument';
import { exclusive } from './values';

// Where the COS API key of a command comes from: the service's COS secret (a file or AWS Secrets
// Manager), or Tencent Cloud's usual environment variables. Never the command line; never printed.

/** Tencent Cloud's own variable names (tccli and the SDKs read them too). */
export const COS_KEY_ENV = Object.freeze({
  secretId: 'TENCENTCLOUD_SECRET_ID',
  secretKey: 'TENCENTCLOUD_SECRET_KEY',
});

/** The key options of the COS commands. */
export const COS_KEY_OPTIONS = {
  'key-file': {
    type: 'string',
    value: 'FILE',
    description:
      'the COS secret as the service stores it ({ "appId", "secretId", "secretKey", "bucket", "region" }); - reads standard input',
  },
  key: { type: 'string', value: 'FILE', description: 'the same as --key-file' },
  'secret-id': { type: 'string', value: 'ID', description: 'read the COS secret from AWS Secrets Manager' },
  'aws-region': {
    type: 'string',
    value: 'REGION',
    description: 'the region of --secret-id (default AWS_REGION)',
  },
} as const satisfies OptionTable;

/** The help paragraph on key sources. */
export const COS_KEY_HELP = `The key comes from --key-file, --secret-id, or else ${COS_KEY_ENV.secretId} and ${COS_KEY_ENV.secretKey}; it is never taken from the command line and never printed.`;

/**
 * A COS API key, with the bucket and region when the secret names them.
 *
 * @example
 * ```ts
 * const key: CosKey = { secretId: 'AKID…', secretKey: '…', origin: 'the environment' };
 * ```
 */
export interface CosKey {
  readonly secretId: string;
  readonly secretKey: string;
  readonly bucket?: string;
  readonly region?: string;
  readonly origin: string;
}

/**
 * Loads the COS key named by the options, or from the environment; `undefined` when `optional` and
 * no source is given.
 *
 * @throws {CliError} `USAGE` for conflicting options, `BAD_INPUT` for no key, an unreadable file or
 * an invalid secret, `UNAVAILABLE` when Secrets Manager cannot be reached.
 *
 * @example
 * ```ts
 * const key = await loadCosKey(values, context);
 * ```
 */
export async function loadCosKey(
  values: Partial<OptionValues<typeof COS_KEY_OPTIONS>>,
  context: CliContext,
  { optional = false }: { optional?: boolean } = {},
): Promise<CosKey | undefined> {
  exclusive(values, ['key-file', 'key', 'secret-id']);
  const keyFile = values['key-file'] ?? values.key;
  if (keyFile !== undefined) {
    const text = await readFileArgument(keyFile, context, 'key file', { secret: true });
    return secretKey(text, keyFile === '-' ? 'standard input' : `key file "${keyFile}"`, keyFile);
  }
  if (values['secret-id'] !== undefined) {
    const secretId = values['secret-id'];
    return secretKey(
      await context.readSecret(secretId, values['aws-region']),
      `secret "${secretId}"`,
      secretId,
    );
  }
  const id = context.env[COS_KEY_ENV.secretId];
  const key = context.env[COS_KEY_ENV.secretKey];
  if (id !== undefined && id !== '' && key !== undefined && key !== '') {
    return { secretId: id, secretKey: key, origin: 'the environment' };
  }
  if (optional) return undefined;
  throw new CliError(
    'BAD_INPUT',
    `no key: pass --key-file FILE or --secret-id ID, or set ${COS_KEY_ENV.secretId} and ${COS_KEY_ENV.secretKey}`,
  );
}

function secretKey(text: string, origin: string, secretName: string): CosKey {
  try {
    const secret = parseSecret(CosSecretSchema, text, secretName);
    return {
      secretId: secret.secretId,
      secretKey: secret.secretKey,
      bucket: secret.bucket,
      region: secret.region,
      origin,
    };
  } catch (error) {
    // Its message names the secret and the fields, never their values.
    if (error instanceof SecretInvalidError) throw new CliError('BAD_INPUT', error.message);
    throw error;
  }
}
