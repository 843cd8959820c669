import { createTokenHandler } from '../lib/http/createTokenHandler';
import { createConfiguredRoomPolicy } from '../lib/roomHook';
import { config, logger } from '../lib/runtime/coldStart';
import { createConfiguredSecret, trtcSecretSchema } from '../lib/secrets';
import { issueRoomTicket } from '../lib/tokens';

// POST /v1/privatemapkey: a TRTC room ticket for a room the room policy (claims, rules, the app's hook)
// lets the caller enter, with privileges within what it allows; every issue and refusal is audited.

const trtcSecret = createConfiguredSecret(config, 'trtc', trtcSecretSchema(config.ticketVersion), {
  log: logger,
});
// INIT: the secret is fetched before the first request (never fails INIT; see SecretCache.prefetch).
await trtcSecret.prefetch();
const roomPolicy = createConfiguredRoomPolicy(config);

export const handler = createTokenHandler({
  route: 'privatemapkey',
  config,
  logger,
  issue: async ({ body, principal, now, log }) =>
    issueRoomTicket({ body, principal, secret: await trtcSecret.get(), config, roomPolicy, now, log }),
});
