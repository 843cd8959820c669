import { runTrtcKeyCheck, trtcJobDeps } from '../lib/rotation/trtcRotationHandler';
import { config, logger } from '../lib/runtime/coldStart';
import { createSecretsManagerClient } from '../lib/secrets/createSecretsManagerClient';

// The scheduled TRTC key health check (EventBridge): is the AWSCURRENT key the one Tencent holds? Logs
// the answer, explained, with the TrtcKeyCheckFailed metric in CloudWatch Embedded Metric Format.

const client = createSecretsManagerClient({ requestTimeoutMs: 5_000, connectionTimeoutMs: 2_000 });
const deps = trtcJobDeps(config, { client, log: logger.child({ function: 'checkTrtcKey' }) });

/**
 * @example
 * ```ts
 * await handler(); // { ok: true, reason: 'OK', sdkAppId: 1400000000, errorCode: 0 }
 * ```
 */
export const handler = () => runTrtcKeyCheck(deps);
