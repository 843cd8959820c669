import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import {
  type Config,
  ConfigError,
  type DeploySettings,
  LOCAL_STAGE,
  loadConfig,
  loadDeploySettings,
  SETTING_GROUPS,
  type SecretConcern,
  type SettingGroup,
} from '../lib/config';
import {
  FUNCTIONS,
  type FunctionDeclaration,
  type FunctionName,
  secretsOf,
  withDefaultRoomHook,
} from './functions';

// What serverless.yml takes from code: the region, every function block with its environment and
// role, the roles themselves, the CORS preflight settings and the API limits, all derived from
// deploy/functions.ts and checked with the same schema the functions parse at cold start
// (lib/config.ts). Packaging, deploying or starting a stage whose settings a function would refuse
// fails here, naming every problem, before anything is built.

/** What the fragments are computed from. */
export interface FragmentInput {
  readonly service: string;
  readonly stage: string;
  /** The environment of the serverless command (the only place settings come from). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `--region`, when given. */
  readonly region?: string | undefined;
  /** Reads the AWS CLI's shared config files (injected in tests). */
  readonly profileRegion?: (profile: string) => Promise<string | undefined>;
}

/** A CloudFormation value: a string or an intrinsic function. */
type CfnValue = string | { readonly 'Fn::Sub': string };

export interface ServerlessFragments {
  readonly region: string;
  readonly functions: Record<string, unknown>;
  /** IAM roles, one per function, by logical id. */
  readonly roles: Record<string, unknown>;
  /** Every resource of the template's `Resources`: the roles, and the rotation permissions and schedules. */
  readonly resources: Record<string, unknown>;
  /** `provider.httpApi.cors`: false (no CORS at all) unless origins are configured. */
  readonly httpApiCors: false | Record<string, unknown>;
  readonly deploy: DeploySettings;
  /** esbuild `define`: the packaging facts of lib/runtime/bundleFlags.d.ts, as JavaScript literals. */
  readonly esbuildDefine: Record<string, string>;
}

/** The error serverless prints when the settings are unusable: every problem, no stack trace. */
export class DeploySettingsError extends Error {
  override readonly name = 'DeploySettingsError';

  constructor(stage: string, problems: readonly string[]) {
    super(
      `the settings for stage "${stage}" would make the service fail:\n${problems.map((p) => `  - ${p}`).join('\n')}\n(see README, "Configuration")`,
    );
    // Serverless prints the stack of a failing variable resolver; the message is all there is to say.
    this.stack = this.message;
  }
}

/**
 * Derives the serverless.yml fragments for one stage.
 *
 * @throws {DeploySettingsError} naming every problem with the settings, or the missing region.
 *
 * @example
 * ```ts
 * const { functions, roles } = await serverlessFragments({ service: 'tencent-token-issuer', stage: 'prod', env: process.env });
 * ```
 */
export async function serverlessFragments(input: FragmentInput): Promise<ServerlessFragments> {
  const { stage, service } = input;
  // A room hook: the shipped example unless another function is named (the IAM grant names the same).
  const env = { ...withDefaultRoomHook(input.env, service, stage), STAGE: stage };
  const isLocal = stage === LOCAL_STAGE;
  const problems: string[] = [];
  const collect = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  // The authorizer cannot start without a session configuration: a deployment without one is refused.
  const config = collect(() => loadConfig(env, { requireSession: true }));
  const deploy = collect(() => loadDeploySettings(env));
  const region = await resolveRegion(input, isLocal);
  if (region === undefined) {
    problems.push(
      'no AWS region: pass --region, or set AWS_REGION or AWS_DEFAULT_REGION, or a region in the AWS CLI profile (AWS_PROFILE)',
    );
  }
  for (const name of Object.keys(deploy?.reservedConcurrency ?? {})) {
    if (!Object.hasOwn(FUNCTIONS, name)) problems.push(`RESERVED_CONCURRENCY names no function "${name}"`);
  }
  if (problems.length > 0 || config === undefined || deploy === undefined || region === undefined) {
    throw new DeploySettingsError(stage, problems);
  }

  const functions: Record<string, unknown> = {};
  const roles: Record<string, unknown> = {};
  const rotation: Record<string, unknown> = {};
  for (const [name, declaration] of Object.entries(FUNCTIONS) as [FunctionName, FunctionDeclaration][]) {
    const roleId = roleLogicalId(name);
    const reserved = deploy.reservedConcurrency[name];
    functions[name] = {
      handler: declaration.handler,
      description: declaration.description,
      role: roleId,
      environment: functionEnvironment(declaration, env, config),
      ...(reserved === undefined ? {} : { reservedConcurrency: reserved }),
      ...(declaration.timeout === undefined ? {} : { timeout: declaration.timeout }),
      ...(declaration.scheduled === undefined
        ? {}
        : {
            events: [
              {
                schedule: {
                  rate: deploy.rotation.jobsSchedule,
                  ...(deploy.rotation.jobsEnabled ? {} : { enabled: false }),
                  ...(declaration.scheduled.input === undefined
                    ? {}
                    : { input: declaration.scheduled.input }),
                },
              },
            ],
          }),
      ...(declaration.route === undefined
        ? {}
        : {
            events: [
              {
                httpApi: {
                  method: declaration.route.method,
                  path: declaration.route.path,
                  authorizer: { name: 'session' },
                },
              },
            ],
          }),
    };
    roles[roleId] = functionRole({ service, stage, name, declaration, config });
    if (declaration.rotates !== undefined)
      Object.assign(rotation, rotationResources(name, declaration.rotates, config, deploy));
  }
  const esbuildDefine = {
    __TTI_LOCAL_STAGE__: String(config.isLocal),
    __TTI_SESSION_SECRET_ID__: String(config.session?.hs256SecretId !== undefined),
    __TTI_COS_STS__: String(config.cos.sts !== undefined),
  };
  return {
    region,
    functions,
    roles,
    resources: { ...roles, ...rotation },
    httpApiCors: httpApiCors(config),
    deploy,
    esbuildDefine,
  };
}

/**
 * The variables a function receives: the set ones of the groups it reads (its secret names resolved
 * from the same source as its IAM role), nothing else.
 *
 * @example
 * ```ts
 * functionEnvironment(FUNCTIONS.userSig, { STAGE: 'prod', LOG_LEVEL: 'debug' }, config);
 * // { STAGE: 'prod', LOG_LEVEL: 'debug', TRTC_SECRET_ID: 'tencent-token-issuer/prod/trtc' }
 * ```
 */
export function functionEnvironment(
  declaration: FunctionDeclaration,
  env: Readonly<Record<string, string | undefined>>,
  config: Config,
): Record<string, string> {
  const groups = new Set<SettingGroup>(declaration.reads);
  // Locally every function verifies the session itself: serverless-offline lets a request header or
  // its Lambda invoke port choose the authorizer context.
  if (config.isLocal) {
    groups.add('session');
    groups.add('secret:session');
  }
  const out: Record<string, string> = {};
  for (const group of groups) {
    for (const name of SETTING_GROUPS[group]) {
      const value = env[name];
      if (value !== undefined && value !== '') out[name] = value;
    }
  }
  for (const concern of secretsOf(declaration)) {
    const secretId = config.secrets[concern].secretId;
    if (secretId !== undefined) out[secretIdVariable(concern)] = secretId;
  }
  out.STAGE = config.stage;
  return out;
}

/** `TRTC_SECRET_ID`, `COS_SECRET_ID`, `SESSION_SECRET_ID`, `COS_ROTATOR_SECRET_ID`. */
export function secretIdVariable(concern: SecretConcern): string {
  return `${concern.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}_SECRET_ID`;
}

/**
 * The IAM resource of a secret name or ARN: Secrets Manager appends six random characters to a
 * secret's ARN, which a policy names as `-??????`.
 *
 * @example
 * ```ts
 * secretArn('myapp/trtc'); // { 'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:myapp/trtc-??????' }
 * ```
 */
export function secretArn(secretId: string): CfnValue {
  if (secretId.startsWith('arn:')) return secretId;
  return {
    'Fn::Sub': `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${secretId}-??????`,
  };
}

function roleLogicalId(name: string): string {
  return `${name[0]?.toUpperCase()}${name.slice(1)}Role`;
}

function functionRole(input: {
  service: string;
  stage: string;
  name: string;
  declaration: FunctionDeclaration;
  config: Config;
}): Record<string, unknown> {
  const { service, stage, name, declaration, config } = input;
  const secretIds = secretsOf(declaration).flatMap((concern) => config.secrets[concern].secretId ?? []);
  const statements: unknown[] = [
    {
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: [
        {
          'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${service}-${stage}-${name}:*`,
        },
      ],
    },
    ...(secretIds.length === 0
      ? []
      : [
          {
            Effect: 'Allow',
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Resource: secretIds.map(secretArn),
          },
        ]),
    ...(typeof declaration.statements === 'function'
      ? declaration.statements(config)
      : (declaration.statements ?? [])),
    ...(declaration.rotates === undefined
      ? []
      : [
          {
            Effect: 'Allow',
            Action: ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
            Resource: [secretArn(config.secrets[declaration.rotates].secretId ?? '')],
          },
        ]),
  ];
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      },
      Policies: [
        {
          PolicyName: `${name}-least-privilege`,
          PolicyDocument: { Version: '2012-10-17', Statement: statements },
        },
      ],
    },
  };
}

/**
 * What attaches a rotation function to its secret: Secrets Manager may invoke it from this account only,
 * and a RotationSchedule (by the secret's name: the operator creates the secrets) that never rotates
 * just because the stack was deployed.
 */
function rotationResources(
  name: string,
  concern: 'cos' | 'trtc',
  config: Config,
  deploy: DeploySettings,
): Record<string, unknown> {
  const logicalName = `${name[0]?.toUpperCase()}${name.slice(1)}`;
  const functionArn = { 'Fn::GetAtt': [`${logicalName}LambdaFunction`, 'Arn'] };
  const permission = `${logicalName}InvokedBySecretsManager`;
  return {
    [permission]: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        FunctionName: functionArn,
        Action: 'lambda:InvokeFunction',
        Principal: 'secretsmanager.amazonaws.com',
        SourceAccount: { Ref: 'AWS::AccountId' },
      },
    },
    [`${concern[0]?.toUpperCase()}${concern.slice(1)}SecretRotationSchedule`]: {
      Type: 'AWS::SecretsManager::RotationSchedule',
      DependsOn: [permission],
      Properties: {
        SecretId: config.secrets[concern].secretId,
        RotationLambdaARN: functionArn,
        RotateImmediatelyOnUpdate: false,
        RotationRules: {
          ScheduleExpression: concern === 'cos' ? deploy.rotation.cosSchedule : deploy.rotation.trtcSchedule,
          Duration: deploy.rotation.window,
        },
      },
    },
  };
}

/** API Gateway answers browser preflights itself, for the same origins the functions allow. */
function httpApiCors(config: Config): ServerlessFragments['httpApiCors'] {
  if (config.corsAllowedOrigins.length === 0) return false;
  return {
    allowedOrigins: [...config.corsAllowedOrigins],
    allowedHeaders: ['Authorization', 'Content-Type'],
    allowedMethods: ['POST'],
    maxAge: 600,
  };
}

/** Like the AWS CLI: `--region`, then AWS_REGION, AWS_DEFAULT_REGION, then the profile's region. */
async function resolveRegion(input: FragmentInput, isLocal: boolean): Promise<string | undefined> {
  const { env } = input;
  const explicit = input.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (explicit !== undefined && explicit !== '') return explicit;
  const profile = env.AWS_PROFILE ?? 'default';
  const fromProfile = await (input.profileRegion ?? readProfileRegion)(profile);
  if (fromProfile !== undefined) return fromProfile;
  // The local run never reaches AWS (fake keys, loopback only): any region does.
  return isLocal ? 'us-east-1' : undefined;
}

async function readProfileRegion(profile: string): Promise<string | undefined> {
  try {
    const { configFile } = await loadSharedConfigFiles();
    const region = configFile[profile]?.region;
    return typeof region === 'string' && region !== '' ? region : undefined;
  } catch {
    return undefined;
  }
}
