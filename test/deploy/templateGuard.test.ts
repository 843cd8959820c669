import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arch } from 'node:process';
import { describe, expect, it } from 'vitest';

// The cfn-guard rules in policy/template.guard must actually fail on the templates they exist to stop;
// CI runs them on the real packaged template (npm run check:template).

const guard = `node_modules/@cdklabs/cdk-validator-cfnguard/bin/ubuntu/${arch === 'arm64' ? 'aarch64' : 'x86_64'}/cfn-guard`;
chmodSync(guard, 0o755);
const dir = mkdtempSync(join(tmpdir(), 'guard-'));

const role = (resource: unknown, action: unknown = 'secretsmanager:GetSecretValue') => ({
  Type: 'AWS::IAM::Role',
  Properties: {
    Policies: [
      {
        PolicyName: 'p',
        PolicyDocument: { Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] },
      },
    ],
  },
});
const fn = (runtime = 'nodejs22.x', architecture = 'arm64') => ({
  Type: 'AWS::Lambda::Function',
  Properties: { Runtime: runtime, Architectures: [architecture], Role: { 'Fn::GetAtt': ['R', 'Arn'] } },
});
const route = (withAuthorizer = true) => ({
  Type: 'AWS::ApiGatewayV2::Route',
  Properties: withAuthorizer
    ? { AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: 'A' } }
    : { AuthorizationType: 'NONE' },
});
/** A CloudFormation Fn::Sub string naming a secret. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not JavaScript
const sub = (name: string) => ['arn:', '${AWS::Partition}', ':secretsmanager:x:y:secret:', name].join('');
const SECRET_ARN = sub('app/cos-??????');
const ROTATION_ACTIONS = [
  'secretsmanager:DescribeSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
];
const schedule = (properties: Record<string, unknown> = {}) => ({
  Type: 'AWS::SecretsManager::RotationSchedule',
  Properties: {
    SecretId: 'app/cos',
    RotationLambdaARN: { 'Fn::GetAtt': ['F', 'Arn'] },
    RotateImmediatelyOnUpdate: false,
    RotationRules: { ScheduleExpression: 'rate(30 days)', Duration: '2h' },
    ...properties,
  },
});
const invokedBySecretsManager = (properties: Record<string, unknown> = {}) => ({
  Type: 'AWS::Lambda::Permission',
  Properties: {
    FunctionName: { 'Fn::GetAtt': ['F', 'Arn'] },
    Action: 'lambda:InvokeFunction',
    Principal: 'secretsmanager.amazonaws.com',
    SourceAccount: { Ref: 'AWS::AccountId' },
    ...properties,
  },
});
const rule = (properties: Record<string, unknown> = {}) => ({
  Type: 'AWS::Events::Rule',
  Properties: { ScheduleExpression: 'rate(1 hour)', State: 'ENABLED', ...properties },
});
const authorizer = (properties: Record<string, unknown> = {}) => ({
  Type: 'AWS::ApiGatewayV2::Authorizer',
  Properties: {
    AuthorizerType: 'REQUEST',
    IdentitySource: ['$request.header.Authorization'],
    AuthorizerResultTtlInSeconds: 300,
    EnableSimpleResponses: true,
    ...properties,
  },
});
const stage = (
  routeSettings: Record<string, unknown> = { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
  logged = true,
) => ({
  Type: 'AWS::ApiGatewayV2::Stage',
  Properties: {
    DefaultRouteSettings: routeSettings,
    ...(logged ? { AccessLogSettings: { Format: '{"requestId":"$context.requestId"}' } } : {}),
  },
});
const good = {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not JavaScript
  R: role([{ 'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:x' }]),
  Rotator: role([{ 'Fn::Sub': SECRET_ARN }], ROTATION_ACTIONS),
  F: fn(),
  Route: route(),
  Schedule: schedule(),
  Permission: invokedBySecretsManager(),
  Job: rule(),
  Auth: authorizer(),
  Stage: stage(),
};
const { SourceAccount: _sourceAccount, ...unscopedPermission } = invokedBySecretsManager().Properties;

function failedRules(resources: Record<string, unknown>): string[] {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ Resources: resources }));
  const run = spawnSync(
    guard,
    ['validate', '--rules', 'policy/template.guard', '--data', file, '--show-summary', 'fail'],
    {
      encoding: 'utf8',
    },
  );
  return [...run.stdout.matchAll(/template\.guard\/(\w+)\s+FAIL/g)].map((m) => m[1] as string);
}

describe('policy/template.guard', () => {
  it('passes a template with current runtimes, authorized routes and scoped IAM', () => {
    expect(failedRules(good)).toEqual([]);
    const hook = role(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not JavaScript
      [{ 'Fn::Sub': 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:app-room-hook' }],
      'lambda:InvokeFunction',
    );
    expect(failedRules({ ...good, Hook: hook })).toEqual([]);
  });

  it.each([
    ['an old runtime', { ...good, F: fn('nodejs20.x') }, 'functions_use_current_runtime'],
    ['x86 functions', { ...good, F: fn('nodejs22.x', 'x86_64') }, 'functions_use_current_runtime'],
    ['a route without the authorizer', { ...good, Open: route(false) }, 'every_route_has_the_authorizer'],
    ['no routes at all', { R: good.R, F: good.F }, 'the_api_has_routes'],
    ['an IAM wildcard resource', { ...good, Wide: role('*') }, 'no_wildcard_iam_resources'],
    [
      'an IAM wildcard resource in a list',
      { ...good, Wide: role(['arn:x', '*']) },
      'no_wildcard_iam_resources',
    ],
    ['an IAM wildcard action', { ...good, Wide: role('arn:x', '*') }, 'no_wildcard_iam_actions'],
    [
      'no rotation schedule',
      { R: good.R, F: good.F, Route: good.Route, Permission: good.Permission, Job: good.Job },
      'secrets_are_rotated',
    ],
    [
      'a schedule that rotates on deployment',
      { ...good, Schedule: schedule({ RotateImmediatelyOnUpdate: true }) },
      'rotation_schedules_are_explicit',
    ],
    [
      'a schedule without RotateImmediatelyOnUpdate',
      { ...good, Schedule: schedule({ RotateImmediatelyOnUpdate: undefined }) },
      'rotation_schedules_are_explicit',
    ],
    [
      'a schedule without a Duration',
      { ...good, Schedule: schedule({ RotationRules: { ScheduleExpression: 'rate(30 days)' } }) },
      'rotation_schedules_are_explicit',
    ],
    [
      'a schedule without a ScheduleExpression',
      { ...good, Schedule: schedule({ RotationRules: { AutomaticallyAfterDays: 30, Duration: '2h' } }) },
      'rotation_schedules_are_explicit',
    ],
    [
      'a Secrets Manager permission without SourceAccount',
      { ...good, Permission: { Type: 'AWS::Lambda::Permission', Properties: unscopedPermission } },
      'secretsmanager_invocations_are_scoped',
    ],
    [
      'no Secrets Manager permission at all',
      { R: good.R, F: good.F, Route: good.Route, Schedule: good.Schedule, Job: good.Job },
      'secretsmanager_invocations_are_scoped',
    ],
    [
      'secretsmanager:* in a role',
      { ...good, Wide: role([{ 'Fn::Sub': SECRET_ARN }], ['secretsmanager:*']) },
      'secretsmanager_actions_are_allowlisted',
    ],
    [
      'secretsmanager:DeleteSecret in a role',
      { ...good, Wide: role([{ 'Fn::Sub': SECRET_ARN }], 'secretsmanager:DeleteSecret') },
      'secretsmanager_actions_are_allowlisted',
    ],
    [
      'a rotation grant on two secrets',
      {
        ...good,
        Rotator: role(
          [{ 'Fn::Sub': SECRET_ARN }, { 'Fn::Sub': SECRET_ARN.replace('cos', 'trtc') }],
          ROTATION_ACTIONS,
        ),
      },
      'secret_writes_name_one_secret',
    ],
    [
      'a rotation grant on a secret name pattern with a wildcard',
      {
        ...good,
        Rotator: role([{ 'Fn::Sub': sub('app/*') }], ROTATION_ACTIONS),
      },
      'secret_writes_name_one_secret',
    ],
    [
      'no scheduled job',
      { R: good.R, F: good.F, Route: good.Route, Schedule: good.Schedule, Permission: good.Permission },
      'jobs_are_scheduled',
    ],
    ['a disabled scheduled job', { ...good, Job: rule({ State: 'DISABLED' }) }, 'jobs_are_scheduled'],
    [
      'an authorizer without identity source',
      { ...good, Auth: authorizer({ IdentitySource: [] }) },
      'session_authorizer_is_cached_per_authorization_header',
    ],
    [
      'an authorizer keyed on another header',
      { ...good, Auth: authorizer({ IdentitySource: ['$request.header.X-User'] }) },
      'session_authorizer_is_cached_per_authorization_header',
    ],
    [
      'an uncached authorizer',
      { ...good, Auth: authorizer({ AuthorizerResultTtlInSeconds: 0 }) },
      'session_authorizer_is_cached_per_authorization_header',
    ],
    ['an unthrottled stage', { ...good, Stage: stage({}) }, 'api_stage_is_throttled_and_logged'],
    [
      'a stage without access logs',
      { ...good, Stage: stage(undefined, false) },
      'api_stage_is_throttled_and_logged',
    ],
    [
      'a session secret in a function environment',
      {
        ...good,
        F: {
          ...fn(),
          Properties: { ...fn().Properties, Environment: { Variables: { SESSION_HS256_SECRET: 'x' } } },
        },
      },
      'no_session_secret_in_function_environments',
    ],
    [
      'a wildcard Lambda invoke grant',
      { ...good, Hook: role(['arn:aws:lambda:r:1:function:*'], 'lambda:InvokeFunction') },
      'lambda_invoke_names_its_functions',
    ],
    [
      'a wildcard Lambda invoke grant in a Fn::Sub, with the action in a list',
      {
        ...good,
        Hook: role(
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not JavaScript
          [{ 'Fn::Sub': 'arn:${AWS::Partition}:lambda:r:1:function:app-*' }],
          ['lambda:InvokeFunction'],
        ),
      },
      'lambda_invoke_names_its_functions',
    ],
  ])('fails a template with %s', (_what, resources, rule) => {
    expect(failedRules(resources)).toContain(rule);
  });
});
