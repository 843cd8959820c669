import { privilegeNames } from '../../lib/diagnose/describeUserSig';
import { PolicyError } from '../../lib/policy/PolicyError';
import { parseRoom, type Room } from '../../lib/policy/parseRoom';
import { ROOM_PRIVILEGES, type RoomPrivilege } from '../../lib/policy/roomPrivileges';
import { genPrivateMapKey, genPrivateMapKeyV1 } from '../../lib/sign';
import { CliError, EXIT } from '../CliError';
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
import { exclusive, parseInteger } from '../values';

const NAMES = Object.keys(ROOM_PRIVILEGES) as RoomPrivilege[];
// The service's default role (`audience`): join and receive, never send.
const AUDIENCE = 0xab;

/** `privatemapkey <userId>`: a TRTC room ticket. */
export const privateMapKeyCommand = defineCommand({
  name: 'privatemapkey',
  summary: 'generate a privateMapKey (a TRTC room ticket; v2, or v1 with a PEM key)',
  usage: 'privatemapkey <userId> --room-id N | --str-room-id ROOM [--privilege NAME ...] [key options]',
  description: `Generates a room permission ticket and prints only the ticket (or JSON with --json). Privileges are named (${NAMES.join(', ')}); the default is the service's audience role (0xab: join and receive). v1 tickets name numeric rooms only. ${TRTC_KEY_HELP}`,
  options: {
    ...TRTC_KEY_OPTIONS,
    'room-id': { type: 'string', value: 'N', description: 'a numeric room, 1 to 4294967294' },
    'str-room-id': { type: 'string', value: 'ROOM', description: 'a string room (TRTC: 1 to 64 characters)' },
    privilege: {
      type: 'string',
      value: 'NAME',
      multiple: true,
      description: 'grant this privilege (repeatable)',
    },
    'privilege-map': {
      type: 'string',
      value: 'BITS',
      description: 'grant these bits, 0 to 255 or 0x00 to 0xff',
    },
    expire: { type: 'string', value: 'SECONDS', description: 'lifetime, 1 to 86400 (default 300)' },
    ...GENERATION_OPTIONS,
    ...NOW_OPTION,
    ...JSON_OPTION,
  },
  positionals: { min: 1, max: 1 },
  exitStatus: '0 generated, 2 bad input, 3 Secrets Manager unreachable',
  run: async ({ values, positionals }, context) => {
    const userId = requireUserId(positionals[0]);
    exclusive(values, ['privilege', 'privilege-map']);
    const room = readRoom(values['room-id'], values['str-room-id']);
    const privilegeMap = readPrivileges(values.privilege, values['privilege-map']);
    const expire = values.expire === undefined ? 300 : parseInteger(values.expire, '--expire', 1, 86_400);
    const now = currentTime(values.now, context);
    const keys = await loadTrtcKeys(values, context);
    const sdkAppId = requireSdkAppId(keys);
    const version = ticketVersion(values.v1, keys);
    let privateMapKey: string;
    if (version === 1) {
      if (room.roomId === undefined) throw new CliError('USAGE', 'v1 privateMapKeys name numeric rooms only');
      const privateKeyPem = keys.privateKeyPem as string;
      privateMapKey = genPrivateMapKeyV1({
        sdkAppId,
        privateKeyPem,
        userId,
        expire,
        now,
        roomId: room.roomId,
        privilegeMap,
      });
    } else {
      const base = { sdkAppId, secretKey: usableSecretKey(keys), userId, expire, now, privilegeMap };
      privateMapKey =
        room.roomId === undefined
          ? genPrivateMapKey({ ...base, strRoomId: room.strRoomId })
          : genPrivateMapKey({ ...base, roomId: room.roomId });
    }
    context.stdout(
      values.json === true
        ? json({
            version,
            sdkAppId,
            userId,
            privateMapKey,
            ...room,
            privilegeMap,
            privileges: privilegeNames(privilegeMap),
            issuedAt: now,
            expire,
            expiresAt: now + expire,
          })
        : `${privateMapKey}\n`,
    );
    return EXIT.OK;
  },
});

function readRoom(roomId: string | undefined, strRoomId: string | undefined): Room {
  if (roomId === undefined && strRoomId === undefined) {
    throw new CliError('USAGE', 'give the room: --room-id N or --str-room-id ROOM');
  }
  exclusive({ 'room-id': roomId, 'str-room-id': strRoomId }, ['room-id', 'str-room-id']);
  try {
    // The service's own rule: a numeric room is a number, never the string of its digits.
    return parseRoom(
      roomId === undefined ? { strRoomId } : { roomId: parseInteger(roomId, '--room-id', 1, 4_294_967_294) },
    );
  } catch (error) {
    if (error instanceof PolicyError) throw new CliError('USAGE', error.message);
    throw error;
  }
}

function readPrivileges(names: readonly string[] | undefined, bits: string | undefined): number {
  if (bits !== undefined) return parseInteger(bits, '--privilege-map', 0, 0xff, { hex: true });
  if (names === undefined) return AUDIENCE;
  let map = 0;
  for (const name of names) {
    if (!Object.hasOwn(ROOM_PRIVILEGES, name)) {
      throw new CliError('USAGE', `--privilege must be one of ${NAMES.join(', ')}`);
    }
    map |= ROOM_PRIVILEGES[name as RoomPrivilege];
  }
  return map;
}
