import { SignError } from './SignError';

// Tencent's ticket alphabet is standard base64 with three substitutions (+ -> *, / -> -, = -> _),
// padding kept. It is NOT RFC 4648 base64url. The JSON fields inside a ticket use plain base64.

const UNESCAPE: Record<string, string> = { '*': '+', '-': '/', _: '=' };

export function tencentBase64Encode(bytes: Uint8Array): string {
  const base64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  // Three literal replaceAll calls beat one regex with a callback on this hot path.
  return base64.replaceAll('+', '*').replaceAll('/', '-').replaceAll('=', '_');
}

const STANDARD_BASE64 = /^[A-Za-z0-9+/]*(?:={0,2})$/;

/**
 * Strict base64 decoding: Node's decoder silently skips characters outside the alphabet, which would
 * let two different strings decode to the same ticket. Missing padding is accepted (Node decoders of
 * the official libraries are lenient about it); a length that no padding can fix is not.
 */
export function decodeStandardBase64(text: string, what: string): Buffer {
  if (!STANDARD_BASE64.test(text) || text.length % 4 === 1) {
    throw new SignError('ERR_MALFORMED', `${what} is not valid base64`);
  }
  const padded = text.replace(/=+$/, '');
  if (text.length - padded.length > 0 && text.length % 4 !== 0) {
    throw new SignError('ERR_MALFORMED', `${what} has misplaced base64 padding`);
  }
  return Buffer.from(padded, 'base64');
}

/** Decodes Tencent-escaped base64; plain base64 (as the legacy sign_srv emits) decodes the same way. */
export function tencentBase64Decode(text: string, what: string): Buffer {
  return decodeStandardBase64(
    text.replace(/[*\-_]/g, (c) => UNESCAPE[c] ?? c),
    what,
  );
}
