import { createTokenHandler } from '../lib/http/createTokenHandler';
import { config, logger } from '../lib/runtime/coldStart';
import { createConfiguredSecret, trtcSecretSchema } from '../lib/secrets';
import { issueUserSig, parseUserSigRequest } from '../lib/tokens';

// POST /v1/usersig: a TRTC/IM login ticket for the caller's own user id (v2, or v1 when configured).

const trtcSecret = createConfiguredSecret(config, 'trtc', trtcSecretSchema(config.ticketVersion), {
  log: logger,
});
// INIT: the secret is fetched before the first request (never fails INIT; see SecretCache.prefetch).
await trtcSecret.prefetch();

export const handler = createTokenHandler({
  route: 'usersig',
  config,
  logger,
  issue: async ({ body, principal, now }) => {
    const request = parseUserSigRequest(body);
    return issueUserSig({ principal, request, secret: await trtcSecret.get(), config, now });
  },
});
