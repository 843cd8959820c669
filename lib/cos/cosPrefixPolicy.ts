/**
 * A CAM policy document as Tencent STS takes it (`version` 2.0, no `principal`: STS refuses one).
 *
 * @example
 * ```ts
 * const policy: CamPolicy = {
 *   version: '2.0',
 *   statement: [{ effect: 'allow', action: ['name/cos:GetObject'], resource: ['qcs::cos:...'] }],
 * };
 * ```
 */
export interface CamPolicy {
  readonly version: '2.0';
  readonly statement: readonly {
    readonly effect: 'allow';
    readonly action: readonly string[];
    readonly resource: readonly string[];
  }[];
}

/**
 * Inputs of {@link cosPrefixPolicy}.
 *
 * @example
 * ```ts
 * const input: CosPrefixPolicyInput = {
 *   appId: '1250000000', bucket: 'uploads-1250000000', region: 'ap-guangzhou',
 *   prefix: 'users/alice/', actions: ['name/cos:GetObject'],
 * };
 * ```
 */
export interface CosPrefixPolicyInput {
  readonly appId: string;
  /** The full bucket name `<name>-<appId>`. */
  readonly bucket: string;
  readonly region: string;
  /** The caller's resolved key prefix, ending with `/`. */
  readonly prefix: string;
  readonly actions: readonly string[];
}

// "*" and "?" are CAM wildcards: a prefix holding one would widen the resource.
const PREFIX = /^[A-Za-z0-9/_.-]+\/$/;

/**
 * The CAM policy of a temporary key confined to one user's prefix: the given actions, allowed only on
 * `qcs::cos:<region>:uid/<appId>:<bucket>/<prefix>*`. A copy needs GetObject on its source, so such a
 * key cannot copy another user's object either.
 *
 * @throws {TypeError} for a prefix that is empty, does not end with `/` or holds a wildcard, or no actions.
 *
 * @example
 * ```ts
 * cosPrefixPolicy({ appId: '1250000000', bucket: 'uploads-1250000000', region: 'ap-guangzhou',
 *   prefix: 'users/alice/', actions: ['name/cos:GetObject'] });
 * // { version: '2.0', statement: [{ effect: 'allow', action: ['name/cos:GetObject'],
 * //   resource: ['qcs::cos:ap-guangzhou:uid/1250000000:uploads-1250000000/users/alice/*'] }] }
 * ```
 */
export function cosPrefixPolicy(input: CosPrefixPolicyInput): CamPolicy {
  const { appId, bucket, region, prefix, actions } = input;
  if (typeof prefix !== 'string' || !PREFIX.test(prefix) || prefix.startsWith('/')) {
    throw new TypeError('prefix must be a key prefix ending with "/" without wildcards');
  }
  if (!Array.isArray(actions) || actions.length === 0 || actions.some((action) => action.includes('*'))) {
    throw new TypeError('actions must be a non-empty list of CAM actions without wildcards');
  }
  return {
    version: '2.0',
    statement: [
      {
        effect: 'allow',
        action: [...actions],
        resource: [`qcs::cos:${region}:uid/${appId}:${bucket}/${prefix}*`],
      },
    ],
  };
}
