import { SignError } from './SignError';

// Internal guards shared by the public signing functions. Two failure classes on purpose: a value of
// the wrong JavaScript type is a programming error (TypeError); a value of the right type that the
// algorithm cannot sign unambiguously is bad data (SignError ERR_INPUT). Messages name the argument,
// never echo secret material.

export const UINT32_MAX = 0xffff_ffff;

export function requireObject(name: string, value: unknown): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) throw new TypeError(`${name} must be an object`);
}

export function requireInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SignError('ERR_INPUT', `${name} must be an integer between ${min} and ${max}`);
  }
  return value;
}

export function requireString(name: string, value: unknown): string {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string`);
  return value;
}

export function requireSecret(name: string, value: unknown): string {
  const secret = requireString(name, value);
  if (secret.length === 0) throw new SignError('ERR_INPUT', `${name} must not be empty`);
  return secret;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what we reject
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * Text that goes into a signed line-based document: it must encode to UTF-8 without loss (no lone
 * surrogates, which every encoder would replace differently) and must not contain control characters
 * (a newline would let one field forge the next line of the signed content).
 */
export function requireSignableText(name: string, value: unknown, maxBytes: number): string {
  const text = requireString(name, value);
  if (!text.isWellFormed()) throw new SignError('ERR_INPUT', `${name} contains an unpaired surrogate`);
  if (CONTROL_CHARACTER.test(text)) throw new SignError('ERR_INPUT', `${name} contains a control character`);
  if (Buffer.byteLength(text, 'utf8') > maxBytes) {
    throw new SignError('ERR_INPUT', `${name} is longer than ${maxBytes} bytes (UTF-8)`);
  }
  return text;
}

export function requireBytes(name: string, value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array or Buffer`);
  return value;
}

const MAX_USERBUF_BYTES = 0xffff;

/** A userbuf: 1 to 65535 bytes. An empty one is signed by one official library and dropped by others. */
export function requireUserBuf(value: unknown): Uint8Array {
  const userBuf = requireBytes('userBuf', value);
  if (userBuf.length === 0 || userBuf.length > MAX_USERBUF_BYTES) {
    throw new SignError('ERR_INPUT', `userBuf must hold 1 to ${MAX_USERBUF_BYTES} bytes`);
  }
  return userBuf;
}
