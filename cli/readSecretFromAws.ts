import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CliError } from './CliError';

// Reads one secret from AWS Secrets Manager with the real SDK client (the service's own client factory:
// no SDK retries, hard timeouts). Loaded on demand: the SDK is by far the heaviest part of the tool,
// and most commands never need it.

const TIMEOUTS = { requestTimeoutMs: 5000, connectionTimeoutMs: 3000 } as const;

/**
 * The `SecretString` of `secretId`, read with a new client for `region` (default: the SDK's own
 * resolution, `AWS_REGION` and the shared config). Endpoint and credentials come from the SDK's
 * usual sources, including `AWS_ENDPOINT_URL_SECRETS_MANAGER`.
 *
 * @throws {CliError} `BAD_INPUT` for a missing secret, missing credentials or region, or a denied
 * read; `UNAVAILABLE` when the service cannot be reached.
 *
 * @example
 * ```ts
 * const secretString = await readSecretFromAws('tencent-token-issuer/prod/trtc', 'ap-southeast-1');
 * ```
 */
export async function readSecretFromAws(secretId: string, region: string | undefined): Promise<string> {
  const { createSecretsManagerClient } = await import('../lib/secrets/createSecretsManagerClient');
  let client: SecretsManagerClient;
  try {
    client = createSecretsManagerClient({ ...(region === undefined ? {} : { region }), ...TIMEOUTS });
  } catch {
    throw new CliError('BAD_INPUT', '--aws-region must be an AWS region such as ap-southeast-1');
  }
  try {
    return await readSecretWith(client, secretId);
  } finally {
    client.destroy();
  }
}

/**
 * {@link readSecretFromAws} with a given client (tests pass one pointed at the loopback fake).
 *
 * @example
 * ```ts
 * await readSecretWith(new SecretsManagerClient({ endpoint: fake.url, region: 'us-east-1', credentials }), 'e2e/trtc');
 * ```
 */
export async function readSecretWith(client: SecretsManagerClient, secretId: string): Promise<string> {
  const { GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  let secretString: string | undefined;
  try {
    ({ SecretString: secretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId })));
  } catch (error) {
    throw describeAwsError(error, secretId);
  }
  if (typeof secretString !== 'string') {
    throw new CliError(
      'BAD_INPUT',
      `secret "${secretId}" has no SecretString (store the secret as JSON text)`,
    );
  }
  return secretString;
}

// Only the error's name and our own words: SDK messages can quote ARNs and account ids, never needed here.
function describeAwsError(error: unknown, secretId: string): CliError {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : '';
  const where = `secret "${secretId}"`;
  if (name === 'ResourceNotFoundException') return new CliError('BAD_INPUT', `${where} does not exist`);
  if (name === 'AccessDeniedException') {
    return new CliError('BAD_INPUT', `not allowed to read ${where} (secretsmanager:GetSecretValue)`);
  }
  if (name === 'CredentialsProviderError') {
    return new CliError(
      'BAD_INPUT',
      `no AWS credentials to read ${where} (set AWS_PROFILE or AWS_ACCESS_KEY_ID)`,
    );
  }
  if (/region is missing/i.test(message)) {
    return new CliError('BAD_INPUT', `no AWS region to read ${where}: pass --aws-region or set AWS_REGION`);
  }
  if (name === 'UnrecognizedClientException' || name === 'InvalidSignatureException') {
    return new CliError('BAD_INPUT', `AWS refused the credentials used to read ${where} (${name})`);
  }
  return new CliError('UNAVAILABLE', `could not read ${where} from AWS Secrets Manager (${name})`);
}
