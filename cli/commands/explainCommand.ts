import {
  explainTencentCode,
  knownTencentCodes,
  type TencentCodeExplanation,
  type TencentCodeSource,
} from '../../lib/im/tencentErrorCodes';
import { EXIT } from '../CliError';
import { JSON_OPTION } from '../commonOptions';
import { defineCommand } from '../defineCommand';
import { json, table } from '../format';
import { wrap } from '../options';
import { parseInteger } from '../values';

const SOURCE: Readonly<Record<TencentCodeSource, string>> = {
  'im-login': 'IM login',
  'im-rest': 'IM REST API',
  'trtc-sdk': 'TRTC SDK',
  'trtc-web-sdk': 'TRTC Web SDK',
};

/** `explain <code>`: the cause and the fix of a Tencent IM or TRTC error code. */
export const explainCommand = defineCommand({
  name: 'explain',
  summary: 'the cause and the fix of a Tencent IM/TRTC login error code',
  usage: 'explain <code> [--json] | explain --list',
  description:
    'Explains an error code an app receives from a Tencent IM login, the IM REST API or the TRTC SDKs (70001, 70009, -100018, -100006, ...). The TRTC SDKs report IM login codes negated (-70001): those are explained too.',
  options: {
    list: { type: 'boolean', description: 'list every code this tool explains' },
    ...JSON_OPTION,
  },
  positionals: { min: 0, max: 1 },
  exitStatus: '0 explained, 1 unknown code, 2 bad input',
  run: async ({ values, positionals }, context) => {
    const [text] = positionals;
    if (values.list === true || text === undefined) {
      const all = knownTencentCodes().map((code) => explainTencentCode(code) as TencentCodeExplanation);
      context.stdout(
        values.json === true
          ? json(all)
          : table(all.map((entry) => [String(entry.code), `${SOURCE[entry.source]}: ${entry.meaning}`])),
      );
      return EXIT.OK;
    }
    const code = parseInteger(text, 'the code', -999_999_999, 999_999_999);
    const direct = explainTencentCode(code);
    // The native TRTC SDK reports IM login failures as ERR_SERVER_SSO_* = -(IM code).
    const negated = direct === undefined && code < 0 ? explainTencentCode(-code) : undefined;
    const explanation = direct ?? (negated?.source === 'im-login' ? negated : undefined);
    if (explanation === undefined) {
      context.stdout(
        values.json === true
          ? json({ code, known: false })
          : `${code}: not a code this tool knows (\`explain --list\` shows the ${knownTencentCodes().length} it does); see Tencent's error code pages for IM (product/269/1671) and TRTC (product/647/32257)\n`,
      );
      return EXIT.FAILED;
    }
    if (values.json === true) {
      context.stdout(json({ ...explanation, ...(direct === undefined ? { reportedAs: code } : {}) }));
      return EXIT.OK;
    }
    const head = `${explanation.code}  ${explanation.meaning} (${SOURCE[explanation.source]}${explanation.name === undefined ? '' : `, ${explanation.name}`})`;
    const note =
      direct === undefined
        ? `${code} is IM login code ${explanation.code} as the TRTC SDK reports it (negated)\n`
        : '';
    const rows: [string, string][] = [
      ['cause', wrap(explanation.cause, 92).join('\n')],
      ['fix', wrap(explanation.fix, 92).join('\n')],
    ];
    context.stdout(`${note}${head}\n${table(rows)}`);
    return EXIT.OK;
  },
});
