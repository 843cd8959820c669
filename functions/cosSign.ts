import { createConfiguredCosKeys } from '../lib/cos';
import { createTokenHandler } from '../lib/http/createTokenHandler';
import { config, logger } from '../lib/runtime/coldStart';
import { CosSecretSchema, createConfiguredSecret } from '../lib/secrets';
import { cosSignatureAudit, issueCosSignature, parseCosSignRequest, withCosAudit } from '../lib/tokens';

// POST /v1/cos/sign: a COS request signature (XML API v5 by default, legacy v4 on request), confined to
// the caller's key prefix and to the allowlisted operations, headers and parameters; made with a
// temporary key scoped to that prefix when STS is configured.

const cosSecret = createConfiguredSecret(config, 'cos', CosSecretSchema, { log: logger });
// INIT: the secret is fetched before the first request (never fails INIT; see SecretCache.prefetch), and
// the STS client (when configured) is loaded, both in parallel.
const [, keys] = await Promise.all([cosSecret.prefetch(), createConfiguredCosKeys(config)]);

export const handler = createTokenHandler({
  route: 'cos-sign',
  config,
  logger,
  issue: ({ body, principal, now, log }) =>
    withCosAudit(
      log,
      'cos signature',
      principal,
      body,
      async () => {
        const request = parseCosSignRequest(body);
        return issueCosSignature({ principal, request, secret: await cosSecret.get(), config, keys, now });
      },
      cosSignatureAudit,
    ),
});
