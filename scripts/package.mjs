// npm run package [-- <serverless package options>]: builds the Lambda zips and the CloudFormation
// template of a stage (default prod) into .serverless/, with no network and no credentials. The stage's
// settings come from the environment and are checked first (see deploy/serverlessFragments.ts).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const args = process.argv.slice(2);
const namesStage = args.some((arg) => arg === '--stage' || arg === '-s' || arg.startsWith('--stage='));
const serverless = createRequire(import.meta.url).resolve('osls/bin/serverless.js');
const child = spawn(
  process.execPath,
  [serverless, 'package', ...(namesStage ? [] : ['--stage', 'prod']), ...args],
  { stdio: 'inherit', env: { ...process.env, SLS_TELEMETRY_DISABLED: '1' } },
);
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal === null ? 1 : 128);
});
