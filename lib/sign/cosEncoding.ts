/**
 * Percent-encodes a string the way COS signs it: the UTF-8 bytes of everything outside the RFC 3986
 * unreserved set `A-Z a-z 0-9 - _ . ~` become `%XX` with uppercase hex. This is the SDK's
 * `camSafeUrlEncode` and PHP's `rawurlencode`.
 *
 * The caller must have rejected lone surrogates: they have no UTF-8 form and `encodeURIComponent`
 * throws a `URIError` on them.
 *
 * @example
 * ```ts
 * cosUriEncode("dir/it's 1*2.txt"); // 'dir%2Fit%27s%201%2A2.txt'
 * ```
 */
export function cosUriEncode(value: string): string {
  // Most names and many values need no encoding at all; skipping the work is the hot path.
  if (UNRESERVED_ONLY.test(value)) return value;
  const encoded = encodeURIComponent(value);
  // encodeURIComponent keeps ! ' ( ) * (reserved in RFC 3986 but "marks" in RFC 2396); COS does not.
  return MARKS.test(encoded) ? encoded.replace(MARKS_GLOBAL, (mark) => MARK_ESCAPES[mark] ?? mark) : encoded;
}

const UNRESERVED_ONLY = /^[A-Za-z0-9\-_.~]*$/;
const MARKS = /[!'()*]/;
const MARKS_GLOBAL = /[!'()*]/g;
const MARK_ESCAPES: Readonly<Record<string, string>> = {
  '!': '%21',
  "'": '%27',
  '(': '%28',
  ')': '%29',
  '*': '%2A',
};
