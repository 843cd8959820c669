import {
  type CosExplanation,
  type CosFinding,
  explainCosRequest,
  maskId,
} from '../../lib/diagnose/explainCosRequest';
import type { CliContext } from '../CliContext';
import { CliError, EXIT } from '../CliError';
import { currentTime, JSON_OPTION, NOW_OPTION } from '../commonOptions';
import {
  COS_REQUEST_OPTIONS,
  type CosRequestInput,
  requestOfHttpText,
  requestOfOptions,
} from '../cosRequestInput';
import { defineCommand } from '../defineCommand';
import { isoTime, json, relative, table } from '../format';
import { COS_KEY_HELP, COS_KEY_OPTIONS, loadCosKey } from '../loadCosKey';
import { wrap } from '../options';
import { readFileArgument } from '../readArgument';

/** `cos explain`: why COS answers SignatureDoesNotMatch, part by part. */
export const cosExplainCommand = defineCommand({
  name: 'cos explain',
  summary: 'show how COS checks a signed request, and which part differs when it does not match',
  usage:
    'cos explain --request FILE | --url URL | --path PATH [--header "N: V" ...] [--authorization A] [key options]',
  description: `Rebuilds the HttpString and StringToSign that COS computes for a request (from the headers and parameters the Authorization lists), checks that the signature recomputes with the key, and when it does not, names the part that differs: the SecretId, the key time, the method, the path encoding, a header or parameter value, the header or parameter list. The request comes from a raw HTTP request head (--request, as curl -v shows it), a URL (a pre-signed URL carries the Authorization in its query), or options. Without a key, only the form, the lists and the times are checked. ${COS_KEY_HELP}`,
  options: {
    request: {
      type: 'string',
      value: 'FILE',
      description: 'a raw HTTP request head (request line and headers); - reads standard input',
    },
    ...COS_REQUEST_OPTIONS,
    authorization: {
      type: 'string',
      value: 'VALUE',
      description: "the Authorization (default: the request's header, or the q-* parameters of the URL)",
    },
    'signer-http-string': {
      type: 'string',
      value: 'FILE',
      description: 'the HttpString the signer built (its logs, or cos sign --json), to compare part by part',
    },
    ...COS_KEY_OPTIONS,
    ...NOW_OPTION,
    ...JSON_OPTION,
  },
  positionals: { min: 0, max: 0 },
  exitStatus:
    '0 the signature recomputes and is in time (or, without a key, no problem found), 1 it does not, 2 bad input, 3 Secrets Manager unreachable',
  run: async ({ values }, context) => {
    const now = currentTime(values.now, context);
    const request = await readRequest(values, context);
    const authorization = authorizationOf(request, values.authorization);
    const key = await loadCosKey(values, context, { optional: true });
    const signerHttpString =
      values['signer-http-string'] === undefined
        ? undefined
        : await readFileArgument(values['signer-http-string'], context, 'HttpString file');
    const explanation = explainCosRequest({
      request: {
        ...request,
        headers: request.headers.filter(([name]) => name.toLowerCase() !== 'authorization'),
      },
      authorization,
      ...(key === undefined ? {} : { key: { secretId: key.secretId, secretKey: key.secretKey } }),
      now,
      ...(signerHttpString === undefined ? {} : { signerHttpString }),
    });
    const fine =
      explanation.verdict === 'MATCH' ||
      (explanation.verdict === 'UNCHECKED' &&
        explanation.problems.length === 0 &&
        explanation.differences.length === 0);
    if (values.json === true) {
      const { authorization: fields, ...rest } = explanation;
      context.stdout(
        json({
          ...rest,
          ...(fields === undefined
            ? {}
            : { authorization: { ...fields, signature: maskSignature(fields.signature) } }),
        }),
      );
    } else {
      context.stdout(render(explanation, request, now, key === undefined, signerHttpString !== undefined));
    }
    return fine ? EXIT.OK : EXIT.FAILED;
  },
});

async function readRequest(
  values: Parameters<typeof requestOfOptions>[0] & { request?: string | undefined },
  context: CliContext,
): Promise<CosRequestInput> {
  if (values.request === undefined) return requestOfOptions(values);
  const conflicting = (['method', 'path', 'url', 'query'] as const).filter(
    (name) => values[name] !== undefined,
  );
  if (conflicting.length > 0)
    throw new CliError('USAGE', `--request describes the whole request: drop --${conflicting[0]}`);
  const request = requestOfHttpText(await readFileArgument(values.request, context, 'request file'));
  const extra = requestOfOptions({ header: values.header }).headers;
  return { ...request, headers: [...request.headers, ...extra] };
}

function authorizationOf(request: CosRequestInput, given: string | undefined): string {
  if (given !== undefined) return given;
  const header = request.headers.find(([name]) => name.toLowerCase() === 'authorization');
  if (header !== undefined) return header[1];
  const fields = request.query.filter(([name]) => name.toLowerCase().startsWith('q-'));
  if (fields.length > 0) {
    return fields.map(([name, value]) => `${name.toLowerCase()}=${value}`).join('&');
  }
  throw new CliError(
    'USAGE',
    'no Authorization: give --authorization, an Authorization header, or a pre-signed URL',
  );
}

// The signature is itself a credential for this one request until it ends: shown shortened.
function maskSignature(signature: string): string {
  return `${signature.slice(0, 8)}…`;
}

const VERDICT: Readonly<Record<CosExplanation['verdict'], string>> = {
  MATCH: 'the signature recomputes: COS accepts this request',
  MISMATCH: 'SignatureDoesNotMatch: the signature does not recompute',
  EXPIRED: 'the signature recomputes, but COS refuses it for its time (Request has expired)',
  NOT_YET_VALID: 'the signature recomputes, but its time has not begun',
  UNCHECKED: 'the signature was not checked (no key)',
  INVALID: 'COS cannot read this Authorization',
};

function render(
  explanation: CosExplanation,
  request: CosRequestInput,
  now: number,
  noKey: boolean,
  compared: boolean,
): string {
  const out: string[] = [];
  const fields = explanation.authorization;
  const rows: [string, string][] = [['request', `${request.method.toUpperCase()} ${request.pathname}`]];
  if (fields !== undefined) {
    const range = (text: string, start: number, end: number) =>
      `${text}: ${isoTime(start)} to ${isoTime(end)} (${now > end ? `ended ${relative(end, now)}` : now < start ? `begins ${relative(start, now)}` : `ends ${relative(end, now)}`})`;
    rows.push(
      ['q-ak', maskId(fields.secretId)],
      ['q-sign-time', range(fields.signTime.text, fields.signTime.start, fields.signTime.end)],
      [
        'q-key-time',
        fields.keyTime.text === fields.signTime.text
          ? 'the same'
          : range(fields.keyTime.text, fields.keyTime.start, fields.keyTime.end),
      ],
      ['q-header-list', fields.headerList.join(';') || '(none)'],
      ['q-url-param-list', fields.urlParamList.join(';') || '(none)'],
      ['q-signature', maskSignature(fields.signature)],
    );
  }
  out.push(table(rows));
  if (explanation.httpString !== undefined) {
    const [method = '', path = '', params = '', headers = ''] = explanation.httpString.split('\n');
    out.push(
      'HttpString (as COS rebuilds it from the request and the two lists)\n',
      table(
        [
          ['1 method', method],
          ['2 path', path],
          ['3 params', params],
          ['4 headers', headers],
        ],
        '  ',
      ),
    );
  }
  if (explanation.stringToSign !== undefined) {
    out.push(
      'StringToSign\n',
      ...explanation.stringToSign
        .split('\n')
        .filter(Boolean)
        .map((line) => `  ${line}\n`),
    );
  }
  out.push(`result: ${VERDICT[explanation.verdict]}\n`);
  const findings: [string, string][] = [];
  if (explanation.cause !== undefined) findings.push(['differs', findingText(explanation.cause)]);
  const unexplained =
    explanation.verdict === 'MISMATCH' &&
    explanation.cause === undefined &&
    !explanation.problems.some((problem) => problem.part === 'q-ak');
  if (unexplained && !compared) {
    findings.push([
      'differs',
      wrap(
        "no single common mistake explains it: the SecretKey may not be the one that signed (a rotated or temporary key), or a value changed in a way not tried; give the signer's HttpString with --signer-http-string to compare the two",
        90,
      ).join('\n'),
    ]);
  }
  if (unexplained && compared && explanation.differences.length === 0) {
    findings.push([
      'differs',
      wrap(
        "the signer's HttpString is COS's: the SecretKey or the key time differs (a rotated or temporary key?)",
        90,
      ).join('\n'),
    ]);
  }
  for (const problem of explanation.problems) findings.push(['problem', findingText(problem)]);
  for (const difference of explanation.differences) findings.push(['compared', findingText(difference)]);
  const { headers, params } = explanation.unsigned;
  if (headers.length > 0 || params.length > 0) {
    const parts = [
      ...(headers.length > 0 ? [`headers ${headers.join(', ')}`] : []),
      ...(params.length > 0 ? [`URL parameters ${params.join(', ')}`] : []),
    ];
    findings.push([
      'not signed',
      wrap(`${parts.join('; ')} (COS does not check them; anything on the way may change them)`, 90).join(
        '\n',
      ),
    ]);
  }
  if (noKey)
    findings.push([
      'note',
      'give the key (--key-file, --secret-id or TENCENTCLOUD_SECRET_KEY) to check the signature',
    ]);
  out.push(table(findings, '  '));
  return out.join('');
}

function findingText(finding: CosFinding): string {
  return wrap(finding.message, 90).join('\n');
}
