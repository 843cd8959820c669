import { describe, expect, it } from 'vitest';
import { cosPrefixPolicy } from '../../lib/cos/cosPrefixPolicy';

const base = {
  appId: '1250000000',
  bucket: 'uploads-1250000000',
  region: 'ap-guangzhou',
  actions: ['name/cos:GetObject'],
};

describe('cosPrefixPolicy', () => {
  it('allows the actions on the prefix and nothing else, without a principal', () => {
    const policy = cosPrefixPolicy({ ...base, prefix: 'users/alice/' });
    expect(policy).toEqual({
      version: '2.0',
      statement: [
        {
          effect: 'allow',
          action: ['name/cos:GetObject'],
          resource: ['qcs::cos:ap-guangzhou:uid/1250000000:uploads-1250000000/users/alice/*'],
        },
      ],
    });
    expect(JSON.stringify(policy)).not.toContain('principal');
  });

  it('refuses prefixes that would widen the resource and wildcard actions', () => {
    for (const prefix of ['', 'users/alice', 'users/*/', 'users/al?ce/', '/users/alice/', 'users/a lice/']) {
      expect(() => cosPrefixPolicy({ ...base, prefix })).toThrow(TypeError);
    }
    expect(() => cosPrefixPolicy({ ...base, prefix: 'users/alice/', actions: [] })).toThrow(TypeError);
    expect(() => cosPrefixPolicy({ ...base, prefix: 'users/alice/', actions: ['name/cos:*'] })).toThrow(
      TypeError,
    );
  });
});
