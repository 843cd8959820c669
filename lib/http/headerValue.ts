/**
 * Reads a header case-insensitively: real HTTP APIs lower-case header names, serverless-offline and
 * other adapters keep the client's case.
 *
 * @example
 * ```ts
 * headerValue({ 'Content-Type': 'application/json' }, 'content-type'); // 'application/json'
 * ```
 */
export function headerValue(
  headers: Readonly<Record<string, string | undefined>> | undefined,
  name: string,
): string | undefined {
  if (!headers) return undefined;
  const exact = headers[name];
  if (exact !== undefined) return exact;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}
