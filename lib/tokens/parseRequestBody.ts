import * as v from 'valibot';
import { HttpError } from '../http/HttpError';

// Turns valibot issues into one client-facing message that names fields and states expectations,
// never the received values (a body may carry anything, including another user's data or a token).
// Every schema and action in lib/tokens carries its own message written to follow the field name;
// valibot's default messages quote the input, so any that slips through is replaced.

/** Field names are echoed only when they look like field names, so a crafted key cannot inject text. */
const ECHOABLE_NAME = /^[A-Za-z0-9._~-]{1,64}$/;

function describePath(path: v.IssuePathItem[] | undefined): string {
  if (path === undefined || path.length === 0) return 'the body';
  let out = '';
  for (const item of path) {
    const key: unknown = item.key;
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && ECHOABLE_NAME.test(key)) out += out === '' ? key : `.${key}`;
    else out += out === '' ? 'a field' : '.<a field>';
  }
  return out;
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const where = describePath(issue.path);
  const last = issue.path?.at(-1);
  if (last?.origin === 'key' && issue.type === 'strict_object') {
    return issue.expected === 'never' ? `${where} is not a known field` : `${where} is required`;
  }
  const message = issue.message.startsWith('Invalid ') ? 'has an invalid value' : issue.message;
  return `${where} ${message}`;
}

/**
 * Parses a request body with a schema, or throws `HttpError('INVALID_REQUEST')` whose message lists
 * every problem by field name (`"expire must be a number; shoeSize is not a known field"`).
 *
 * @example
 * ```ts
 * const request = parseRequestBody(UserSigRequestSchema, body);
 * ```
 */
export function parseRequestBody<TSchema extends v.GenericSchema>(
  schema: TSchema,
  body: unknown,
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, body);
  if (result.success) return result.output;
  const problems = [...new Set(result.issues.map(describeIssue))];
  throw new HttpError('INVALID_REQUEST', `invalid request: ${problems.join('; ')}`);
}
