// Builds the command-line tool into dist/cli.mjs, the package's `bin`, plus dist/chunks/: plain
// JavaScript ESM, so `npx tencent-token-issuer` needs neither tsx nor TypeScript. The AWS SDK (only
// `--secret-id` needs it) is split into chunks loaded on demand: a command that does not read Secrets
// Manager never parses it (cli.mjs is about 130 KB of the 450 KB). Run by `npm run build:cli` and by
// `prepare` (so `npm ci` in a clone builds it). `--outdir DIR` builds elsewhere (the tests do, to test
// the current sources). `--if-possible` (prepare) skips with a notice when esbuild is not installed,
// as in `npm ci --omit=dev`.
import { chmod, mkdir, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { outdir: { type: 'string' }, 'if-possible': { type: 'boolean' } },
  strict: true,
});
const outdir = resolve(values.outdir ?? resolve(root, 'dist'));

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  if (values['if-possible']) {
    console.warn('build:cli skipped: esbuild (a devDependency) is not installed');
    process.exit(0);
  }
  throw new Error('build:cli needs esbuild: run npm ci');
}

// Chunk names carry content hashes: old ones would pile up.
await rm(resolve(outdir, 'chunks'), { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
await esbuild.build({
  absWorkingDir: root,
  entryPoints: ['cli/main.ts'],
  outdir,
  entryNames: 'cli',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  mainFields: ['module', 'main'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  // Bundled CommonJS code may require() Node built-ins; in an ES module that needs a require of its own.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});
await chmod(resolve(outdir, 'cli.mjs'), 0o755);
