import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../deploy/functions';
import {
  DeploySettingsError,
  type FragmentInput,
  secretArn,
  serverlessFragments,
} from '../../deploy/serverlessFragments';

// The derived serverless.yml parts: each function gets exactly the variables of the groups it reads, its
// role may read exactly the secrets it is told about (same name as in its environment), and settings the
// functions would refuse stop packaging with every problem named.

const SERVICE = 'tencent-token-issuer';
const noProfile = async () => undefined;
const SESSION = {
  SESSION_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json',
  SESSION_ISSUER: 'https://idp.example.com/',
  SESSION_AUDIENCE: 'my-app',
};

async function fragments(env: Record<string, string>, input: Partial<FragmentInput> = {}) {
  return serverlessFragments({ service: SERVICE, stage: 'prod', env, profileRegion: noProfile, ...input });
}

async function refusal(env: Record<string, string>, input: Partial<FragmentInput> = {}): Promise<string> {
  const error = await fragments(env, input).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(DeploySettingsError);
  // Printed by serverless as is: no stack trace.
  expect((error as Error).stack).toBe((error as Error).message);
  return (error as Error).message;
}

type FunctionBlock = { environment: Record<string, string>; role: string; events?: unknown[] };
type Role = {
  Properties: { Policies: { PolicyDocument: { Statement: { Action: string[]; Resource: unknown[] }[] } }[] };
};

function secretResources(role: unknown): unknown[] {
  const statements = (role as Role).Properties.Policies.flatMap((policy) => policy.PolicyDocument.Statement);
  return statements
    .filter((s) => s.Action.includes('secretsmanager:GetSecretValue'))
    .flatMap((s) => s.Resource);
}

describe('serverlessFragments', () => {
  const everySetting = {
    AWS_REGION: 'eu-west-1',
    ...SESSION,
    SESSION_CLOCK_TOLERANCE_SECONDS: '10',
    LOG_LEVEL: 'debug',
    SECRETS_TTL_SECONDS: '120',
    CORS_ALLOWED_ORIGINS: 'https://app.example',
    USERSIG_MAX_EXPIRE: '43200',
    PRIVATEMAPKEY_MAX_EXPIRE: '600',
    ROOM_DEFAULT_ROLE: 'audience',
    COS_MAX_EXPIRE: '900',
    TRTC_SECRET_ID: 'myapp/trtc',
    HTTP_PORT: '4000',
  };

  it('gives each function only the variables of the setting groups it reads', async () => {
    const { functions } = await fragments(everySetting);
    const envOf = (name: string) => Object.keys((functions[name] as FunctionBlock).environment).sort();
    expect(envOf('authorizer')).toEqual(
      [
        'STAGE',
        'LOG_LEVEL',
        'SECRETS_TTL_SECONDS',
        'SESSION_JWKS_URL',
        'SESSION_ISSUER',
        'SESSION_AUDIENCE',
        'SESSION_CLOCK_TOLERANCE_SECONDS',
      ].sort(),
    );
    expect(envOf('userSig')).toEqual(
      [
        'STAGE',
        'LOG_LEVEL',
        'SECRETS_TTL_SECONDS',
        'CORS_ALLOWED_ORIGINS',
        'TRTC_SECRET_ID',
        'USERSIG_MAX_EXPIRE',
      ].sort(),
    );
    expect(envOf('privateMapKey')).toEqual(
      [
        'STAGE',
        'LOG_LEVEL',
        'SECRETS_TTL_SECONDS',
        'CORS_ALLOWED_ORIGINS',
        'TRTC_SECRET_ID',
        'PRIVATEMAPKEY_MAX_EXPIRE',
        'ROOM_DEFAULT_ROLE',
      ].sort(),
    );
    expect(envOf('cosSign')).toEqual(
      [
        'STAGE',
        'LOG_LEVEL',
        'SECRETS_TTL_SECONDS',
        'CORS_ALLOWED_ORIGINS',
        'COS_SECRET_ID',
        'COS_MAX_EXPIRE',
      ].sort(),
    );
    // Deployment settings reach no function.
    for (const block of Object.values(functions))
      expect((block as FunctionBlock).environment).not.toHaveProperty('HTTP_PORT');
  });

  it('derives each secret name once: the environment and the IAM resource agree, also when overridden', async () => {
    const { functions, roles } = await fragments(everySetting);
    for (const name of ['userSig', 'privateMapKey']) {
      const block = functions[name] as FunctionBlock;
      expect(block.environment.TRTC_SECRET_ID).toBe('myapp/trtc');
      expect(secretResources(roles[block.role])).toEqual([secretArn('myapp/trtc')]);
    }
    const cos = functions.cosSign as FunctionBlock;
    expect(cos.environment.COS_SECRET_ID).toBe('tencent-token-issuer/prod/cos');
    expect(secretResources(roles[cos.role])).toEqual([secretArn('tencent-token-issuer/prod/cos')]);
    // A JWKS authorizer reads no secret at all.
    expect(secretResources(roles[(functions.authorizer as FunctionBlock).role])).toEqual([]);
    // An ARN is used as given (it already carries Secrets Manager's suffix).
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:myapp/trtc-AbCdEf';
    const byArn = await fragments({ ...everySetting, TRTC_SECRET_ID: arn });
    const userSig = byArn.functions.userSig as FunctionBlock;
    expect(userSig.environment.TRTC_SECRET_ID).toBe(arn);
    expect(secretResources(byArn.roles[userSig.role])).toEqual([arn]);
  });

  it('lets only the authorizer read the HS256 session secret from Secrets Manager', async () => {
    const { SESSION_JWKS_URL: _, ...hs } = everySetting;
    const { functions, roles } = await fragments({ ...hs, SESSION_SECRET_ID: 'myapp/session' });
    const authorizer = functions.authorizer as FunctionBlock;
    expect(authorizer.environment.SESSION_SECRET_ID).toBe('myapp/session');
    expect(secretResources(roles[authorizer.role])).toEqual([secretArn('myapp/session')]);
    for (const name of ['userSig', 'privateMapKey', 'cosSign']) {
      const block = functions[name] as FunctionBlock;
      expect(Object.keys(block.environment).filter((key) => key.startsWith('SESSION_'))).toEqual([]);
      expect(JSON.stringify(roles[block.role])).not.toContain('myapp/session');
    }
  });

  it('lets privateMapKey invoke exactly the room hook, and only when ROOM_POLICY includes it', async () => {
    const invokeGrants = (roles: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(roles).map(([id, role]) => [
          id,
          (role as Role).Properties.Policies.flatMap((policy) => policy.PolicyDocument.Statement)
            .filter((statement) => statement.Action.includes('lambda:InvokeFunction'))
            .flatMap((statement) => statement.Resource),
        ]),
      );
    const hookArn = (name: string) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${name}`,
    });
    const withHook = await fragments({
      ...everySetting,
      ROOM_POLICY: 'claims,hook',
      ROOM_HOOK_CLAIMS: 'org',
    });
    expect(invokeGrants(withHook.roles)).toEqual({
      AuthorizerRole: [],
      UserSigRole: [],
      PrivateMapKeyRole: [hookArn(`${SERVICE}-prod-exampleRoomHook`)],
      CosSignRole: [],
      CosCredentialsRole: [],
      ExampleRoomHookRole: [],
      RotateCosKeyRole: [],
      RotateTrtcKeyRole: [],
      CheckTrtcKeyRole: [],
    });
    // The authorizer learns which claims to pass on; the function, the hook it may invoke.
    const envOf = (name: string) => (withHook.functions[name] as FunctionBlock).environment;
    expect(envOf('authorizer')).toMatchObject({
      ROOM_POLICY: 'claims,hook',
      ROOM_HOOK_CLAIMS: 'org',
      ROOM_HOOK_FUNCTION: `${SERVICE}-prod-exampleRoomHook`,
    });
    expect(envOf('privateMapKey')).toMatchObject({ ROOM_HOOK_FUNCTION: `${SERVICE}-prod-exampleRoomHook` });
    expect(envOf('userSig')).not.toHaveProperty('ROOM_POLICY');

    const own = await fragments({ ...everySetting, ROOM_POLICY: 'hook', ROOM_HOOK_FUNCTION: 'my-app-hook' });
    expect(invokeGrants(own.roles).PrivateMapKeyRole).toEqual([hookArn('my-app-hook')]);
    const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:shared-hook';
    const byArn = await fragments({ ...everySetting, ROOM_POLICY: 'hook', ROOM_HOOK_FUNCTION: arn });
    expect(invokeGrants(byArn.roles).PrivateMapKeyRole).toEqual([arn]);

    const without = await fragments(everySetting);
    expect(Object.values(invokeGrants(without.roles)).flat()).toEqual([]);
    expect((without.functions.privateMapKey as FunctionBlock).environment).not.toHaveProperty(
      'ROOM_HOOK_FUNCTION',
    );
  });

  it('refuses room settings the functions would refuse', async () => {
    const message = await refusal({
      ...everySetting,
      ROOM_POLICY: 'claims,everyone',
      ROOM_RULES: '[{"strRoomId":"u_{userId}_*","role":"anchor"}]',
      TRTC_TICKET_VERSION: '3',
    });
    expect(message).toContain('ROOM_POLICY must list claims, rules, hook');
    expect(message).toContain('ROOM_RULES rule 0 strRoomId must follow {userId}');
    expect(message).toContain('TRTC_TICKET_VERSION must be 1 or 2');
  });

  it('routes exactly the declared token functions through the session authorizer', async () => {
    const { functions } = await fragments(everySetting);
    for (const [name, declaration] of Object.entries(FUNCTIONS)) {
      const events = (functions[name] as FunctionBlock).events;
      if (!('route' in declaration)) {
        // Not routed: no event, or only the jobs' schedule (rotation jobs).
        expect(
          events === undefined ||
            events.every((event) => typeof event === 'object' && event !== null && 'schedule' in event),
        ).toBe(true);
        expect(events !== undefined).toBe('scheduled' in declaration);
        continue;
      }
      expect(events).toEqual([
        { httpApi: { method: 'POST', path: declaration.route.path, authorizer: { name: 'session' } } },
      ]);
    }
  });

  it('refuses a deployed stage without a session configuration, naming every problem', async () => {
    const message = await refusal({ USERSIG_MAX_EXPIRE: 'forever' });
    expect(message).toContain('stage "prod"');
    for (const expected of [
      'USERSIG_MAX_EXPIRE must be a whole number',
      'SESSION_JWKS_URL or SESSION_SECRET_ID must be set',
      'SESSION_ISSUER must be set',
      'SESSION_AUDIENCE must be set',
      'no AWS region',
    ]) {
      expect(message).toContain(expected);
    }
  });

  it('refuses an HS256 session secret in the environment of a deployed stage, without printing it', async () => {
    const secret = 'a-real-looking-session-secret-0123456789';
    const { SESSION_JWKS_URL: _, ...hs } = everySetting;
    const message = await refusal({ ...hs, SESSION_HS256_SECRET: secret });
    expect(message).toContain('SESSION_HS256_SECRET is only allowed on the local stage');
    expect(message).not.toContain(secret);
  });

  it('follows the AWS CLI for the region: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile', async () => {
    const base = { ...SESSION };
    expect((await fragments({ ...base, AWS_REGION: 'eu-west-1' }, { region: 'ap-east-1' })).region).toBe(
      'ap-east-1',
    );
    expect(
      (await fragments({ ...base, AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-east-1' })).region,
    ).toBe('eu-west-1');
    expect((await fragments({ ...base, AWS_DEFAULT_REGION: 'us-east-1' })).region).toBe('us-east-1');
    const profiles: Record<string, string> = { work: 'ap-northeast-1' };
    const profileRegion = async (profile: string) => profiles[profile];
    expect((await fragments({ ...base, AWS_PROFILE: 'work' }, { profileRegion })).region).toBe(
      'ap-northeast-1',
    );
    expect(await refusal({ ...base, AWS_PROFILE: 'home' }, { profileRegion })).toContain('no AWS region');
    // The local stage never reaches AWS.
    expect((await fragments({}, { stage: 'local' })).region).toBe('us-east-1');
  });

  it('on the local stage, passes the session settings and the local secret files to every function', async () => {
    const { functions } = await fragments(
      { TRTC_SECRET_FILE: 'my/trtc.json', SESSION_HS256_SECRET: 'x'.repeat(40) },
      { stage: 'local' },
    );
    const userSig = (functions.userSig as FunctionBlock).environment;
    expect(userSig).toEqual({
      STAGE: 'local',
      TRTC_SECRET_FILE: 'my/trtc.json',
      SESSION_HS256_SECRET: 'x'.repeat(40),
    });
    expect((functions.cosSign as FunctionBlock).environment).not.toHaveProperty('TRTC_SECRET_FILE');
  });

  it('sets reserved concurrency where asked, and refuses unknown function names', async () => {
    const { functions, deploy } = await fragments({
      ...everySetting,
      RESERVED_CONCURRENCY: 'authorizer=50, userSig=20',
    });
    expect(functions.authorizer).toMatchObject({ reservedConcurrency: 50 });
    expect(functions.userSig).toMatchObject({ reservedConcurrency: 20 });
    expect(functions.cosSign).not.toHaveProperty('reservedConcurrency');
    expect(deploy).toMatchObject({
      throttleRateLimit: 50,
      throttleBurstLimit: 100,
      authorizerCacheSeconds: 300,
    });
    expect(await refusal({ ...everySetting, RESERVED_CONCURRENCY: 'usersig=20' })).toContain(
      'RESERVED_CONCURRENCY names no function "usersig"',
    );
    expect(await refusal({ ...everySetting, RESERVED_CONCURRENCY: 'userSig:20' })).toContain(
      'RESERVED_CONCURRENCY must be a comma-separated list',
    );
  });
});
