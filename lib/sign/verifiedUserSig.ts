import { decodeUserSig, type UserSigDocument } from './decodeUserSig';
import { requireInteger, requireObject, requireString, UINT32_MAX } from './inputGuards';
import { decodePrivateMapUserBuf, type PrivateMap } from './privateMapUserBuf';
import { SignError } from './SignError';

/** The claims of a ticket whose signature, ids and expiry have been checked. */
export interface VerifiedUserSig
  extends Pick<
    UserSigDocument,
    'version' | 'userId' | 'sdkAppId' | 'time' | 'expire' | 'expiresAt' | 'userBuf'
  > {
  /** Present when the userbuf is a privateMapKey layout for this user and application. */
  readonly privateMap?: PrivateMap;
}

export interface VerifyInput {
  readonly sdkAppId: number;
  readonly userId: string;
  readonly userSig: string;
  readonly now: number;
  readonly leeway: number;
}

/** Clock skew tolerance is for seconds of drift, not for extending tickets: capped at one day. */
const MAX_LEEWAY = 86_400;

export function checkVerifyInput(params: unknown): VerifyInput {
  requireObject('params', params);
  return {
    sdkAppId: requireInteger('sdkAppId', params.sdkAppId, 1, UINT32_MAX),
    userId: requireString('userId', params.userId),
    userSig: requireString('userSig', params.userSig),
    now: requireInteger('now', params.now, 0, Number.MAX_SAFE_INTEGER),
    leeway: params.leeway === undefined ? 0 : requireInteger('leeway', params.leeway, 0, MAX_LEEWAY),
  };
}

/**
 * The verification steps both generations share, in a deliberate order: a ticket for another user
 * or app is a mismatch whatever its signature; ERR_EXPIRED is only reported for authentic tickets,
 * so that code never tells a forger anything.
 */
export function verifyDocument(
  input: VerifyInput,
  version: 1 | 2,
  signatureMatches: (doc: UserSigDocument) => boolean,
): VerifiedUserSig {
  const doc = decodeUserSig(input.userSig);
  if (doc.version !== version) {
    throw new SignError('ERR_MALFORMED', `ticket is version ${doc.version}, expected version ${version}`);
  }
  if (doc.sdkAppId !== input.sdkAppId) throw new SignError('ERR_MISMATCH', 'ticket is for another SDKAppID');
  if (doc.userId !== input.userId) throw new SignError('ERR_MISMATCH', 'ticket is for another user id');
  if (!signatureMatches(doc)) throw new SignError('ERR_SIGNATURE', 'ticket signature does not match');

  const privateMap = doc.userBuf && readPrivateMap(doc.userBuf, doc.userId, doc.sdkAppId);
  const deadline = Math.min(doc.expiresAt, privateMap ? privateMap.expiresAt : Number.POSITIVE_INFINITY);
  if (input.now > deadline + input.leeway) throw new SignError('ERR_EXPIRED', 'ticket has expired');

  return {
    version: doc.version,
    userId: doc.userId,
    sdkAppId: doc.sdkAppId,
    time: doc.time,
    expire: doc.expire,
    expiresAt: doc.expiresAt,
    ...(doc.userBuf ? { userBuf: doc.userBuf } : {}),
    ...(privateMap ? { privateMap } : {}),
  };
}

function readPrivateMap(userBuf: Uint8Array, userId: string, sdkAppId: number): PrivateMap | undefined {
  const decoded = decodePrivateMapUserBuf(userBuf);
  if (!decoded || decoded.sdkAppId !== sdkAppId || !decoded.account.equals(Buffer.from(userId, 'utf8'))) {
    return undefined;
  }
  const { account: _account, sdkAppId: _sdkAppId, ...privateMap } = decoded;
  return privateMap;
}
