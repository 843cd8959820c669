// The core of each route, independent of HTTP, middy and AWS: request schemas, their parsers (which
// throw HttpError INVALID_REQUEST) and the issuing functions (which apply lib/policy, then lib/sign).
// A handler parses the body, reads the principal, the secret and the clock, and calls one of these.

export { cosCredentialsAudit, cosSignatureAudit, withCosAudit } from './cosAudit';
export {
  type CosCredentialsRequest,
  CosCredentialsRequestSchema,
  parseCosCredentialsRequest,
} from './cosCredentialsRequest';
export {
  type CosSignRequest,
  CosSignRequestSchema,
  type CosSignV4Request,
  CosSignV4RequestSchema,
  type CosSignV5Request,
  CosSignV5RequestSchema,
  parseCosSignRequest,
} from './cosSignRequest';
export {
  type CosCredentialsResponse,
  type IssueCosCredentialsInput,
  issueCosCredentials,
} from './issueCosCredentials';
export {
  type CosSignResponse,
  type CosSignV4Response,
  type CosSignV5Response,
  cosSigningHost,
  type IssueCosSignatureInput,
  issueCosSignature,
} from './issueCosSignature';
export {
  type IssuedPrivateMapKey,
  type IssuePrivateMapKeyInput,
  issuePrivateMapKey,
  type PrivateMapKeyResponse,
} from './issuePrivateMapKey';
export { type IssueRoomTicketInput, issueRoomTicket } from './issueRoomTicket';
export { type IssueUserSigInput, issueUserSig, type UserSigResponse } from './issueUserSig';
export {
  type PrivateMapKeyRequest,
  PrivateMapKeyRequestSchema,
  parsePrivateMapKeyRequest,
} from './privateMapKeyRequest';
export { type TokenTimes, tokenTimes } from './tokenTimes';
export { parseUserSigRequest, type UserSigRequest, UserSigRequestSchema } from './userSigRequest';
