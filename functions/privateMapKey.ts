import { createTokenHandler } from '../lib/http/createTokenHandler';
import { config, logger } from '../lib/runtime/coldStart';
import { createConfiguredSecret, TrtcSecretSchema } from '../lib/secrets';
import { issuePrivateMapKey, parsePrivateMapKeyRequest } from '../lib/tokens';

// POST /v1/privatemapkey: a TRTC room ticket (room, privileges from the caller's role, expiry).

const trtcSecret = createConfiguredSecret(config, 'trtc', TrtcSecretSchema, { log: logger });
// INIT: the secret is fetched before the first request (never fails INIT; see SecretCache.prefetch).
await trtcSecret.prefetch();

export const handler = createTokenHandler({
  route: 'privatemapkey',
  config,
  logger,
  issue: async ({ body, principal, now }) => {
    const request = parsePrivateMapKeyRequest(body);
    return issuePrivateMapKey({ principal, request, secret: await trtcSecret.get(), config, now });
  },
});
