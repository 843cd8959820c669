import { genUserSig, genUserSigV1 } from '../../lib/sign';
import { EXIT } from '../CliError';
import { currentTime, JSON_OPTION, NOW_OPTION } from '../commonOptions';
import { defineCommand } from '../defineCommand';
import { json } from '../format';
import {
  loadTrtcKeys,
  requireSdkAppId,
  TRTC_KEY_HELP,
  TRTC_KEY_OPTIONS,
  usableSecretKey,
} from '../loadTrtcKeys';
import { GENERATION_OPTIONS, requireUserId, ticketVersion } from '../ticketOptions';
import { parseInteger } from '../values';

const MAX_EXPIRE = 15_552_000; // 180 days, the official libraries' default lifetime

/** `usersig <userId>`: a login ticket, like the console's userSig tool. */
export const userSigCommand = defineCommand({
  name: 'usersig',
  summary: 'generate a userSig (v2, or v1 with a PEM key)',
  usage: 'usersig <userId> [key options] [--expire SECONDS] [--v1] [--json]',
  description: `Generates a login ticket for Tencent IM/TRTC, as the console's userSig tool does, and prints only the ticket (or JSON with --json). ${TRTC_KEY_HELP}`,
  options: {
    ...TRTC_KEY_OPTIONS,
    expire: { type: 'string', value: 'SECONDS', description: `lifetime, 1 to ${MAX_EXPIRE} (default 7200)` },
    ...GENERATION_OPTIONS,
    ...NOW_OPTION,
    ...JSON_OPTION,
  },
  positionals: { min: 1, max: 1 },
  exitStatus: '0 generated, 2 bad input, 3 Secrets Manager unreachable',
  run: async ({ values, positionals }, context) => {
    const userId = requireUserId(positionals[0]);
    const expire =
      values.expire === undefined ? 7200 : parseInteger(values.expire, '--expire', 1, MAX_EXPIRE);
    const now = currentTime(values.now, context);
    const keys = await loadTrtcKeys(values, context);
    const sdkAppId = requireSdkAppId(keys);
    const version = ticketVersion(values.v1, keys);
    const userSig =
      version === 1
        ? genUserSigV1({ sdkAppId, privateKeyPem: keys.privateKeyPem as string, userId, expire, now })
        : genUserSig({ sdkAppId, secretKey: usableSecretKey(keys), userId, expire, now });
    context.stdout(
      values.json === true
        ? json({ version, sdkAppId, userId, userSig, issuedAt: now, expire, expiresAt: now + expire })
        : `${userSig}\n`,
    );
    return EXIT.OK;
  },
});
