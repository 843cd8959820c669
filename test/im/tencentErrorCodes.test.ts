import { describe, expect, it } from 'vitest';
import { explainTencentCode, knownTencentCodes } from '../../lib/im/tencentErrorCodes';

describe('explainTencentCode', () => {
  it.each([
    70001, 70003, 70009, 70013, 70014, 70016, 70050, 60006, 60016,
  ])('explains %i with a meaning, a cause and a fix', (code) => {
    const explanation = explainTencentCode(code);
    expect(explanation?.code).toBe(code);
    for (const text of [explanation?.meaning, explanation?.cause, explanation?.fix]) {
      expect(text?.length ?? 0).toBeGreaterThan(10);
    }
  });

  it('knows nothing about other codes, and is not fooled by inherited names', () => {
    expect(explainTencentCode(12345)).toBeUndefined();
    expect(explainTencentCode(Number.NaN)).toBeUndefined();
    expect(explainTencentCode(70001.5)).toBeUndefined();
  });

  it('lists its codes in ascending order, each of them explained', () => {
    const codes = knownTencentCodes();
    expect(codes).toEqual([...codes].sort((a, b) => a - b));
    expect(codes.every((code) => explainTencentCode(code)?.code === code)).toBe(true);
  });
});
