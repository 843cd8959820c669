import type { Logger } from '../log/logger';
import { parseRoom, type Room } from '../policy';
import {
  type IssuePrivateMapKeyInput,
  issuePrivateMapKey,
  type PrivateMapKeyResponse,
} from './issuePrivateMapKey';
import { parsePrivateMapKeyRequest } from './privateMapKeyRequest';

/**
 * Inputs of {@link issueRoomTicket}: those of issuePrivateMapKey, with the raw body instead of the
 * parsed request, and the request's logger.
 *
 * @example
 * ```ts
 * const input: IssueRoomTicketInput = { body, principal, secret, config, roomPolicy, now, log };
 * ```
 */
export type IssueRoomTicketInput = Omit<IssuePrivateMapKeyInput, 'request'> & {
  readonly body: unknown;
  readonly log: Logger;
};

/** The room of a body, for the audit record of a refusal; none when the body does not name a valid one. */
function roomOf(body: unknown): Room | Record<string, never> {
  try {
    return typeof body === 'object' && body !== null ? parseRoom(body) : {};
  } catch {
    return {};
  }
}

/**
 * `POST /v1/privatemapkey` with its audit log: parses the body, issues the ticket (see
 * issuePrivateMapKey), and writes one record either way. Issued: `room ticket issued` with the user,
 * the room, the privileges, the expiry, the ticket version and the policy kinds that granted it.
 * Refused: `room ticket refused` with the user, the room when the body names a valid one, and the error
 * code; the error is then rethrown for the HTTP layer. Never the ticket.
 *
 * @example
 * ```ts
 * const response = await issueRoomTicket({ body, principal, secret, config, roomPolicy, now, log });
 * ```
 */
export async function issueRoomTicket(input: IssueRoomTicketInput): Promise<PrivateMapKeyResponse> {
  const { body, log, ...rest } = input;
  const userId = rest.principal.userId;
  try {
    const { response, grantedBy } = await issuePrivateMapKey({
      ...rest,
      request: parsePrivateMapKeyRequest(body),
    });
    log.info('room ticket issued', {
      userId,
      ...(response.roomId === undefined ? { strRoomId: response.strRoomId } : { roomId: response.roomId }),
      privilegeMap: response.privilegeMap,
      privileges: response.privileges,
      expiresAt: response.expiresAt,
      version: response.version,
      grantedBy,
    });
    return response;
  } catch (error) {
    const code =
      typeof (error as { code?: unknown })?.code === 'string'
        ? (error as { code: string }).code
        : 'INTERNAL_ERROR';
    log.warn('room ticket refused', { userId, ...roomOf(body), code });
    throw error;
  }
}
