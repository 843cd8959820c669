import { deflateSync, inflateSync } from 'node:zlib';
import { SignError } from './SignError';
import { tencentBase64Decode, tencentBase64Encode } from './tencentBase64';

// Both ticket generations share the envelope: JSON text -> zlib (RFC 1950) -> Tencent base64.

/**
 * Node's deflateSync at the default level, as the official Node libraries use: with the same Node
 * zlib build the whole ticket string is byte-identical to theirs.
 */
export function sealTicket(json: string): string {
  return tencentBase64Encode(deflateSync(Buffer.from(json, 'utf8'), DEFLATE_OPTIONS));
}

// The output buffer size does not change the compressed bytes; the 16 KB default makes every call
// allocate (and collect) far more than a ticket needs, which costs about 15% of the deflate.
const DEFLATE_OPTIONS = { chunkSize: 1024 };

/** Upper bound on a ticket we are willing to decode; real tickets are well under 2 KB. */
export const MAX_TICKET_LENGTH = 64 * 1024;
/** Upper bound on the inflated JSON, so a crafted zlib stream cannot balloon in memory. */
const MAX_INFLATED_BYTES = 256 * 1024;

/** Undoes sealTicket and parses the JSON object; every failure is ERR_MALFORMED, never a raw error. */
export function openTicket(ticket: string): Record<string, unknown> {
  if (ticket.length === 0) throw new SignError('ERR_MALFORMED', 'ticket is empty');
  if (ticket.length > MAX_TICKET_LENGTH) throw new SignError('ERR_MALFORMED', 'ticket is too long');
  const compressed = tencentBase64Decode(ticket, 'ticket');
  let text: string;
  try {
    text = inflateSync(compressed, { maxOutputLength: MAX_INFLATED_BYTES }).toString('utf8');
  } catch (cause) {
    throw new SignError('ERR_MALFORMED', 'ticket is not a zlib stream', { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new SignError('ERR_MALFORMED', 'ticket does not contain JSON', { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SignError('ERR_MALFORMED', 'ticket JSON is not an object');
  }
  return parsed as Record<string, unknown>;
}
