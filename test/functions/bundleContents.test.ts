import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// Each function is bundled alone: Tencent's STS SDK must be in the two COS bundles and in no other, and
// the dependencies it never uses must be replaced by the shims serverless.yml aliases (see
// lib/cos/sdkShims). Built here with serverless.yml's esbuild aliases and the options that decide what
// is bundled (not minified: the inputs are what counts).

const manifest = readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8');
const aliasBlock = /\n {4}alias:\n((?: {6}.*\n| *#.*\n)+)/.exec(manifest)?.[1] ?? '';
const alias = Object.fromEntries(
  [...aliasBlock.matchAll(/^ {6}"?([^":#\s]+)"?: (\S+)$/gm)].map((match) => [
    match[1] as string,
    match[2] as string,
  ]),
);

async function inputsOf(fn: string, define: Record<string, string> = {}): Promise<string[]> {
  const result = await build({
    define,
    entryPoints: [`functions/${fn}.ts`],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    alias,
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}

describe('function bundles', () => {
  it('alias the unused SDK dependencies to the shims', () => {
    expect(alias).toMatchObject({
      'whatwg-url': './lib/cos/sdkShims/whatwgUrl.ts',
      'form-data': './lib/cos/sdkShims/formData.ts',
      'https-proxy-agent': './lib/cos/sdkShims/httpsProxyAgent.ts',
    });
  });

  it.each([
    'cosSign',
    'cosCredentials',
  ])('%s bundles the STS SDK and not what its calls never use', async (fn) => {
    const inputs = await inputsOf(fn);
    expect(inputs.some((input) => input.includes('node_modules/tencentcloud-sdk-nodejs-sts/'))).toBe(true);
    expect(inputs.some((input) => input.includes('node_modules/tencentcloud-sdk-nodejs-common/'))).toBe(true);
    for (const unused of [
      'node_modules/tr46/',
      'node_modules/whatwg-url/',
      'node_modules/mime-db/',
      'node_modules/form-data/',
    ]) {
      expect(inputs.filter((input) => input.includes(unused))).toEqual([]);
    }
    expect(inputs).toContain('lib/cos/sdkShims/whatwgUrl.ts');
  }, 60_000);

  it.each([
    'cosSign',
    'cosCredentials',
  ])('%s packaged for a stage without STS carries no STS client', async (fn) => {
    const inputs = await inputsOf(fn, { __TTI_COS_STS__: 'false' });
    expect(
      inputs.filter(
        (input) => input.includes('tencentcloud-sdk') || input.includes('createTencentStsClient'),
      ),
    ).toEqual([]);
    expect(inputs).toContain('lib/cos/createCosKeys.ts');
  }, 60_000);

  it.each(['userSig', 'privateMapKey', 'authorizer'])('%s does not bundle the STS SDK', async (fn) => {
    const inputs = await inputsOf(fn);
    expect(inputs.filter((input) => input.includes('tencentcloud-sdk'))).toEqual([]);
    expect(inputs.length).toBeGreaterThan(10);
  }, 60_000);
});
