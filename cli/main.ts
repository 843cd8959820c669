#!/usr/bin/env node
import { randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import packageJson from '../package.json' with { type: 'json' };
import type { CliContext } from './CliContext';
import { EXIT } from './CliError';
import { runCli, TOOL } from './runCli';

// The entry point: `npm run cli -- <command>` (tsx, from a clone) and `npx tencent-token-issuer
// <command>` (the esbuild bundle dist/cli.mjs, built by `npm run build:cli` and by `prepare`). The only
// place that touches the process: everything the commands use is handed over in the context.

const context: CliContext = {
  env: process.env,
  stdout: (text) => {
    process.stdout.write(text);
  },
  stderr: (text) => {
    process.stderr.write(text);
  },
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  readFile: (path) => readFile(path, 'utf8'),
  now: () => Date.now(),
  fetch: (input, init) => fetch(input, init),
  readSecret: async (secretId, region) => {
    // Loaded on demand: the AWS SDK is the heaviest part of the tool and most commands never need it.
    const { readSecretFromAws } = await import('./readSecretFromAws');
    return readSecretFromAws(secretId, region);
  },
  randomUint32: () => randomInt(0, 2 ** 32),
};

// Output piped into `head` closes early; that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.OK);
});
// Whatever escapes runCli is a bug: its class only, never its message or stack.
const internalError = (error: unknown): never => {
  process.stderr.write(`${TOOL}: internal error (${error instanceof Error ? error.name : typeof error})\n`);
  process.exit(EXIT.INTERNAL);
};
process.on('uncaughtException', internalError);
process.on('unhandledRejection', internalError);

process.exitCode = await runCli(process.argv.slice(2), context, { version: packageJson.version });
