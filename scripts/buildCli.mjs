// Builds the command-line tool into one ESM file, dist/cli.mjs, the package's `bin`: plain JavaScript,
// so `npx tencent-token-issuer` needs neither tsx nor TypeScript. Run by `npm run build:cli` and by
// `prepare` (so `npm ci` in a clone builds it). `--outfile PATH` builds elsewhere (the tests do, to
// test the current sources). `--if-possible` (prepare) skips quietly when esbuild is not installed,
// as in `npm ci --omit=dev`.
import { chmod, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { outfile: { type: 'string' }, 'if-possible': { type: 'boolean' } },
  strict: true,
});
const outfile = resolve(values.outfile ?? resolve(root, 'dist', 'cli.mjs'));

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

await mkdir(dirname(outfile), { recursive: true });
await esbuild.build({
  absWorkingDir: root,
  entryPoints: ['cli/main.ts'],
  outfile,
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
await chmod(outfile, 0o755);
