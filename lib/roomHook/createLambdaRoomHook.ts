import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import * as v from 'valibot';
import type { AskRoomHook, RoomHookAnswer, RoomHookQuestion } from '../policy/createRoomPolicy';
import { ROOM_PRIVILEGE_NAMES } from '../policy/roomPrivileges';
import { RoomHookError } from './RoomHookError';

// The app's room hook is an AWS Lambda function, invoked synchronously (RequestResponse) with the real
// SDK client. Contract, version 1:
//   question: { version: 1, userId, role, roomId | strRoomId, privileges, claims }   (see RoomHookQuestion)
//   answer:   { "allow": false }  or  { "allow": true, "privileges": ["enterRoom", ...] }
// Anything else, a thrown error, a timeout or a failed call is a RoomHookError: never an allow.

/** The answer shapes; unknown fields are refused, so a typo (`"alow": true`) cannot pass as a deny. */
const AnswerSchema = v.variant('allow', [
  v.strictObject({
    allow: v.literal(true),
    privileges: v.pipe(
      v.array(v.picklist(ROOM_PRIVILEGE_NAMES)),
      v.maxLength(ROOM_PRIVILEGE_NAMES.length * 2),
    ),
  }),
  v.strictObject({ allow: v.literal(false) }),
]);

/** Options of {@link createLambdaRoomHook}. */
export interface LambdaRoomHookOptions {
  /** Injected (see createLambdaClient.ts); never constructed here, so tests can hand in their own. */
  readonly client: LambdaClient;
  /** The hook's function name or ARN. */
  readonly functionName: string;
  /** The whole invocation is abandoned after this long. */
  readonly timeoutMs: number;
  /** `Retry-After` of the 503 a failure becomes. */
  readonly retryAfterSeconds: number;
}

/** The question as it travels: the contract version first, so a hook can refuse versions it does not know. */
function payloadOf(question: RoomHookQuestion): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ version: 1, ...question }));
}

/**
 * Makes an {@link AskRoomHook} that invokes the hook function once per question, bounded by
 * `timeoutMs`, and validates its answer.
 *
 * @example
 * ```ts
 * const askHook = createLambdaRoomHook({
 *   client: createLambdaClient({ timeoutMs: 1000 }),
 *   functionName: 'my-app-room-hook',
 *   timeoutMs: 1000,
 *   retryAfterSeconds: 2,
 * });
 * await askHook({ userId: 'bob', role: null, strRoomId: 'call.alice.bob', privileges: null, claims: {} });
 * // { allow: true, privileges: ['enterRoom', 'sendAudio', ...] }
 * ```
 */
export function createLambdaRoomHook(options: LambdaRoomHookOptions): AskRoomHook {
  const { client, functionName, timeoutMs, retryAfterSeconds } = options;
  if (typeof client?.send !== 'function')
    throw new TypeError('createLambdaRoomHook: client must be a LambdaClient');
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError('createLambdaRoomHook: timeoutMs must be a positive integer');
  }
  const fail = (reason: RoomHookError['reason'], message: string, cause?: unknown) =>
    new RoomHookError(reason, message, { retryAfterSeconds, ...(cause === undefined ? {} : { cause }) });

  return async (question) => {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    let output: InvokeCommandOutput;
    try {
      output = await client.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'RequestResponse',
          Payload: payloadOf(question),
        }),
        { abortSignal: abort.signal },
      );
    } catch (error) {
      if (abort.signal.aborted)
        throw fail('TIMEOUT', `the room hook did not answer within ${timeoutMs} ms`, error);
      const name = error instanceof Error ? error.name : typeof error;
      throw fail('INVOKE_FAILED', `the room hook could not be invoked (${name})`, error);
    } finally {
      clearTimeout(timer);
    }
    // A hook that threw still answers 200, with FunctionError set and its error as the payload.
    if (output.FunctionError !== undefined)
      throw fail('FUNCTION_ERROR', 'the room hook failed (FunctionError)');
    if (output.StatusCode !== 200)
      throw fail('INVOKE_FAILED', `the room hook invocation answered status ${output.StatusCode}`);
    return parseAnswer(output.Payload, fail);
  };
}

function parseAnswer(
  payload: Uint8Array | undefined,
  fail: (reason: 'MALFORMED_ANSWER', message: string) => RoomHookError,
): RoomHookAnswer {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload ?? new Uint8Array()));
  } catch {
    throw fail('MALFORMED_ANSWER', 'the room hook answered something that is not JSON');
  }
  const parsed = v.safeParse(AnswerSchema, json);
  // The issues are not quoted: they would copy the hook's answer into the log.
  if (!parsed.success) {
    throw fail(
      'MALFORMED_ANSWER',
      'the room hook answer must be {"allow":false} or {"allow":true,"privileges":[names]}',
    );
  }
  const answer = parsed.output;
  return answer.allow ? { allow: true, privileges: answer.privileges } : { allow: false, privileges: [] };
}
