import type { PrivateMapView, UserSigView } from '../lib/diagnose/describeUserSig';
import type { TicketFinding, UserSigDiagnosis } from '../lib/diagnose/diagnoseUserSig';
import { roomLabel } from '../lib/diagnose/diagnoseUserSig';
import { explainTencentCode } from '../lib/im/tencentErrorCodes';
import { table, when } from './format';
import { wrap } from './options';

// The human-readable forms of a ticket and of its diagnosis (golden files in test/cli/golden/ pin them).

const ALGORITHM = { 1: 'ECDSA-SHA256', 2: 'HMAC-SHA256' } as const;

/**
 * The `decode` output: kind, ids, times relative to `now`, the room permission, the userbuf.
 *
 * @example
 * ```ts
 * context.stdout(renderTicket(describeUserSig(decodeUserSig(userSig)), now));
 * ```
 */
export function renderTicket(view: UserSigView, now: number): string {
  const rows: [string, string][] = [
    ['user id', JSON.stringify(view.userId)],
    ['SDKAppID', String(view.sdkAppId)],
    ['issued', when(view.issuedAt, now)],
    ['expires', `${when(view.expiresAt, now)}, ${view.expire} s after issue`],
  ];
  if (view.accountType !== undefined) rows.push(['account type', view.accountType]);
  if (view.privateMap !== undefined) rows.push(...privateMapRows(view.privateMap, now));
  if (view.userBuf !== undefined) {
    const more = view.userBuf.bytes * 2 > view.userBuf.hexStart.length ? '…' : '';
    rows.push([
      'userbuf',
      `${view.userBuf.bytes} bytes, not a room permission: ${view.userBuf.hexStart}${more}`,
    ]);
  }
  rows.push(['signature', `${view.signatureBytes} bytes (${ALGORITHM[view.version]})`]);
  return `${view.kind} v${view.version}\n${table(rows, '  ')}`;
}

function privateMapRows(privateMap: PrivateMapView, now: number): [string, string][] {
  const rows: [string, string][] = [
    ['room', roomLabel(privateMap.room)],
    ['privileges', privilegeText(privateMap)],
    ['room expires', when(privateMap.expiresAt, now)],
  ];
  if (!privateMap.matchesTicket) {
    rows.push([
      'room owner',
      `${JSON.stringify(privateMap.userId)} of SDKAppID ${privateMap.sdkAppId}: not the ticket's own (TRTC refuses it)`,
    ]);
  }
  return rows;
}

/**
 * `0xab: createRoom, enterRoom, …` (and the unknown bits, if any).
 *
 * @example
 * ```ts
 * privilegeText({ privilegeMap: 0x2a, privileges: ['enterRoom', 'receiveAudio', 'receiveVideo'], unknownBits: 0 });
 * ```
 */
export function privilegeText(
  privateMap: Pick<PrivateMapView, 'privilegeMap' | 'privileges' | 'unknownBits'>,
): string {
  const hex = `0x${privateMap.privilegeMap.toString(16).padStart(2, '0')}`;
  const names = privateMap.privileges.length === 0 ? 'none' : privateMap.privileges.join(', ');
  const unknown =
    privateMap.unknownBits === 0 ? '' : `, unknown bits 0x${privateMap.unknownBits.toString(16)}`;
  return `${hex}: ${names}${unknown}`;
}

/**
 * The `verify` output: "valid until …", or the code Tencent answers, every failed check with its
 * code, and the cause and fix of the first.
 *
 * @example
 * ```ts
 * context.stdout(renderDiagnosis(diagnoseUserSig(input), now));
 * ```
 */
export function renderDiagnosis(diagnosis: UserSigDiagnosis, now: number): string {
  const { ticket } = diagnosis;
  const unchecked = diagnosis.unchecked.map(
    (name) =>
      ({
        sdkAppId: 'the SDKAppID the app uses (--sdk-app-id)',
        userId: 'the user id the app logs in as (--user)',
        room: 'the room the app enters (--room-id or --str-room-id)',
      })[name],
  );
  const notChecked: [string, string][] =
    unchecked.length === 0 ? [] : [['not checked', unchecked.join('\n')]];
  if (diagnosis.valid && ticket !== undefined && diagnosis.validUntil !== undefined) {
    const rows: [string, string][] = [];
    if (ticket.privateMap !== undefined) {
      rows.push(
        ['room', roomLabel(ticket.privateMap.room)],
        ['privileges', privilegeText(ticket.privateMap)],
      );
    }
    rows.push(...notChecked);
    const head = `valid: ${ticket.kind} v${ticket.version} for ${JSON.stringify(ticket.userId)} of SDKAppID ${ticket.sdkAppId}, valid until ${when(diagnosis.validUntil, now)}`;
    return `${head}\n${table(rows, '  ')}`;
  }
  const [first] = diagnosis.findings;
  const explanation = first === undefined ? undefined : explainTencentCode(first.tencentCode);
  const head = `invalid: Tencent answers ${first?.tencentCode ?? '?'}${explanation === undefined ? '' : ` (${explanation.meaning})`}`;
  const findings = diagnosis.findings.map(
    (finding) =>
      [String(finding.tencentCode), wrap(findingText(finding, now), 90).join('\n')] as [string, string],
  );
  const advice: [string, string][] =
    explanation === undefined
      ? []
      : [
          ['cause', wrap(explanation.cause, 90).join('\n')],
          ['fix', wrap(explanation.fix, 90).join('\n')],
        ];
  const described =
    ticket === undefined
      ? ''
      : `ticket: ${ticket.kind} v${ticket.version} for ${JSON.stringify(ticket.userId)} of SDKAppID ${ticket.sdkAppId}, issued ${when(ticket.issuedAt, now)}\n`;
  return `${head}\n${table([...findings, ...notChecked], '  ')}${described}${table(advice)}`;
}

/**
 * One finding as a sentence, with its moment in ISO form and relative to `now`.
 *
 * @example
 * ```ts
 * findingText({ problem: 'EXPIRED', tencentCode: 70001, message: 'the ticket is expired', at }, now);
 * // 'the ticket is expired since 2023-11-14T23:13:20Z (1 h ago)'
 * ```
 */
export function findingText(finding: TicketFinding, now: number): string {
  return finding.at === undefined ? finding.message : `${finding.message} since ${when(finding.at, now)}`;
}
