import { createRequire } from 'node:module';

// Tencent's official Node libraries (CommonJS, untyped), loaded once with the types the tests use. They
// read the clock themselves: pin it with vi.spyOn(Date, 'now') when comparing outputs.

const require = createRequire(import.meta.url);

/** `tls-sig-api-v2` (TLS sig v2): `new OfficialTlsSigApiV2(sdkAppId, key)`. */
export interface OfficialV2Api {
  genUserSig(userId: string, expire: number): string;
  genSig(userId: string, expire: number, userBuf: Buffer): string;
  genPrivateMapKey(userId: string, expire: number, roomId: number, privilegeMap: number): string;
  genPrivateMapKeyWithStringRoomID(
    userId: string,
    expire: number,
    roomStr: string,
    privilegeMap: number,
  ): string;
}
export const OfficialTlsSigApiV2 = (
  require('tls-sig-api-v2') as { Api: new (sdkAppId: number, key: string) => OfficialV2Api }
).Api;

/** `tls-sig-api` (legacy v1, ECDSA). */
export interface OfficialV1Sig {
  genSig(userId: string): string;
  genSigWithUserbuf(userId: string, userBuf: Buffer): string;
  verifySig(sig: string, userId: string): boolean;
  /** Returns the userbuf decoded as a UTF-8 string (lossy), or false. */
  verifySigWithUserbuf(sig: string, userId: string): string | false;
}
export const OfficialTlsSigApiV1 = (
  require('tls-sig-api') as {
    Sig: new (config: {
      sdk_appid: number;
      expire_after: number;
      private_key_string: string;
      public_key_string: string;
    }) => OfficialV1Sig;
  }
).Sig;
