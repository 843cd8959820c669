import { diagnoseUserSig } from '../../lib/diagnose/diagnoseUserSig';
import { MAX_ROOM_ID } from '../../lib/sign';
import { CliError, EXIT } from '../CliError';
import { currentTime, JSON_OPTION, NOW_OPTION } from '../commonOptions';
import { defineCommand } from '../defineCommand';
import { json } from '../format';
import { loadPublicKeyFile, loadTrtcKeys, TRTC_KEY_HELP, TRTC_KEY_OPTIONS } from '../loadTrtcKeys';
import { readTicketArgument } from '../readArgument';
import { renderDiagnosis } from '../renderTicket';
import { exclusive, parseInteger } from '../values';

/** `verify <ticket>`: a diagnosis in words, with the code Tencent would answer. */
export const verifyCommand = defineCommand({
  name: 'verify',
  summary: 'check a ticket and say, with the code Tencent answers, why a login would fail',
  usage: 'verify <ticket|-> [--sdk-app-id ID] [--user ID] [key options] [--now TIME] [--leeway SECONDS]',
  description: `Checks a userSig or privateMapKey (- reads it from standard input) as Tencent does: form (70003), key generation (70009), SDKAppID (70014), user (70013), expiry (70001), signature (70009) and, for a privateMapKey, the room (-100006). A valid ticket gets "valid until ...". ${TRTC_KEY_HELP}`,
  options: {
    ...TRTC_KEY_OPTIONS,
    'public-key': {
      type: 'string',
      value: 'FILE',
      description:
        'check v1 tickets with this PEM key (public, or the private key whose public half is used)',
    },
    user: { type: 'string', value: 'ID', description: 'the user id the app logs in as' },
    'room-id': {
      type: 'string',
      value: 'N',
      description: 'the numeric room the app enters with a privateMapKey',
    },
    'str-room-id': { type: 'string', value: 'ROOM', description: 'the string room the app enters' },
    leeway: {
      type: 'string',
      value: 'SECONDS',
      description: 'clock skew to allow past the expiry, 0 to 86400 (default 0)',
    },
    ...NOW_OPTION,
    ...JSON_OPTION,
  },
  positionals: { min: 1, max: 1 },
  exitStatus: '0 valid, 1 invalid, 2 bad input, 3 Secrets Manager unreachable',
  run: async ({ values, positionals }, context) => {
    exclusive(values, ['room-id', 'str-room-id']);
    const now = currentTime(values.now, context);
    const leeway = values.leeway === undefined ? 0 : parseInteger(values.leeway, '--leeway', 0, 86_400);
    const room =
      values['room-id'] !== undefined
        ? { roomId: parseInteger(values['room-id'], '--room-id', 1, MAX_ROOM_ID) }
        : values['str-room-id'] !== undefined
          ? { strRoomId: values['str-room-id'] }
          : undefined;
    const userSig = await readTicketArgument(positionals[0], context);
    const keys = await loadTrtcKeys(values, context, { optional: values['public-key'] !== undefined });
    const publicKeyPem =
      values['public-key'] === undefined
        ? keys.publicKeyPem
        : await loadPublicKeyFile(values['public-key'], context);
    if (keys.secretKey === undefined && publicKeyPem === undefined) {
      throw new CliError('BAD_INPUT', `${keys.origin} holds no key that can check a ticket`);
    }
    const diagnosis = diagnoseUserSig({
      userSig,
      keys: {
        ...(keys.secretKey === undefined ? {} : { secretKey: keys.secretKey }),
        ...(publicKeyPem === undefined ? {} : { publicKeyPem }),
      },
      ...(keys.sdkAppId === undefined ? {} : { sdkAppId: keys.sdkAppId }),
      ...(values.user === undefined ? {} : { userId: values.user }),
      ...(room === undefined ? {} : { room }),
      now,
      leeway,
    });
    context.stdout(
      values.json === true
        ? json({ ...diagnosis, tencentCode: diagnosis.findings[0]?.tencentCode ?? 0 })
        : renderDiagnosis(diagnosis, now),
    );
    return diagnosis.valid ? EXIT.OK : EXIT.FAILED;
  },
});
