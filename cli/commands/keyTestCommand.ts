import { createHash, createPublicKey } from 'node:crypto';
import { AccountCheckError, accountCheck, IM_REST_ENDPOINTS } from '../../lib/im/accountCheck';
import { explainTencentCode } from '../../lib/im/tencentErrorCodes';
import { genUserSig, genUserSigV1, SignError, verifyUserSig, verifyUserSigV1 } from '../../lib/sign';
import type { CliContext } from '../CliContext';
import { CliError, EXIT } from '../CliError';
import { currentTime, JSON_OPTION, NOW_OPTION } from '../commonOptions';
import { defineCommand } from '../defineCommand';
import { json, table } from '../format';
import {
  loadPublicKeyFile,
  loadTrtcKeys,
  TRTC_KEY_HELP,
  TRTC_KEY_OPTIONS,
  type TrtcKeys,
} from '../loadTrtcKeys';
import { wrap } from '../options';

type Outcome = 'ok' | 'warn' | 'FAIL';
interface Check {
  readonly outcome: Outcome;
  readonly name: string;
  readonly message: string;
  readonly tencentCode?: number;
}

const REGIONS = Object.keys(IM_REST_ENDPOINTS) as (keyof typeof IM_REST_ENDPOINTS)[];
// A console SDKSecretKey is 32 random bytes written as 64 lower-case hex digits.
const CONSOLE_KEY = /^[0-9a-f]{64}$/;

/** `key test`: does this key sign tickets that verify, and (with --check) does Tencent accept it? */
export const keyTestCommand = defineCommand({
  name: 'key test',
  summary: 'check a TRTC/IM key: a signing round trip, and with --check whether Tencent accepts it',
  usage: 'key test [key options] [--public-key FILE] [--check [--im-region NAME | --endpoint URL]]',
  description: `Checks a v2 key (shape, white space, a ticket minted and verified) and a v1 PEM key pair (a ticket signed with the private key verifies with the public key, --public-key or the private key's own). With --check it asks Tencent: IM REST account_check with an administrator ticket signed by the key (the ticket travels only to the IM endpoint, over https). ${TRTC_KEY_HELP}`,
  options: {
    ...TRTC_KEY_OPTIONS,
    'public-key': {
      type: 'string',
      value: 'FILE',
      description: 'the v1 public key (PEM) that must match the private key',
    },
    check: { type: 'boolean', description: 'also ask Tencent (IM REST account_check)' },
    'im-region': {
      type: 'string',
      value: 'NAME',
      description: `the IM data centre of the app: ${REGIONS.join(', ')} (default china)`,
    },
    endpoint: {
      type: 'string',
      value: 'URL',
      description: 'the IM REST endpoint itself (https; http only on loopback)',
    },
    admin: {
      type: 'string',
      value: 'ID',
      description: 'the app administrator account (default administrator)',
    },
    ...NOW_OPTION,
    ...JSON_OPTION,
  },
  positionals: { min: 0, max: 0 },
  exitStatus: '0 the key works, 1 it does not, 2 bad input, 3 Secrets Manager or IM REST unreachable',
  run: async ({ values }, context) => {
    const now = currentTime(values.now, context);
    const admin = values.admin ?? 'administrator';
    const keys = await loadTrtcKeys(values, context);
    const publicKeyPem =
      values['public-key'] === undefined
        ? keys.publicKeyPem
        : await loadPublicKeyFile(values['public-key'], context);
    const checks: Check[] = [...v2Checks(keys, admin, now), ...v1Checks(keys, publicKeyPem, admin, now)];
    if (values.check === true) checks.push(await remoteCheck(keys, admin, now, values, context));
    const works = checks.every((check) => check.outcome !== 'FAIL');
    if (values.json === true) {
      context.stdout(json({ works, sdkAppId: keys.sdkAppId ?? null, checks }));
    } else {
      const app = keys.sdkAppId === undefined ? '' : ` (SDKAppID ${keys.sdkAppId})`;
      const rows = checks.flatMap((check): [string, string][] => {
        const explanation =
          check.tencentCode === undefined ? undefined : explainTencentCode(check.tencentCode);
        const advice =
          explanation === undefined ? '' : `\ncause: ${explanation.cause}\nfix: ${explanation.fix}`;
        return [[check.outcome, wrap(`${check.name}: ${check.message}${advice}`, 92).join('\n')]];
      });
      context.stdout(
        `key test: ${keys.origin}${app}\n${table(rows, '  ')}result: ${works ? 'the key works' : 'the key does not work'}\n`,
      );
    }
    return works ? EXIT.OK : EXIT.FAILED;
  },
});

function v2Checks(keys: TrtcKeys, admin: string, now: number): Check[] {
  const { secretKey } = keys;
  if (secretKey === undefined) return [];
  const fingerprint = createHash('sha256').update(secretKey, 'utf8').digest('hex').slice(0, 12);
  const checks: Check[] = [];
  if (/\s/.test(secretKey)) {
    checks.push({
      outcome: 'FAIL',
      name: 'v2 key',
      message:
        'holds white space (a line break or a space copied with it?): every ticket signed with it fails with 70009',
      tencentCode: 70009,
    });
  } else if (!CONSOLE_KEY.test(secretKey)) {
    checks.push({
      outcome: 'warn',
      name: 'v2 key',
      message: `${secretKey.length} characters, not the 64 hex digits of a console SDKSecretKey; fingerprint sha256:${fingerprint}`,
    });
  } else {
    checks.push({
      outcome: 'ok',
      name: 'v2 key',
      message: `64 hex digits, fingerprint sha256:${fingerprint}`,
    });
  }
  const sdkAppId = keys.sdkAppId ?? 1;
  const userSig = genUserSig({ sdkAppId, secretKey, userId: admin, expire: 300, now });
  verifyUserSig({ sdkAppId, secretKey, userId: admin, userSig, now });
  checks.push({
    outcome: 'ok',
    name: 'v2 round trip',
    message: `a ticket for ${JSON.stringify(admin)} signed and verified${keys.sdkAppId === undefined ? ' (no SDKAppID given: 1 used)' : ''}`,
  });
  return checks;
}

function v1Checks(keys: TrtcKeys, publicKeyPem: string | undefined, admin: string, now: number): Check[] {
  const { privateKeyPem } = keys;
  if (privateKeyPem === undefined) {
    return publicKeyPem === undefined
      ? []
      : [
          {
            outcome: 'ok',
            name: 'v1 key',
            message: 'a public key only: it verifies v1 tickets, it cannot sign them',
          },
        ];
  }
  const curve = createPublicKey(privateKeyPem).asymmetricKeyDetails?.namedCurve ?? 'unknown curve';
  const sdkAppId = keys.sdkAppId ?? 1;
  const userSig = genUserSigV1({ sdkAppId, privateKeyPem, userId: admin, expire: 300, now });
  const checked = publicKeyPem ?? (keys.publicKeyPem as string);
  try {
    verifyUserSigV1({ sdkAppId, publicKeyPem: checked, userId: admin, userSig, now });
  } catch (error) {
    if (!(error instanceof SignError)) throw error;
    return [
      {
        outcome: 'FAIL',
        name: 'v1 key pair',
        message: `a ticket signed with the private key (${curve}) does not verify with the public key: they are not one pair`,
        tencentCode: 70009,
      },
    ];
  }
  const which =
    publicKeyPem === keys.publicKeyPem ? "the private key's own public half" : 'the public key given';
  return [
    {
      outcome: 'ok',
      name: 'v1 key pair',
      message: `a ticket signed with the private key (${curve}) verifies with ${which}`,
    },
  ];
}

async function remoteCheck(
  keys: TrtcKeys,
  admin: string,
  now: number,
  values: { 'im-region'?: string | undefined; endpoint?: string | undefined },
  context: CliContext,
): Promise<Check> {
  if (values['im-region'] !== undefined && values.endpoint !== undefined) {
    throw new CliError('USAGE', 'give only one of --im-region, --endpoint');
  }
  const endpoint = imEndpoint(values['im-region'], values.endpoint);
  if (keys.sdkAppId === undefined) throw new CliError('USAGE', '--check needs the SDKAppID (--sdk-app-id)');
  const sdkAppId = keys.sdkAppId;
  const adminUserSig =
    keys.secretKey !== undefined
      ? genUserSig({ sdkAppId, secretKey: keys.secretKey, userId: admin, expire: 300, now })
      : keys.privateKeyPem !== undefined
        ? genUserSigV1({ sdkAppId, privateKeyPem: keys.privateKeyPem, userId: admin, expire: 300, now })
        : undefined;
  if (adminUserSig === undefined)
    throw new CliError('BAD_INPUT', '--check needs a key that signs (v2 key or PEM private key)');
  let answer: Awaited<ReturnType<typeof accountCheck>>;
  try {
    answer = await accountCheck({
      endpoint,
      sdkAppId,
      adminUserId: admin,
      adminUserSig,
      checkUserIds: [admin],
      random: context.randomUint32(),
      fetch: context.fetch,
      timeoutMs: 5000,
    });
  } catch (error) {
    if (error instanceof AccountCheckError) {
      throw new CliError('UNAVAILABLE', `could not check the key at Tencent: ${error.message} (${endpoint})`);
    }
    throw error;
  }
  const where = `account_check at ${endpoint} answered ${answer.errorCode}`;
  if (answer.ok) return { outcome: 'ok', name: 'Tencent', message: `accepts the key (${where})` };
  const meaning = explainTencentCode(answer.errorCode)?.meaning;
  return {
    outcome: 'FAIL',
    name: 'Tencent',
    message: `refuses the key (${where}${meaning === undefined ? '' : `: ${meaning}`})`,
    tencentCode: answer.errorCode,
  };
}

function imEndpoint(region: string | undefined, endpoint: string | undefined): string {
  if (endpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new CliError('USAGE', '--endpoint must be a URL such as https://console.tim.qq.com');
    }
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    // The admin ticket travels in the query string: only over TLS, or to this machine.
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
      throw new CliError(
        'USAGE',
        '--endpoint must be https (http only on loopback): the admin ticket travels in it',
      );
    }
    if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
      throw new CliError(
        'USAGE',
        '--endpoint must be a scheme and host only, such as https://console.tim.qq.com',
      );
    }
    return url.origin;
  }
  const name = region ?? 'china';
  if (!Object.hasOwn(IM_REST_ENDPOINTS, name))
    throw new CliError('USAGE', `--im-region must be one of ${REGIONS.join(', ')}`);
  return IM_REST_ENDPOINTS[name as keyof typeof IM_REST_ENDPOINTS];
}
