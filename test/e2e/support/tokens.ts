import { createHmac } from 'node:crypto';
import COS from 'cos-nodejs-sdk-v5';
import { expect } from 'vitest';
import { decodeUserSig, verifyUserSig } from '../../../lib/sign';
import { userSigV2Mac } from '../../../lib/sign/userSigV2Content';
import { fakeTmpSecretKey, readFakeSessionToken } from '../../support/fakeTemporaryKeys';
import type { Route } from './client';
import { cosPrefixOf, E2E_COS_SECRET, E2E_STS_SEED, E2E_TRTC_SECRET } from './fixtures';

// Checks of the tokens the service issued, from the outside: whose they are and which key signed them
// (Tencent's own verifier logic in lib/sign for TRTC tickets, the official cos-nodejs-sdk-v5 for COS,
// the loopback STS's record in the session token for temporary keys).

/** The part of a TRTC secret that signs tickets. */
export interface TrtcKey {
  readonly sdkAppId: number;
  readonly secretKey: string;
}

/** The part of a COS secret that signs requests. */
export interface CosKey {
  readonly appId: string;
  readonly secretId: string;
  readonly secretKey: string;
  readonly bucket: string;
}

/**
 * Whether a v2 userSig or privateMapKey carries the HMAC of `secretKey` (any key, the empty one
 * included, which `verifyUserSig` refuses as an argument). Decodes without checking the expiry.
 *
 * @example
 * ```ts
 * expect(userSigSignedWith(json.userSig, E2E_TRTC_SECRET.secretKey)).toBe(true);
 * expect(userSigSignedWith(json.userSig, '')).toBe(false);
 * ```
 */
export function userSigSignedWith(userSig: string, secretKey: string): boolean {
  const doc = decodeUserSig(userSig);
  const mac = userSigV2Mac(secretKey, {
    userId: doc.userId,
    sdkAppId: doc.sdkAppId,
    time: doc.time,
    expire: doc.expire,
    userBufBase64: doc.fields['TLS.userbuf'] as string | undefined,
  });
  return doc.version === 2 && mac.equals(Buffer.from(doc.signature));
}

/**
 * Whether a v5 `/v1/cos/sign` response's `authorization` is what cos-nodejs-sdk-v5 computes for the
 * same request (method, key, headers, the `query` the request asked for, key time) with `key`.
 *
 * @example
 * ```ts
 * expect(cosV5SignedWith(json, E2E_COS_SECRET)).toBe(true);
 * ```
 */
export function cosV5SignedWith(
  json: Record<string, unknown>,
  key: Pick<CosKey, 'secretId' | 'secretKey'>,
  query?: Readonly<Record<string, string>>,
): boolean {
  const authorization = json.authorization as string;
  const keyTime = /q-key-time=(\d+;\d+)/.exec(authorization)?.[1];
  if (keyTime === undefined) return false;
  return (
    authorization ===
    COS.getAuthorization({
      SecretId: key.secretId,
      SecretKey: key.secretKey,
      Method: json.method as COS.Method,
      Pathname: `/${json.key as string}`,
      // The security token travels unsigned, as the SDKs send it.
      Headers: Object.fromEntries(
        Object.entries(json.headers as Record<string, string>).filter(
          ([name]) => name !== 'x-cos-security-token',
        ),
      ),
      KeyTime: keyTime,
      // The response does not repeat the query: the caller passes the one it asked for.
      ...(query === undefined ? {} : { Query: { ...query } }),
    })
  );
}

/**
 * The temporary key a session token of the loopback STS belongs to, and the prefix its policy allows,
 * or `undefined` when the token is not one it issued.
 *
 * @example
 * ```ts
 * temporaryKeyOf(json.SecurityToken); // { secretId: 'AKID...', secretKey: '...', resources: ['qcs::cos:...users/alice/*'] }
 * ```
 */
export function temporaryKeyOf(token: unknown):
  | {
      secretId: string;
      secretKey: string;
      /** The permanent key that asked STS for it. */
      callerSecretId: string;
      resources: string[];
      actions: string[];
      expiredTime: number;
    }
  | undefined {
  const claims = readFakeSessionToken(E2E_STS_SEED, token);
  if (claims === undefined) return undefined;
  const flat = (value: string | readonly string[]) => (typeof value === 'string' ? [value] : [...value]);
  return {
    secretId: claims.tmpSecretId,
    secretKey: fakeTmpSecretKey(E2E_STS_SEED, claims.tmpSecretId),
    callerSecretId: claims.callerSecretId,
    resources: claims.policy.statement.flatMap((statement) => flat(statement.resource)),
    actions: claims.policy.statement.flatMap((statement) => flat(statement.action)),
    expiredTime: claims.expiredTime,
  };
}

/** The only CAM resource a temporary key of `principal` may name. */
export function prefixResourceOf(principal: string): string {
  return `qcs::cos:${E2E_COS_SECRET.region}:uid/${E2E_COS_SECRET.appId}:${E2E_COS_SECRET.bucket}/${cosPrefixOf(principal)}*`;
}

/**
 * Whether a v4 signature (base64 of HMAC-SHA1(plain text) followed by the plain text) was made with
 * `key` and names its secret id and bucket.
 *
 * @example
 * ```ts
 * expect(cosV4SignedWith(json.signature, E2E_COS_SECRET)).toBe(true);
 * ```
 */
export function cosV4SignedWith(signature: string, key: CosKey): boolean {
  const bytes = Buffer.from(signature, 'base64');
  const plain = bytes.subarray(20);
  const mac = createHmac('sha1', key.secretKey).update(plain).digest();
  const text = plain.toString('utf8');
  const bucket = key.bucket.slice(0, -(key.appId.length + 1));
  return (
    mac.equals(bytes.subarray(0, 20)) && text.startsWith(`a=${key.appId}&b=${bucket}&k=${key.secretId}&`)
  );
}

/**
 * Asserts that every token of a 200 response belongs to `principal` and is signed with the given keys
 * (by default the fixture secrets): userSig and privateMapKey carry the user id and verify; a COS
 * signature covers a key under the user's prefix and verifies (pass the request's `query` for a v5
 * signature of a request with a query).
 *
 * @example
 * ```ts
 * expectIssuedTo('/v1/usersig', response.json as Record<string, unknown>, 'alice');
 * ```
 */
export function expectIssuedTo(
  route: Route,
  json: Record<string, unknown>,
  principal: string,
  options: {
    trtc?: TrtcKey;
    cos?: CosKey;
    query?: Readonly<Record<string, string>>;
    /** Which key must have signed a v5 signature: a temporary one (STS configured, the default) or the bucket key. */
    signing?: 'temporary' | 'bucket';
  } = {},
): void {
  const trtc = options.trtc ?? E2E_TRTC_SECRET;
  const cos = options.cos ?? E2E_COS_SECRET;
  const now = Math.floor(Date.now() / 1000);
  switch (route) {
    case '/v1/usersig': {
      expect(json.userId).toBe(principal);
      expect(decodeUserSig(json.userSig as string).userId).toBe(principal);
      verifyUserSig({ ...trtc, userId: principal, userSig: json.userSig as string, now });
      return;
    }
    case '/v1/privatemapkey': {
      expect(json.userId).toBe(principal);
      expect(decodeUserSig(json.privateMapKey as string).userId).toBe(principal);
      const verified = verifyUserSig({
        ...trtc,
        userId: principal,
        userSig: json.privateMapKey as string,
        now,
      });
      // The room permission inside is for this user too (readPrivateMap checks the account).
      expect(verified.privateMap).toBeDefined();
      return;
    }
    case '/v1/cos/sign': {
      const key = json.key as string;
      expect(key.startsWith(cosPrefixOf(principal))).toBe(true);
      if (json.version === 'v5') {
        if ((options.signing ?? 'temporary') === 'temporary') {
          const temporary = temporaryKeyOf(json.securityToken);
          expect(temporary, 'a temporary key of the loopback STS signed').toBeDefined();
          expect(temporary?.resources).toEqual([prefixResourceOf(principal)]);
          expect((json.headers as Record<string, string>)['x-cos-security-token']).toBe(json.securityToken);
          expect(json.expiresAt as number).toBeLessThanOrEqual(temporary?.expiredTime ?? 0);
          expect(
            cosV5SignedWith(json, temporary ?? cos, options.query),
            'the v5 authorization matches cos-nodejs-sdk-v5',
          ).toBe(true);
        } else {
          expect(json.securityToken).toBeUndefined();
          expect(
            cosV5SignedWith(json, cos, options.query),
            'the v5 authorization matches cos-nodejs-sdk-v5',
          ).toBe(true);
        }
      } else {
        expect(cosV4SignedWith(json.signature as string, cos), 'the v4 signature verifies').toBe(true);
        const plain = Buffer.from(json.signature as string, 'base64')
          .subarray(20)
          .toString('utf8');
        const bucket = cos.bucket.slice(0, -(cos.appId.length + 1));
        expect(plain).toContain(`&f=/${cos.appId}/${bucket}/${cosPrefixOf(principal)}`);
      }
      return;
    }
    case '/v1/cos/credentials': {
      expect(json.prefix).toBe(cosPrefixOf(principal));
      expect(json).toMatchObject({ bucket: E2E_COS_SECRET.bucket, region: E2E_COS_SECRET.region });
      const temporary = temporaryKeyOf(json.SecurityToken);
      expect(temporary, 'a temporary key of the loopback STS').toBeDefined();
      expect(temporary?.secretId).toBe(json.TmpSecretId);
      expect(temporary?.secretKey).toBe(json.TmpSecretKey);
      expect(temporary?.resources).toEqual([prefixResourceOf(principal)]);
      expect(json.ExpiredTime).toBe(temporary?.expiredTime);
      expect(String(json.StartTime)).toMatch(/^\d{10}$/);
      expect(String(json.ExpiredTime)).toMatch(/^\d{10}$/);
      return;
    }
  }
}
