import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isTokenHandler } from '../../lib/http/createTokenHandler';

// The gateway authorizer authenticates but lets every request through (so that failures become our
// own 401); the principal is enforced by the composition every token function is built with. This
// test keeps a new route from skipping it: every function in serverless.yml with an HTTP route must be
// a createTokenHandler composition.

const manifest = readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8');
const functionsBlock = manifest.slice(manifest.indexOf('\nfunctions:'), manifest.indexOf('\ncustom:'));
const routed = [...functionsBlock.matchAll(/handler: functions\/(\w+)\.handler[\s\S]*?(?=\n {2}\w+:\n|$)/g)]
  .filter((match) => match[0].includes('httpApi:'))
  .map((match) => match[1] as string);

describe('routed functions', () => {
  it('are the four token functions', () => {
    expect(routed.sort()).toEqual(['cosCredentials', 'cosSign', 'privateMapKey', 'userSig']);
  });

  it.each(
    routed,
  )('%s is built with createTokenHandler (principal required before anything else)', async (name) => {
    const module = (await import(`../../functions/${name}.ts`)) as { handler: unknown };
    expect(isTokenHandler(module.handler)).toBe(true);
  });

  it('every routed function names the session authorizer', () => {
    const routes = [...functionsBlock.matchAll(/- httpApi:[\s\S]*?(?=\n {6}- |\n {2}\w+:\n|$)/g)].map(
      (m) => m[0],
    );
    expect(routes.length).toBe(routed.length);
    for (const route of routes) expect(route).toMatch(/authorizer:\s*\n\s*name: session/);
  });
});

describe('isTokenHandler', () => {
  it('is false for anything else', () => {
    expect(isTokenHandler(async () => ({}))).toBe(false);
    expect(isTokenHandler(undefined)).toBe(false);
  });
});
