import { describe, expect, it } from 'vitest';
import { explainTencentCode, knownTencentCodes } from '../../lib/im/tencentErrorCodes';

// The codes issue 12 names (IM login, IM REST, the TRTC SDK's -100018 and its room permission codes)
// must all be explained; every entry must say something in each field.

const REQUIRED = [
  70001, 70002, 70003, 70005, 70009, 70013, 70014, 70016, 70050, 60006, 60016, -100018, -100006, -102010,
  -102011, -102013, -102015, -102019, -10018, -10019,
];

describe('explainTencentCode', () => {
  it.each(REQUIRED)('explains %i with a meaning, a cause and a fix', (code) => {
    const explanation = explainTencentCode(code);
    expect(explanation?.code).toBe(code);
    for (const text of [explanation?.meaning, explanation?.cause, explanation?.fix]) {
      expect(text?.length ?? 0).toBeGreaterThan(10);
    }
  });

  it('names the TRTC SDK constant and source of the SDK codes', () => {
    expect(explainTencentCode(-100018)).toMatchObject({
      source: 'trtc-sdk',
      name: 'ERR_TRTC_USER_SIG_CHECK_FAILED',
    });
    expect(explainTencentCode(-100006)).toMatchObject({ name: 'ERR_TRTC_INVALID_PRIVATE_MAPKEY' });
    expect(explainTencentCode(-10018)?.source).toBe('trtc-web-sdk');
    expect(explainTencentCode(70009)?.source).toBe('im-login');
    expect(explainTencentCode(60016)?.source).toBe('im-rest');
  });

  it('knows nothing about other codes, and is not fooled by inherited names', () => {
    expect(explainTencentCode(12345)).toBeUndefined();
    expect(explainTencentCode(Number.NaN)).toBeUndefined();
    expect(explainTencentCode(70001.5)).toBeUndefined();
    // A negated IM code is not an entry of its own (the CLI maps it, saying so).
    expect(explainTencentCode(-70001)).toBeUndefined();
  });

  it('lists its codes in ascending order, each of them explained with full sentences', () => {
    const codes = knownTencentCodes();
    expect(codes).toEqual([...codes].sort((a, b) => a - b));
    expect(codes).toEqual(expect.arrayContaining(REQUIRED));
    for (const code of codes) {
      const explanation = explainTencentCode(code);
      expect(explanation?.code).toBe(code);
      expect(explanation?.fix.length ?? 0).toBeGreaterThan(10);
    }
  });
});
