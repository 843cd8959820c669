import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

// The INIT floor the cold-start bench compares every function with: the AWS SDK Secrets Manager client
// and one GetSecretValue awaited at the module's top level, nothing else. Bundled exactly like the
// functions (serverless.yml custom.esbuild). No function can do its one-time work for less.
const client = new SecretsManagerClient({ maxAttempts: 1 });
const secret = await client.send(new GetSecretValueCommand({ SecretId: process.env.TRTC_SECRET_ID }));

export const handler = async () => ({ statusCode: typeof secret.SecretString === 'string' ? 200 : 500 });
