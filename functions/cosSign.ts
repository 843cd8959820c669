import { createTokenHandler } from '../lib/http/createTokenHandler';
import { config, logger } from '../lib/runtime/coldStart';
import { CosSecretSchema, createConfiguredSecret } from '../lib/secrets';
import { issueCosSignature, parseCosSignRequest } from '../lib/tokens';

// POST /v1/cos/sign: a COS request signature (XML API v5 by default, legacy v4 on request), confined to
// the caller's key prefix.

const cosSecret = createConfiguredSecret(config, 'cos', CosSecretSchema, { log: logger });
// INIT: the secret is fetched before the first request (never fails INIT; see SecretCache.prefetch).
await cosSecret.prefetch();

export const handler = createTokenHandler({
  route: 'cos-sign',
  config,
  logger,
  issue: async ({ body, principal, now }) => {
    const request = parseCosSignRequest(body);
    return issueCosSignature({ principal, request, secret: await cosSecret.get(), config, now });
  },
});
