import { type KeyObject, sign } from 'node:crypto';
import { sealTicket } from './ticketEnvelope';

// Legacy v1 tickets: every JSON value is a string, the signed text is a fixed sequence of lines
// (TLS.version is not signed), and the signature is DER-encoded ECDSA over SHA-256.

export interface UserSigV1Fields {
  readonly accountType: string;
  readonly userId: string;
  readonly appIdAt3rd?: string | undefined;
  readonly sdkAppId: string;
  readonly expireAfter: string;
  readonly time: string;
  readonly userBufBase64?: string | undefined;
}

/** The signed text, from field values exactly as they appear in the JSON. */
export function userSigV1Content(f: UserSigV1Fields): string {
  const appIdLine = f.appIdAt3rd === undefined ? '' : `TLS.appid_at_3rd:${f.appIdAt3rd}\n`;
  const userBufLine = f.userBufBase64 === undefined ? '' : `TLS.userbuf:${f.userBufBase64}\n`;
  return (
    `${appIdLine}TLS.account_type:${f.accountType}\nTLS.identifier:${f.userId}\n` +
    `TLS.sdk_appid:${f.sdkAppId}\nTLS.time:${f.time}\nTLS.expire_after:${f.expireAfter}\n${userBufLine}`
  );
}

/** Library version strings of the two official v1 generators (unsigned, informational). */
export const V1_VERSION_TLS_SIG_API = '201610110000';
export const V1_VERSION_SIGN_SRV = '201512300000';

/** Signs and seals, with the key order of the official Node library `tls-sig-api`. */
export function sealUserSigV1(f: UserSigV1Fields, version: string, privateKey: KeyObject): string {
  const signature = sign('sha256', Buffer.from(userSigV1Content(f), 'utf8'), privateKey).toString('base64');
  const doc: Record<string, string> = {
    'TLS.account_type': f.accountType,
    'TLS.identifier': f.userId,
    'TLS.appid_at_3rd': f.appIdAt3rd ?? '0',
    'TLS.sdk_appid': f.sdkAppId,
    'TLS.expire_after': f.expireAfter,
    'TLS.version': version,
    'TLS.time': f.time,
  };
  if (f.userBufBase64 !== undefined) doc['TLS.userbuf'] = f.userBufBase64;
  doc['TLS.sig'] = signature;
  return sealTicket(JSON.stringify(doc));
}
