import type { Config, SecretConcern, SettingGroup } from '../lib/config';

// One declaration per deployed function. Everything the deployment says about a function is derived
// from its entry here (deploy/serverlessFragments.ts): its serverless.yml block, its HTTP route behind the
// session authorizer, the environment variables it receives (only those of the setting groups it reads),
// and its IAM role (its own log group, and read access to exactly the secrets of its `secret:*` groups).
// Tests read the same entries (test/deploy/). Adding a function means adding an entry and its file in
// functions/.

/** An IAM statement a function needs beyond its logs and its secrets. */
export interface ExtraStatement {
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  /** CloudFormation values (strings or intrinsic functions such as `Fn::Sub`). */
  readonly Resource: readonly unknown[];
}

export interface FunctionDeclaration {
  /** The entry point, `functions/<file>.handler`. */
  readonly handler: `functions/${string}.handler`;
  readonly description: string;
  /** An HTTP API route behind the session authorizer; the function must be a `createTokenHandler`. */
  readonly route?: { readonly method: 'POST'; readonly path: `/v1/${string}` };
  /**
   * The setting groups (lib/config.ts) the function reads. `secret:<concern>` also grants read access to
   * that concern's secret. On the local stage every function also reads `session` (it verifies the
   * session token itself there).
   */
  readonly reads: readonly SettingGroup[];
  /** Extra IAM statements, fixed or derived from the stage's configuration. */
  readonly statements?: readonly ExtraStatement[] | ((config: Config) => readonly ExtraStatement[]);
  /** Seconds (default: the provider's 6). */
  readonly timeout?: number;
  /** EventBridge invocations on the jobs' schedule (`JOBS_SCHEDULE`), each with this event. */
  readonly scheduled?: { readonly input?: Readonly<Record<string, unknown>> };
  /**
   * The secret this function rotates: it may also write that secret's versions and labels
   * (PutSecretValue, UpdateSecretVersionStage), Secrets Manager may invoke it from this account, and a
   * RotationSchedule attaches it to the secret (`COS_ROTATION_SCHEDULE` / `TRTC_ROTATION_SCHEDULE`).
   */
  readonly rotates?: 'cos' | 'trtc';
}

/**
 * The IAM resource of a Lambda function name (in the stage's account and region) or ARN.
 *
 * @example
 * ```ts
 * lambdaFunctionArn('my-room-hook'); // { 'Fn::Sub': 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:my-room-hook' }
 * ```
 */
export function lambdaFunctionArn(functionName: string): unknown {
  if (functionName.startsWith('arn:')) return functionName;
  return {
    'Fn::Sub': `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${functionName}`,
  };
}

/** The room hook ROOM_HOOK_FUNCTION names when it is not set: the example below. */
export function defaultRoomHookFunction(service: string, stage: string): string {
  return `${service}-${stage}-exampleRoomHook`;
}

/**
 * The environment with ROOM_HOOK_FUNCTION set to the example hook when ROOM_POLICY includes `hook` and
 * names no function: what packaging, deploying and `npm start` check and pass on.
 *
 * @example
 * ```ts
 * withDefaultRoomHook({ ROOM_POLICY: 'hook' }, 'tencent-token-issuer', 'prod').ROOM_HOOK_FUNCTION;
 * // 'tencent-token-issuer-prod-exampleRoomHook'
 * ```
 */
export function withDefaultRoomHook(
  env: Readonly<Record<string, string | undefined>>,
  service: string,
  stage: string,
): Record<string, string | undefined> {
  const usesHook = (env.ROOM_POLICY ?? '').split(',').some((kind) => kind.trim() === 'hook');
  if (!usesHook || (env.ROOM_HOOK_FUNCTION ?? '') !== '') return { ...env };
  return { ...env, ROOM_HOOK_FUNCTION: defaultRoomHookFunction(service, stage) };
}

const TOKEN_FUNCTION_READS = ['core', 'secrets', 'http'] as const satisfies readonly SettingGroup[];

/** Every deployed function, by its serverless name. */
export const FUNCTIONS = {
  authorizer: {
    handler: 'functions/authorizer.handler',
    description: 'HTTP API Lambda authorizer: verifies the session token (JWKS or HS256)',
    // roomPolicy: which session claims it passes on to the functions (the room policy's).
    reads: ['core', 'secrets', 'session', 'secret:session', 'roomPolicy'],
  },
  userSig: {
    handler: 'functions/userSig.handler',
    description: 'POST /v1/usersig: TRTC/IM userSig for the session user',
    route: { method: 'POST', path: '/v1/usersig' },
    reads: [...TOKEN_FUNCTION_READS, 'secret:trtc', 'usersig'],
  },
  privateMapKey: {
    handler: 'functions/privateMapKey.handler',
    description: 'POST /v1/privatemapkey: TRTC room ticket for the session user',
    route: { method: 'POST', path: '/v1/privatemapkey' },
    reads: [...TOKEN_FUNCTION_READS, 'secret:trtc', 'rooms', 'roomPolicy'],
    // The room hook, and no other function, when ROOM_POLICY includes it.
    statements: (config) =>
      config.rooms.hook === undefined
        ? []
        : [
            {
              Effect: 'Allow',
              Action: ['lambda:InvokeFunction'],
              Resource: [lambdaFunctionArn(config.rooms.hook.functionName)],
            },
          ],
  },
  exampleRoomHook: {
    handler: 'functions/exampleRoomHook.handler',
    description: 'Example room hook (1:1 calls): invoked by privateMapKey through the Lambda API, no route',
    reads: ['core'],
  },
  cosSign: {
    handler: 'functions/cosSign.handler',
    description: "POST /v1/cos/sign: COS request signature inside the session user's prefix",
    route: { method: 'POST', path: '/v1/cos/sign' },
    reads: [...TOKEN_FUNCTION_READS, 'secret:cos', 'cos'],
  },
  cosCredentials: {
    handler: 'functions/cosCredentials.handler',
    description: "POST /v1/cos/credentials: temporary COS credentials for the session user's prefix (STS)",
    route: { method: 'POST', path: '/v1/cos/credentials' },
    reads: [...TOKEN_FUNCTION_READS, 'secret:cos', 'cos'],
  },
  // Rotation jobs (README, "Rotation"): not HTTP routes. Only rotateCosKey bundles the Tencent SDK.
  rotateCosKey: {
    handler: 'functions/rotateCosKey.handler',
    description:
      'Secrets Manager rotation of the COS CAM key; hourly: disables the previous key after its grace',
    reads: ['core', 'secrets', 'cos', 'secret:cos', 'secret:cosRotator', 'tencentApi', 'rotation:cos'],
    timeout: 60,
    rotates: 'cos',
    scheduled: { input: { task: 'disablePreviousKey' } },
  },
  rotateTrtcKey: {
    handler: 'functions/rotateTrtcKey.handler',
    description: 'Staged rotation of the TRTC key: promotes the STAGED version once Tencent accepts it',
    reads: ['core', 'secrets', 'secret:trtc', 'tencentApi', 'rotation:trtc'],
    timeout: 30,
    rotates: 'trtc',
  },
  checkTrtcKey: {
    handler: 'functions/checkTrtcKey.handler',
    description: 'Hourly TRTC key health check (IM REST account_check), TrtcKeyCheckFailed metric',
    reads: ['core', 'secrets', 'secret:trtc', 'tencentApi', 'rotation:trtc'],
    timeout: 30,
    scheduled: {},
  },
} as const satisfies Record<string, FunctionDeclaration>;

export type FunctionName = keyof typeof FUNCTIONS;

/**
 * The concerns whose secret a function reads, from its `secret:*` groups.
 *
 * @example
 * ```ts
 * secretsOf(FUNCTIONS.userSig); // ['trtc']
 * ```
 */
export function secretsOf(declaration: FunctionDeclaration): SecretConcern[] {
  return declaration.reads.flatMap((group) =>
    group.startsWith('secret:') ? [group.slice('secret:'.length) as SecretConcern] : [],
  );
}
