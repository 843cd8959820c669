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
  // encodeURIComponent keeps ! ' ( ) * (reserved in RFC 3986 but "marks" in RFC 2396); COS does not.
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (mark) => `%${mark.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
