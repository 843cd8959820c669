import { requireString } from './inputGuards';
import { SignError } from './SignError';
import { decodeStandardBase64 } from './tencentBase64';
import { openTicket } from './ticketEnvelope';

/** A decoded (not verified) userSig or privateMapKey of either generation. */
export interface UserSigDocument {
  /** 2 for HMAC-SHA256 tickets (`TLS.ver` "2.0"), 1 for legacy ECDSA tickets. */
  readonly version: 1 | 2;
  readonly userId: string;
  readonly sdkAppId: number;
  /** Issue time, Unix seconds (`TLS.time`). */
  readonly time: number;
  /** Validity in seconds relative to `time` (`TLS.expire`, v1 `TLS.expire_after`). */
  readonly expire: number;
  /** `time + expire`: the last second at which the ticket is valid. */
  readonly expiresAt: number;
  /** Decoded `TLS.userbuf`, when present. */
  readonly userBuf?: Uint8Array;
  /** Decoded `TLS.sig`: an HMAC (v2) or a DER ECDSA signature (v1). */
  readonly signature: Uint8Array;
  /** The JSON fields exactly as found, for inspection and for rebuilding the signed content. */
  readonly fields: Readonly<Record<string, unknown>>;
}

function field(doc: Record<string, unknown>, name: string): unknown {
  if (!(name in doc)) throw new SignError('ERR_MALFORMED', `ticket lacks ${name}`);
  return doc[name];
}

function stringField(doc: Record<string, unknown>, name: string): string {
  const value = field(doc, name);
  if (typeof value !== 'string') throw new SignError('ERR_MALFORMED', `${name} is not a string`);
  return value;
}

// v2 numbers are JSON integers (the C++ verifier requires unsigned integers).
function integerField(doc: Record<string, unknown>, name: string): number {
  const value = field(doc, name);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new SignError('ERR_MALFORMED', `${name} is not a non-negative integer`);
  }
  return value;
}

// v1 numbers are decimal strings; the signed text uses the string as written.
function decimalStringField(doc: Record<string, unknown>, name: string): number {
  const value = stringField(doc, name);
  const number = Number(value);
  if (!/^\d{1,15}$/.test(value) || !Number.isSafeInteger(number)) {
    throw new SignError('ERR_MALFORMED', `${name} is not a decimal integer`);
  }
  return number;
}

function optionalUserBuf(doc: Record<string, unknown>): { userBuf?: Uint8Array } {
  if (!('TLS.userbuf' in doc)) return {};
  return { userBuf: decodeStandardBase64(stringField(doc, 'TLS.userbuf'), 'TLS.userbuf') };
}

/**
 * Decodes a userSig or privateMapKey (v1 or v2) without verifying it: base64, zlib and JSON, with
 * every field type checked. Use it to inspect a ticket; use `verifyUserSig` to trust one.
 *
 * @throws TypeError when `userSig` is not a string.
 * @throws SignError `ERR_MALFORMED` for anything that is not a well-formed ticket (never a raw zlib
 * or JSON error).
 *
 * @example
 * ```ts
 * const doc = decodeUserSig(userSig);
 * console.log(doc.version, doc.userId, new Date(doc.expiresAt * 1000));
 * ```
 */
export function decodeUserSig(userSig: string): UserSigDocument {
  requireString('userSig', userSig);
  const doc = openTicket(userSig);
  if ('TLS.ver' in doc) {
    if (doc['TLS.ver'] !== '2.0') throw new SignError('ERR_MALFORMED', 'unknown TLS.ver');
    return documentOf(doc, 2, integerField, { sdkAppId: 'TLS.sdkappid', expire: 'TLS.expire' });
  }
  stringField(doc, 'TLS.account_type');
  if ('TLS.appid_at_3rd' in doc) stringField(doc, 'TLS.appid_at_3rd');
  return documentOf(doc, 1, decimalStringField, { sdkAppId: 'TLS.sdk_appid', expire: 'TLS.expire_after' });
}

// The generations differ only in two field names and in how numbers are written (JSON integers in v2,
// decimal strings in v1).
function documentOf(
  doc: Record<string, unknown>,
  version: 1 | 2,
  readNumber: (doc: Record<string, unknown>, name: string) => number,
  names: { readonly sdkAppId: string; readonly expire: string },
): UserSigDocument {
  const time = readNumber(doc, 'TLS.time');
  const expire = readNumber(doc, names.expire);
  return {
    version,
    userId: stringField(doc, 'TLS.identifier'),
    sdkAppId: readNumber(doc, names.sdkAppId),
    time,
    expire,
    expiresAt: time + expire,
    ...optionalUserBuf(doc),
    signature: decodeStandardBase64(stringField(doc, 'TLS.sig'), 'TLS.sig'),
    fields: doc,
  };
}
