import { cosRotationDeps, handleCosRotationEvent } from '../lib/rotation/cosRotationHandler';
import { config, logger } from '../lib/runtime/coldStart';
import { createSecretsManagerClient } from '../lib/secrets/createSecretsManagerClient';

// The Secrets Manager rotation function of the COS secret (createSecret, setSecret, testSecret,
// finishSecret against Tencent CAM), and the hourly task that disables the previous key once its grace
// period is over. Not an HTTP route.

const client = createSecretsManagerClient({ requestTimeoutMs: 5_000, connectionTimeoutMs: 2_000 });
const deps = cosRotationDeps(config, { client, log: logger.child({ function: 'rotateCosKey' }) });

/**
 * @example
 * ```ts
 * await handler({ Step: 'createSecret', SecretId: arn, ClientRequestToken: token });
 * await handler({ task: 'disablePreviousKey' });
 * ```
 */
export const handler = (event: unknown) => handleCosRotationEvent(event, deps);
