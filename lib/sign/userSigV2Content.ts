import { createHmac } from 'node:crypto';

// The exact HMAC input of a v2 ticket: four (five with a userbuf) "key:value\n" lines. Signer and
// verifier must build it from the same function or they drift apart.

export interface UserSigV2Fields {
  readonly userId: string;
  readonly sdkAppId: number;
  readonly time: number;
  readonly expire: number;
  /** Standard base64 of the userbuf, exactly as written in (or read from) TLS.userbuf. */
  readonly userBufBase64?: string | undefined;
}

export function userSigV2Content(f: UserSigV2Fields): string {
  const userBufLine = f.userBufBase64 === undefined ? '' : `TLS.userbuf:${f.userBufBase64}\n`;
  return `TLS.identifier:${f.userId}\nTLS.sdkappid:${f.sdkAppId}\nTLS.time:${f.time}\nTLS.expire:${f.expire}\n${userBufLine}`;
}

/** HMAC-SHA256 keyed with the secret key's UTF-8 bytes as given (not hex-decoded), raw bytes. */
export function userSigV2Mac(secretKey: string, f: UserSigV2Fields): Buffer {
  return createHmac('sha256', secretKey).update(userSigV2Content(f), 'utf8').digest();
}

/**
 * The JSON document in the key order of the official Node library, so whole strings match. Written as
 * a template because it is the hot path: only the user id needs JSON escaping (numbers are integers
 * and base64 has no character JSON escapes), and JSON.stringify of a string is what an object
 * serialisation would do to it.
 */
export function userSigV2Json(f: UserSigV2Fields, signatureBase64: string): string {
  const userBuf = f.userBufBase64 === undefined ? '' : `"TLS.userbuf":"${f.userBufBase64}",`;
  return `{"TLS.ver":"2.0","TLS.identifier":${JSON.stringify(f.userId)},"TLS.sdkappid":${f.sdkAppId},"TLS.time":${f.time},"TLS.expire":${f.expire},${userBuf}"TLS.sig":"${signatureBase64}"}`;
}
