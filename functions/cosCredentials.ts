import { createConfiguredCosKeys } from '../lib/cos';
import { createTokenHandler } from '../lib/http/createTokenHandler';
import { config, logger } from '../lib/runtime/coldStart';
import { CosSecretSchema, createConfiguredSecret } from '../lib/secrets';
import {
  cosCredentialsAudit,
  issueCosCredentials,
  parseCosCredentialsRequest,
  withCosAudit,
} from '../lib/tokens';

// POST /v1/cos/credentials: temporary COS credentials from Tencent STS, allowed only the configured
// actions on the caller's key prefix (501 STS_NOT_CONFIGURED where STS is not used, e.g. locally).

const cosSecret = createConfiguredSecret(config, 'cos', CosSecretSchema, { log: logger });
// INIT: the secret prefetch and the STS client load, in parallel (see functions/cosSign.ts).
const [, keys] = await Promise.all([cosSecret.prefetch(), createConfiguredCosKeys(config)]);

export const handler = createTokenHandler({
  route: 'cos-credentials',
  config,
  logger,
  issue: ({ body, principal, now, log }) =>
    withCosAudit(
      log,
      'cos credentials',
      principal,
      body,
      async () => {
        const request = parseCosCredentialsRequest(body);
        return issueCosCredentials({ principal, request, secret: await cosSecret.get(), config, keys, now });
      },
      cosCredentialsAudit,
    ),
});
