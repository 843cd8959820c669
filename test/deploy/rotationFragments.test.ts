import { describe, expect, it } from 'vitest';
import { serverlessFragments } from '../../deploy/serverlessFragments';

// What the deployment derives for the rotation jobs from deploy/functions.ts: write access to exactly
// the rotated secret, an invoke permission for Secrets Manager scoped to this account, a RotationSchedule
// that never rotates on deployment, the hourly schedules, and the rotation settings only where read.

const env = {
  AWS_REGION: 'eu-west-1',
  SESSION_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json',
  SESSION_ISSUER: 'https://idp.example.com/',
  SESSION_AUDIENCE: 'my-app',
  COS_SECRET_ID: 'myapp/cos',
  TRTC_SECRET_ID: 'myapp/trtc',
  COS_ROTATOR_SECRET_ID: 'myapp/cos-rotator',
  CAM_ENDPOINT: 'https://cam.intl.tencentcloudapi.com',
  IM_REST_ENDPOINT: 'singapore',
  COS_ROTATION_SCHEDULE: 'rate(14 days)',
  JOBS_SCHEDULE: 'rate(2 hours)',
};

type Statement = { Action: string[]; Resource: { 'Fn::Sub': string }[] };
const statementsOf = (role: unknown): Statement[] =>
  (
    role as { Properties: { Policies: { PolicyDocument: { Statement: Statement[] } }[] } }
  ).Properties.Policies.flatMap((policy) => policy.PolicyDocument.Statement);
const writes = (role: unknown) =>
  statementsOf(role)
    .filter((s) => s.Action.includes('secretsmanager:PutSecretValue'))
    .flatMap((s) => s.Resource.map((r) => r['Fn::Sub']));

describe('the rotation jobs in the derived template', () => {
  it('lets each rotation function write only the secret it rotates; nothing else writes secrets', async () => {
    const { roles } = await serverlessFragments({
      service: 's',
      stage: 'prod',
      env,
      profileRegion: async () => undefined,
    });
    expect(writes(roles.RotateCosKeyRole)).toEqual([expect.stringMatching(/:secret:myapp\/cos-\?{6}$/)]);
    expect(writes(roles.RotateTrtcKeyRole)).toEqual([expect.stringMatching(/:secret:myapp\/trtc-\?{6}$/)]);
    for (const role of [
      'AuthorizerRole',
      'UserSigRole',
      'PrivateMapKeyRole',
      'CosSignRole',
      'CheckTrtcKeyRole',
    ]) {
      expect(writes(roles[role]), role).toEqual([]);
    }
  });

  it('attaches each rotation function to its secret with a scoped permission and a schedule', async () => {
    const { resources } = await serverlessFragments({
      service: 's',
      stage: 'prod',
      env,
      profileRegion: async () => undefined,
    });
    expect(resources.RotateCosKeyInvokedBySecretsManager).toEqual({
      Type: 'AWS::Lambda::Permission',
      Properties: {
        FunctionName: { 'Fn::GetAtt': ['RotateCosKeyLambdaFunction', 'Arn'] },
        Action: 'lambda:InvokeFunction',
        Principal: 'secretsmanager.amazonaws.com',
        SourceAccount: { Ref: 'AWS::AccountId' },
      },
    });
    expect(resources.CosSecretRotationSchedule).toMatchObject({
      Type: 'AWS::SecretsManager::RotationSchedule',
      DependsOn: ['RotateCosKeyInvokedBySecretsManager'],
      Properties: {
        SecretId: 'myapp/cos',
        RotateImmediatelyOnUpdate: false,
        RotationRules: { ScheduleExpression: 'rate(14 days)', Duration: '2h' },
      },
    });
    expect(resources.TrtcSecretRotationSchedule).toMatchObject({
      Properties: { SecretId: 'myapp/trtc', RotationRules: { ScheduleExpression: 'rate(365 days)' } },
    });
  });

  it('schedules the two hourly jobs and passes the rotation settings only to the jobs that read them', async () => {
    const { functions } = await serverlessFragments({
      service: 's',
      stage: 'prod',
      env,
      profileRegion: async () => undefined,
    });
    const block = (name: string) =>
      functions[name] as { events?: unknown[]; environment: Record<string, string> };
    expect(block('rotateCosKey').events).toEqual([
      { schedule: { rate: 'rate(2 hours)', input: { task: 'disablePreviousKey' } } },
    ]);
    expect(block('checkTrtcKey').events).toEqual([{ schedule: { rate: 'rate(2 hours)' } }]);
    expect(block('rotateCosKey').environment).toMatchObject({
      COS_ROTATOR_SECRET_ID: 'myapp/cos-rotator',
      CAM_ENDPOINT: 'https://cam.intl.tencentcloudapi.com',
    });
    expect(block('checkTrtcKey').environment).toMatchObject({ IM_REST_ENDPOINT: 'singapore' });
    for (const name of ['userSig', 'cosSign', 'checkTrtcKey']) {
      expect(Object.keys(block(name).environment), name).not.toContain('COS_ROTATOR_SECRET_ID');
      expect(Object.keys(block(name).environment), name).not.toContain('CAM_ENDPOINT');
    }
  });

  it('creates the job rules disabled with JOBS_ENABLED=false (the e2e stack invokes the jobs itself)', async () => {
    const { functions } = await serverlessFragments({
      service: 's',
      stage: 'prod',
      env: { ...env, JOBS_ENABLED: 'false' },
      profileRegion: async () => undefined,
    });
    expect((functions.checkTrtcKey as { events: unknown[] }).events).toEqual([
      { schedule: { rate: 'rate(2 hours)', enabled: false } },
    ]);
  });

  it('refuses a bad schedule or a grace period shorter than the longest credential', async () => {
    const refused = await serverlessFragments({
      service: 's',
      stage: 'prod',
      env: { ...env, COS_ROTATION_SCHEDULE: 'every day', COS_KEY_GRACE_SECONDS: '60' },
      profileRegion: async () => undefined,
    }).catch((error: unknown) => (error as Error).message);
    expect(refused).toContain('COS_ROTATION_SCHEDULE must be rate(N hours|days) or cron(...)');
    // SECRETS_TTL_SECONDS 300 + the longest COS credential (the COS functions' STS keys, 7200 s) + 300.
    expect(refused).toContain('COS_KEY_GRACE_SECONDS must be at least 7800');
  });
});
