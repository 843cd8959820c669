import { describe, expect, it } from 'vitest';
import { requireNow, tokenTimes } from '../../lib/tokens/tokenTimes';

describe('tokenTimes', () => {
  it('reports expiry, server time and a refresh time at 80% of the lifetime', () => {
    expect(tokenTimes(1_700_000_000, 7200)).toEqual({
      expiresAt: 1_700_007_200,
      serverTime: 1_700_000_000,
      refreshAfter: 1_700_005_760,
    });
  });

  it('rounds the refresh time down, so it never comes later than 80%', () => {
    expect(tokenTimes(100, 1).refreshAfter).toBe(100);
    expect(tokenTimes(100, 7).refreshAfter).toBe(105);
    expect(tokenTimes(100, 301).refreshAfter).toBe(340);
  });
});

describe('requireNow', () => {
  it('accepts whole, non-negative seconds', () => {
    expect(requireNow(0)).toBe(0);
    expect(requireNow(1_700_000_000)).toBe(1_700_000_000);
  });

  it('treats anything else as a programming error', () => {
    for (const now of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1_700_000_000_000.5, '1700000000']) {
      expect(() => requireNow(now as number)).toThrow(TypeError);
    }
  });
});
