import * as v from 'valibot';
import { SecretInvalidError } from './errors';

/**
 * What {@link parseSecret} accepts: a valibot schema for one JSON secret, usually an object schema whose
 * fields carry `v.description('<what the field must be>')` (see `secretSchemas.ts`). The descriptions
 * are the only text besides field names that ever reaches an error message.
 *
 * @example
 * ```ts
 * const ImSecretSchema = v.object({
 *   secretKey: v.pipe(v.string(), v.nonEmpty(), v.description('a non-empty string')),
 * }) satisfies SecretSchema;
 * ```
 */
export type SecretSchema = v.GenericSchema & { readonly entries?: Readonly<Record<string, v.GenericSchema>> };

/**
 * Parses a secret string as JSON and validates it against `schema`.
 *
 * Failures throw {@link SecretInvalidError} with a message that names the secret, each offending field
 * and what the field must be, and never any part of the secret: valibot's own messages (and
 * `JSON.parse`'s) quote the received text, so this function builds its message from the issue path and
 * the schema's descriptions only. The result is frozen so that a cached secret cannot be altered by a
 * caller.
 *
 * @param schema The valibot schema, such as `TrtcSecretSchema` or `CosSecretSchema`.
 * @param secretString The raw secret text (the `SecretString` of AWS Secrets Manager).
 * @param secretName A name for messages (the secret id or a short alias such as `trtc`), not secret.
 * @returns The validated secret.
 * @throws {SecretInvalidError} when the text is not JSON or does not match the schema.
 * @throws {TypeError} when called with arguments of the wrong type (a bug, not bad data).
 *
 * @example
 * ```ts
 * const secret = parseSecret(TrtcSecretSchema, '{"sdkAppId":1400000000,"secretKey":"..."}', 'trtc');
 * secret.sdkAppId; // 1400000000
 *
 * parseSecret(TrtcSecretSchema, '{"sdkAppId":0,"secretKey":"..."}', 'trtc');
 * // throws SecretInvalidError:
 * //   secret "trtc": field "sdkAppId" must be an integer between 1 and 4294967295
 * ```
 */
export function parseSecret<TSchema extends SecretSchema>(
  schema: TSchema,
  secretString: string,
  secretName: string,
): Readonly<v.InferOutput<TSchema>> {
  if (typeof secretString !== 'string') throw new TypeError('parseSecret: secretString must be a string');
  if (typeof secretName !== 'string' || secretName === '') {
    throw new TypeError('parseSecret: secretName must be a non-empty string');
  }

  let json: unknown;
  try {
    json = JSON.parse(secretString);
  } catch {
    // The SyntaxError is dropped on purpose (not even kept as `cause`): its message quotes the text.
    throw new SecretInvalidError(`secret "${secretName}" is not valid JSON`, { secretName });
  }

  const result = v.safeParse(schema, json, { abortPipeEarly: true });
  if (result.success) return Object.freeze(result.output);

  const problems = new Map<string, string>(); // path -> sentence; one sentence per field
  for (const issue of result.issues) {
    const path = issue.path === undefined || issue.path.length === 0 ? '' : (v.getDotPath(issue) ?? '?');
    if (problems.has(path)) continue;
    problems.set(path, describeProblem(schema, issue, path));
  }
  const fields = [...problems.keys()].filter((path) => path !== '');
  const sentences = [...problems.values()];
  const message = problems.has('')
    ? `secret "${secretName}" ${sentences.join('; ')}`
    : `secret "${secretName}": ${sentences.join('; ')}`;
  throw new SecretInvalidError(message, { secretName, fields });
}

function describeProblem(schema: SecretSchema, issue: v.BaseIssue<unknown>, path: string): string {
  if (path === '') return `must be ${v.getDescription(schema) ?? 'valid'}`;
  const expectation = expectationOf(path, schema);
  const last = issue.path?.at(-1);
  const missing = last?.origin === 'key' && issue.input === undefined;
  if (missing) return `field "${path}" is required${expectation ? ` and must be ${expectation}` : ''}`;
  return `field "${path}" ${expectation ? `must be ${expectation}` : 'is invalid'}`;
}

function expectationOf(path: string, schema: SecretSchema): string | undefined {
  // Only top-level fields: the secrets are flat documents. Deeper paths fall back to "is invalid".
  if (path.includes('.') || schema.entries === undefined || !Object.hasOwn(schema.entries, path)) {
    return undefined;
  }
  let entry: v.GenericSchema | undefined = schema.entries[path];
  // exactOptional / optional wrap the described schema.
  while (entry !== undefined && v.getDescription(entry) === undefined && 'wrapped' in entry) {
    entry = isSchema(entry.wrapped) ? entry.wrapped : undefined;
  }
  return entry === undefined ? undefined : v.getDescription(entry);
}

function isSchema(value: unknown): value is v.GenericSchema {
  return typeof value === 'object' && value !== null && 'kind' in value && value.kind === 'schema';
}
