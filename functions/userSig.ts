import { createTokenHandler } from '../lib/http/createTokenHandler';
import { config, logger } from '../lib/runtime/coldStart';
import { createConfiguredSecret, TrtcSecretSchema } from '../lib/secrets';
import { issueUserSig, parseUserSigRequest } from '../lib/tokens';

// POST /v1/usersig: a TRTC/IM login ticket for the caller's own user id.

const trtcSecret = createConfiguredSecret(config, 'trtc', TrtcSecretSchema, { log: logger });
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
