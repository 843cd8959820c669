import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { Config } from '../config';
import { createRoomPolicy, type RoomPolicy } from '../policy/createRoomPolicy';
import { cacheRoomHook } from './cacheRoomHook';
import { createLambdaClient } from './createLambdaClient';
import { createLambdaRoomHook } from './createLambdaRoomHook';

/** What tests may replace; production passes nothing. */
export interface ConfiguredRoomPolicyDeps {
  readonly client?: LambdaClient;
  /** The clock of the answer cache, in ms. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Wires the room policy from the configuration: claims and rules as configured and, when ROOM_POLICY
 * includes `hook`, the Lambda hook behind a per-container answer cache (one client per container).
 *
 * @example
 * ```ts
 * const roomPolicy = createConfiguredRoomPolicy(config); // at cold start
 * const access = await roomPolicy.decide({ principal, room: { roomId: 1234 }, requested: undefined });
 * ```
 */
export function createConfiguredRoomPolicy(
  config: Pick<Config, 'rooms'>,
  deps: ConfiguredRoomPolicyDeps = {},
): RoomPolicy {
  const { rooms } = config;
  const hook = rooms.hook;
  const settings = {
    kinds: rooms.policy,
    claim: rooms.claim,
    rules: rooms.rules,
    hookClaims: hook?.claims ?? [],
    roles: rooms.roles,
    defaultRole: rooms.defaultRole,
  };
  if (hook === undefined) return createRoomPolicy(settings);
  const askHook = cacheRoomHook(
    createLambdaRoomHook({
      client: deps.client ?? createLambdaClient({ timeoutMs: hook.timeoutMs }),
      functionName: hook.functionName,
      timeoutMs: hook.timeoutMs,
      retryAfterSeconds: hook.retryAfterSeconds,
    }),
    { ttlMs: hook.cacheSeconds * 1000, now: deps.now ?? Date.now },
  );
  return createRoomPolicy(settings, { askHook });
}
