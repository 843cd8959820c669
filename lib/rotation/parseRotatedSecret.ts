import type * as v from 'valibot';
import { parseSecret, type SecretSchema } from '../secrets/parseSecret';
import { RotationError } from './RotationError';

/**
 * Parses one version of the secret being rotated; a version that does not match its schema stops the
 * step (`SECRET_INVALID`, the message names the field, never a value).
 *
 * @example
 * ```ts
 * const current = parseRotatedSecret(CosSecretSchema, version.secretString, 'cos', 'AWSCURRENT');
 * ```
 */
export function parseRotatedSecret<S extends SecretSchema>(
  schema: S,
  text: string,
  concern: string,
  stage: string,
): Readonly<v.InferOutput<S>> {
  try {
    return parseSecret(schema, text, `${concern} ${stage}`);
  } catch (error) {
    throw new RotationError(
      'SECRET_INVALID',
      error instanceof Error ? error.message : `the ${stage} ${concern} secret is invalid`,
    );
  }
}

/**
 * The same, for a version that may be unusable (an older one): `undefined` instead of an error.
 *
 * @example
 * ```ts
 * const previousId = tryParseRotatedSecret(CosSecretSchema, previous.secretString, 'cos')?.secretId;
 * ```
 */
export function tryParseRotatedSecret<S extends SecretSchema>(
  schema: S,
  text: string,
  concern: string,
): Readonly<v.InferOutput<S>> | undefined {
  try {
    return parseSecret(schema, text, concern);
  } catch {
    return undefined;
  }
}
