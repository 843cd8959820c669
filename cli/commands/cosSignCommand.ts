import { cosAuthorization, SignError } from '../../lib/sign';
import { cosSignatureOfHttpString } from '../../lib/sign/cosAuthorization';
import { cosHttpStringOfEntries } from '../../lib/sign/cosHttpString';
import { CliError, EXIT } from '../CliError';
import { currentTime, JSON_OPTION, NOW_OPTION } from '../commonOptions';
import { COS_REQUEST_OPTIONS, requestOfOptions } from '../cosRequestInput';
import { defineCommand } from '../defineCommand';
import { json } from '../format';
import { COS_KEY_HELP, COS_KEY_OPTIONS, loadCosKey } from '../loadCosKey';
import { parseInteger } from '../values';

/** `cos sign`: a COS XML (v5) Authorization for one request, signed locally. */
export const cosSignCommand = defineCommand({
  name: 'cos sign',
  summary: 'sign a COS request locally (XML API v5 Authorization)',
  usage:
    'cos sign --path PATH | --url URL [--method M] [--header "N: V" ...] [--query N=V ...] [key options]',
  description: `Signs one COS request as cos-nodejs-sdk-v5 does and prints only the Authorization (or, with --json, also the HttpString and StringToSign it signed). The Host header is always signed: give it with --header or --host, or let it come from the bucket and region (options or the secret). ${COS_KEY_HELP}`,
  options: {
    ...COS_REQUEST_OPTIONS,
    host: {
      type: 'string',
      value: 'HOST',
      description: 'the Host header (default <bucket>.cos.<region>.myqcloud.com)',
    },
    bucket: {
      type: 'string',
      value: 'BUCKET',
      description: "the bucket, name-APPID (default: the secret's)",
    },
    region: {
      type: 'string',
      value: 'REGION',
      description: "the COS region such as ap-guangzhou (default: the secret's)",
    },
    expire: { type: 'string', value: 'SECONDS', description: 'lifetime, 1 to 86400 (default 600)' },
    ...COS_KEY_OPTIONS,
    ...NOW_OPTION,
    ...JSON_OPTION,
  },
  positionals: { min: 0, max: 0 },
  exitStatus: '0 signed, 2 bad input, 3 Secrets Manager unreachable',
  run: async ({ values }, context) => {
    const request = requestOfOptions(values);
    const now = currentTime(values.now, context);
    const expire = values.expire === undefined ? 600 : parseInteger(values.expire, '--expire', 1, 86_400);
    const key = await loadCosKey(values, context);
    if (key === undefined) throw new CliError('BAD_INPUT', 'no key');
    let headers = request.headers;
    if (!headers.some(([name]) => name.toLowerCase() === 'host')) {
      const bucket = values.bucket ?? key.bucket;
      const region = values.region ?? key.region;
      const host = values.host ?? (bucket && region ? `${bucket}.cos.${region}.myqcloud.com` : undefined);
      // An unsigned Host would let the signature serve any bucket the key can reach.
      if (host === undefined)
        throw new CliError('USAGE', 'no Host to sign: give --host, --bucket and --region, or a Host header');
      headers = [['Host', host], ...headers];
    } else if (values.host !== undefined) {
      throw new CliError('USAGE', 'give the Host once: --host or a Host header');
    }
    const input = {
      secretId: key.secretId,
      secretKey: key.secretKey,
      method: request.method,
      pathname: request.pathname,
      query: Object.fromEntries(request.query),
      headers: Object.fromEntries(headers),
      startTime: now,
      endTime: now + expire,
    };
    let authorization: string;
    try {
      authorization = cosAuthorization(input);
    } catch (error) {
      if (error instanceof SignError) throw new CliError('USAGE', error.message);
      throw error;
    }
    if (values.json === true) {
      const signed = cosHttpStringOfEntries(request.method, request.pathname, request.query, headers);
      const keyTime = `${now};${now + expire}`;
      const { stringToSign } = cosSignatureOfHttpString(key.secretKey, keyTime, keyTime, signed.httpString);
      context.stdout(
        json({
          authorization,
          method: request.method.toUpperCase(),
          pathname: request.pathname,
          headers: input.headers,
          query: input.query,
          startTime: now,
          endTime: now + expire,
          httpString: signed.httpString,
          stringToSign,
        }),
      );
    } else {
      context.stdout(`${authorization}\n`);
    }
    return EXIT.OK;
  },
});
