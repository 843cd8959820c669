// Runs the fake Secrets Manager as its own process, for benchmarks and for tests in other processes:
//
//   npx tsx test/support/fakeSecretsManagerMain.ts [--port <port>] [<secrets.json>]
//
// The port comes from --port, else FAKE_SECRETS_MANAGER_PORT, else a free one. The optional file maps
// secret ids to secrets: { "<secretId>": <object, stored as its JSON text, or string> }. When listening it
// prints one JSON line, {"url":"http://127.0.0.1:<port>"}, and then serves until SIGINT or SIGTERM. Drive it
// through the admin API under /__admin/ (see startFakeSecretsManager).
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startFakeSecretsManager } from './fakeSecretsManager';

const { values, positionals } = parseArgs({
  options: { port: { type: 'string' } },
  allowPositionals: true,
});

const portText = values.port ?? process.env.FAKE_SECRETS_MANAGER_PORT ?? '0';
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  throw new TypeError(`invalid port ${portText}`);
}

const fake = await startFakeSecretsManager({ port });

const secretsFile = positionals[0];
if (secretsFile !== undefined) {
  const seeds: unknown = JSON.parse(await readFile(secretsFile, 'utf8'));
  if (typeof seeds !== 'object' || seeds === null || Array.isArray(seeds)) {
    throw new TypeError(`${secretsFile} must hold a JSON object of secrets`);
  }
  for (const [secretId, secret] of Object.entries(seeds)) {
    fake.putSecret(secretId, typeof secret === 'string' ? secret : JSON.stringify(secret));
  }
}

const stop = (): void => {
  fake.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

process.stdout.write(`${JSON.stringify({ url: fake.url })}\n`);
