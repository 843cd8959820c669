/**
 * Reads the Authorization header case-insensitively. Real API Gateway HTTP APIs lower-case header
 * names; serverless-offline and other adapters keep the client's case. If several spellings are
 * present (an adapter that does not merge them) their values are joined with `, ` as HTTP does for
 * repeated headers, which no verifier accepts as one bearer token: ambiguity fails closed.
 *
 * @example
 * ```ts
 * readAuthorizationHeader({ Authorization: 'Bearer eyJ...' }); // 'Bearer eyJ...'
 * readAuthorizationHeader(undefined); // undefined
 * ```
 */
export function readAuthorizationHeader(
  headers: Readonly<Record<string, string | undefined>> | null | undefined,
): string | undefined {
  if (!headers) return undefined;
  const values: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && name.toLowerCase() === 'authorization') values.push(value);
  }
  return values.length === 0 ? undefined : values.join(', ');
}
