import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasDuplicateKeys } from '../../lib/http/hasDuplicateKeys';

describe('hasDuplicateKeys', () => {
  it.each([
    ['{"a":1,"a":2}', true],
    ['{"userId":"bob","userId":"alice"}', true],
    ['{"a":{"b":1,"b":2}}', true],
    ['[{"x":1},{"y":{"z":[{"k":1,"k":1}]}}]', true],
    ['{"\\u0061":1,"a":2}', true],
    ['{"a":1,"b":{"a":2}}', false],
    ['[{"a":1},{"a":2}]', false],
    ['{"a":"a","b":"a"}', false],
    ['{"a":"\\"a\\":1,\\"a\\":2"}', false],
    ['{"a":[1,"a",{"a":1}]}', false],
    ['"a"', false],
    ['{}', false],
  ])('%s -> %s', (json, expected) => {
    expect(hasDuplicateKeys(json)).toBe(expected);
  });

  it('never reports duplicates for anything JSON.stringify produces (object keys are unique)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(hasDuplicateKeys(JSON.stringify(value))).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('finds a key repeated anywhere in a random document', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }), (object) => {
        const key = Object.keys(object)[0] as string;
        const json = JSON.stringify(object);
        const repeated = `${json.slice(0, -1)},${JSON.stringify(key)}:null}`;
        expect(hasDuplicateKeys(repeated)).toBe(true);
        expect(hasDuplicateKeys(`[1,{"wrapper":${repeated}}]`)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
