import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../deploy/functions';
import { isTokenHandler } from '../../lib/http/createTokenHandler';

// The gateway authorizer authenticates but lets every token through (so that failures become our own
// 401); the principal is enforced by the composition every token function is built with. This test keeps
// a new route from skipping it: every function the deployment gives an HTTP route (deploy/functions.ts,
// from which serverless.yml's functions are derived) must be a createTokenHandler composition.

const routed = Object.entries(FUNCTIONS).flatMap(([name, declaration]) =>
  'route' in declaration
    ? [{ name, file: declaration.handler.replace(/^functions\/(\w+)\.handler$/, '$1') }]
    : [],
);

describe('routed functions', () => {
  it('are the token functions', () => {
    expect(routed.map(({ name }) => name).sort()).toEqual([
      'cosCredentials',
      'cosSign',
      'privateMapKey',
      'userSig',
    ]);
  });

  it.each(routed)('$name is built with createTokenHandler (principal required before anything else)', async ({
    file,
  }) => {
    const module = (await import(`../../functions/${file}.ts`)) as { handler: unknown };
    expect(isTokenHandler(module.handler)).toBe(true);
  });
});

describe('isTokenHandler', () => {
  it('is false for anything else', () => {
    expect(isTokenHandler(async () => ({}))).toBe(false);
    expect(isTokenHandler(undefined)).toBe(false);
  });
});
