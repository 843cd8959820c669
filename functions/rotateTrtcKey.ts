import { handleTrtcRotationEvent, trtcJobDeps } from '../lib/rotation/trtcRotationHandler';
import { config, logger } from '../lib/runtime/coldStart';
import { createSecretsManagerClient } from '../lib/secrets/createSecretsManagerClient';

// The staged rotation function of the TRTC secret: promotes the version an operator labelled STAGED
// once Tencent accepts its key (account_check). Not an HTTP route.

const client = createSecretsManagerClient({ requestTimeoutMs: 5_000, connectionTimeoutMs: 2_000 });
const deps = trtcJobDeps(config, { client, log: logger.child({ function: 'rotateTrtcKey' }) });

/**
 * @example
 * ```ts
 * await handler({ Step: 'testSecret', SecretId: arn, ClientRequestToken: token });
 * ```
 */
export const handler = (event: unknown) => handleTrtcRotationEvent(event, deps);
