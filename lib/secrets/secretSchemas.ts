import * as v from 'valibot';
import { genUserSigV1 } from '../sign/genUserSigV1';

// Each field carries its expectation as a valibot `description`. `parseSecret` builds error messages from
// these texts and the issue path only, never from valibot's default messages, which quote the received
// value (here: a signing key). Write each description so that it reads after "must be".

const SDK_APP_ID_MAX = 4_294_967_295; // SDKAppID is an unsigned 32-bit integer in every official SDK.

const PEM_SHAPE =
  /^\s*-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----\r?\n[\s\S]+\r?\n-----END ([A-Z0-9]+ )*PRIVATE KEY-----\s*$/;

const trtcFields = {
  sdkAppId: v.pipe(
    v.number(),
    v.integer(),
    v.minValue(1),
    v.maxValue(SDK_APP_ID_MAX),
    v.description(`an integer between 1 and ${SDK_APP_ID_MAX}`),
  ),
  secretKey: v.pipe(v.string(), v.nonEmpty(), v.description('a non-empty string')),
};

/**
 * The TRTC / IM signing secret (one JSON secret in AWS Secrets Manager, readable only by the functions
 * that issue userSig and privateMapKey tickets). Unknown extra fields are ignored.
 *
 * - `sdkAppId`: the application's SDKAppID, an integer between 1 and 4294967295.
 * - `secretKey`: the console's key for TLS sig v2 (HMAC-SHA256).
 * - `privateKeyPem`: optional, the legacy v1 ECDSA private key (PEM), for apps that still use v1 tickets.
 *
 * @example
 * ```ts
 * const secret = parseSecret(TrtcSecretSchema, secretString, 'trtc');
 * genUserSig({ sdkAppId: secret.sdkAppId, secretKey: secret.secretKey, userId, expire, now });
 * ```
 */
export const TrtcSecretSchema = v.pipe(
  v.object({
    ...trtcFields,
    privateKeyPem: v.exactOptional(
      v.pipe(
        v.string(),
        // Shape check only; lib/sign parses the key. Accepts PKCS#8 ("PRIVATE KEY") and SEC1
        // ("EC PRIVATE KEY"), the two forms the Tencent console has handed out.
        v.regex(PEM_SHAPE),
        v.description(
          'a PEM private key ("-----BEGIN ... PRIVATE KEY-----" ... "-----END ... PRIVATE KEY-----")',
        ),
      ),
    ),
  }),
  v.description('a JSON object'),
);

/** Whether a PEM signs a v1 ticket: parsed, an EC key, on a curve Tencent uses. The key is memoised by lib/sign. */
function signsV1Tickets(privateKeyPem: string): boolean {
  try {
    genUserSigV1({ sdkAppId: 1, privateKeyPem, userId: 'key-check', expire: 1, now: 0 });
    return true;
  } catch {
    // The error is dropped on purpose: a parser's message could quote key material.
    return false;
  }
}

/**
 * The TRTC / IM secret of a configuration that issues v1 tickets (`TRTC_TICKET_VERSION=1`):
 * `privateKeyPem` is required and must be an EC private key (prime256v1 or secp256k1) that signs. A
 * secret without it fails to load (503 on every ticket route, the log naming the field), rather than
 * silently issuing v2 tickets that a v1 app would reject.
 *
 * @example
 * ```ts
 * const secret = parseSecret(TrtcSecretV1Schema, secretString, 'trtc'); // secret.privateKeyPem is a string
 * ```
 */
export const TrtcSecretV1Schema = v.pipe(
  v.object({
    ...trtcFields,
    privateKeyPem: v.pipe(
      v.string(),
      v.regex(PEM_SHAPE),
      v.check(signsV1Tickets),
      v.description(
        'a PEM EC private key (prime256v1 or secp256k1) that signs v1 tickets, which TRTC_TICKET_VERSION=1 needs',
      ),
    ),
  }),
  v.description('a JSON object'),
);

/**
 * The TRTC schema for a ticket version.
 *
 * @example
 * ```ts
 * createConfiguredSecret(config, 'trtc', trtcSecretSchema(config.ticketVersion));
 * ```
 */
export function trtcSecretSchema(version: 1 | 2): typeof TrtcSecretSchema | typeof TrtcSecretV1Schema {
  return version === 1 ? TrtcSecretV1Schema : TrtcSecretSchema;
}

/**
 * The TRTC / IM signing secret after validation.
 *
 * @example
 * ```ts
 * const secret: TrtcSecret = { sdkAppId: 1400000000, secretKey: 'from-the-console' };
 * ```
 */
export type TrtcSecret = v.InferOutput<typeof TrtcSecretSchema>;

/**
 * The COS signing secret (one JSON secret in AWS Secrets Manager, readable only by the COS signing
 * function). Unknown extra fields are ignored.
 *
 * - `appId`: the Tencent Cloud APPID, 1 to 20 decimal digits, as a string (it is an identifier, not a
 *   quantity, and JSON numbers lose digits past 2^53).
 * - `secretId`, `secretKey`: the API key pair that signs COS requests.
 * - `bucket`: the full bucket name `<name>-<appId>`, as COS writes it.
 * - `region`: the COS region, such as `ap-guangzhou`.
 *
 * @example
 * ```ts
 * const secret = parseSecret(CosSecretSchema, secretString, 'cos');
 * cosAuthorization({ secretId: secret.secretId, secretKey: secret.secretKey, method, pathname, startTime, endTime });
 * ```
 */
export const CosSecretSchema = v.pipe(
  v.object({
    // The signers take the APPID as an exact integer: no leading zero, at most 15 digits.
    appId: v.pipe(
      v.string(),
      v.regex(/^[1-9][0-9]{0,14}$/),
      v.description('a string of 1 to 15 decimal digits without a leading zero'),
    ),
    // Whitespace would break the Authorization header and "&" the q-ak field: the signers refuse both,
    // so a secret holding them must fail here, at load, not as a client error on every request.
    secretId: v.pipe(
      v.string(),
      v.regex(/^[\x21-\x25\x27-\x7e]+$/),
      v.description('a non-empty string of visible ASCII characters other than "&"'),
    ),
    secretKey: v.pipe(
      v.string(),
      v.regex(/^[\x21-\x7e]+$/),
      v.description('a non-empty string of visible ASCII characters'),
    ),
    bucket: v.pipe(
      v.string(),
      v.regex(/^[a-z0-9-]+-[1-9][0-9]{0,14}$/),
      v.description(
        'the full bucket name "<name>-<appId>" (name of lowercase letters, digits and hyphens, ending with "-" and the appId)',
      ),
    ),
    region: v.pipe(
      v.string(),
      v.regex(/^[a-z0-9-]+$/),
      v.description('a COS region such as "ap-guangzhou" (lowercase letters, digits and hyphens)'),
    ),
  }),
  v.description('a JSON object'),
  // Reported on `bucket`, whose description already says it must end with the appId.
  v.forward(
    v.partialCheck([['appId'], ['bucket']], (secret) => secret.bucket.endsWith(`-${secret.appId}`)),
    ['bucket'],
  ),
);

/**
 * The COS signing secret after validation.
 *
 * @example
 * ```ts
 * const secret: CosSecret = {
 *   appId: '1250000000',
 *   secretId: 'AKID-from-the-console',
 *   secretKey: 'from-the-console',
 *   bucket: 'uploads-1250000000',
 *   region: 'ap-guangzhou',
 * };
 * ```
 */
export type CosSecret = v.InferOutput<typeof CosSecretSchema>;

/**
 * The HS256 session secret of a deployed stage whose app signs its own session tokens (instead of an
 * identity provider with a JWKS): readable by the authorizer alone, so that no function configuration
 * or template ever holds it.
 *
 * - `hs256Secret`: the shared secret the app's backend signs session JWTs with, at least 32 characters.
 *
 * @example
 * ```ts
 * const { hs256Secret } = parseSecret(SessionSecretSchema, secretString, 'session');
 * ```
 */
export const SessionSecretSchema = v.pipe(
  v.object({
    hs256Secret: v.pipe(v.string(), v.minLength(32), v.description('a string of at least 32 characters')),
  }),
  v.description('a JSON object'),
);

/**
 * The HS256 session secret after validation.
 *
 * @example
 * ```ts
 * const secret: SessionSecret = { hs256Secret: 'a-long-random-string-from-your-backend' };
 * ```
 */
export type SessionSecret = v.InferOutput<typeof SessionSecretSchema>;

/**
 * The COS key rotator's own credential (one JSON secret readable only by `rotateCosKey`): a CAM identity
 * whose policy allows `cam:ListAccessKeys`, `cam:CreateAccessKey`, `cam:UpdateAccessKey` and
 * `cam:DeleteAccessKey` on the COS user only (README, "Rotation"), never the COS user's own key.
 *
 * - `secretId`, `secretKey`: the rotator's API key.
 * - `targetUin`: the UIN of the CAM user whose key signs COS requests (`TargetUin` of the CAM calls).
 *
 * @example
 * ```ts
 * const rotator = parseSecret(CosRotatorSecretSchema, secretString, 'cos-rotator');
 * camAccessKeys(tencentApiCaller(cam, rotator, { timeoutMs }), rotator.targetUin);
 * ```
 */
export const CosRotatorSecretSchema = v.pipe(
  v.object({
    secretId: v.pipe(
      v.string(),
      v.regex(/^[\x21-\x7e]+$/),
      v.description('a non-empty string of visible ASCII characters'),
    ),
    secretKey: v.pipe(
      v.string(),
      v.regex(/^[\x21-\x7e]+$/),
      v.description('a non-empty string of visible ASCII characters'),
    ),
    targetUin: v.pipe(
      v.number(),
      v.integer(),
      v.minValue(1),
      v.maxValue(Number.MAX_SAFE_INTEGER),
      v.description('the UIN (a positive integer) of the CAM user whose key signs COS requests'),
    ),
  }),
  v.description('a JSON object'),
);

/** The COS key rotator's credential after validation. */
export type CosRotatorSecret = v.InferOutput<typeof CosRotatorSecretSchema>;
