import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../deploy/functions';
import { SETTING_GROUPS } from '../../lib/config';

// Packages the service for real (`npm run package`, serverless + esbuild, no network) and reads what a
// deployment would upload: every function's environment must agree with its IAM role, only the
// authorizer may see session settings, and no secret-like value given to the packaging command may
// appear in the template, serverless-state.json or any zip.

const root = new URL('../..', import.meta.url).pathname;
const SENTINELS = {
  AWS_ACCESS_KEY_ID: 'AKIAPACKAGETESTSENTINEL1',
  AWS_SECRET_ACCESS_KEY: 'packageTestSentinelSecretAccessKey0123456789',
  AWS_SESSION_TOKEN: 'packageTestSentinelSessionToken0123456789abcdef',
};
const SESSION_SECRET = 'packaging-test-HS256-secret-never-in-artifacts-0123';

interface PackageRun {
  readonly status: number | null;
  readonly output: string;
  readonly dir: string;
}

const runs: string[] = [];

function packageStage(env: Record<string, string>, stage = 'prod'): PackageRun {
  const dir = mkdtempSync(join(tmpdir(), 'tti-package-'));
  runs.push(dir);
  const { PATH, HOME } = process.env;
  const run = spawnSync(
    process.execPath,
    ['scripts/package.mjs', '--stage', stage, '--package', join(dir, 'out')],
    {
      cwd: root,
      encoding: 'utf8',
      env: {
        PATH: PATH ?? '',
        HOME: HOME ?? '',
        // No developer AWS files: the region must come from the settings.
        AWS_CONFIG_FILE: join(dir, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
        ESBUILD_WORK_FOLDER: join('node_modules', '.cache', 'tti-package-test', dir.split('/').at(-1) ?? 'x'),
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...env,
      },
    },
  );
  return { status: run.status, output: `${run.stdout}${run.stderr}`, dir: join(dir, 'out') };
}

afterAll(() => {
  for (const dir of runs) rmSync(dir, { recursive: true, force: true });
  rmSync(join(root, 'node_modules', '.cache', 'tti-package-test'), { recursive: true, force: true });
});

type Resource = { Type: string; Properties: Record<string, unknown> };

describe('npm run package', () => {
  let run: PackageRun;
  let template: { Resources: Record<string, Resource> };

  beforeAll(() => {
    run = packageStage({
      ...SENTINELS,
      AWS_REGION: 'eu-west-1',
      SESSION_SECRET_ID: 'myapp/prod/session',
      SESSION_ISSUER: 'https://issuer.example/',
      SESSION_AUDIENCE: 'my-app',
      TRTC_SECRET_ID: 'myapp/prod/trtc',
      COS_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:myapp/prod/cos-AbCdEf',
      LOG_LEVEL: 'debug',
      ROOM_POLICY: 'claims,rules,hook',
      ROOM_RULES: '[{"strRoomId":"call.{userId}.*","role":"anchor"}]',
    });
    expect(run.status, run.output).toBe(0);
    template = JSON.parse(readFileSync(join(run.dir, 'cloudformation-template-update-stack.json'), 'utf8'));
  }, 180_000);

  it('gives every function exactly the secrets its environment names, in its own role', () => {
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions).toHaveLength(Object.keys(FUNCTIONS).length);
    for (const fn of functions) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, string> }).Variables;
      const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const role = template.Resources[roleId] as Resource;
      const statements = (
        role.Properties.Policies as {
          PolicyDocument: { Statement: { Action: string[]; Resource: unknown[] }[] };
        }[]
      ).flatMap((policy) => policy.PolicyDocument.Statement);
      const readable = statements
        .filter((s) => s.Action.includes('secretsmanager:GetSecretValue'))
        .flatMap((s) => s.Resource)
        .map((resource) =>
          typeof resource === 'string' ? resource : ((resource as { 'Fn::Sub': string })['Fn::Sub'] ?? ''),
        );
      const named = Object.entries(variables)
        .filter(([name]) => name.endsWith('_SECRET_ID'))
        .map(([, value]) => value);
      // Same secrets, one for one: the role's resource is the environment's name (+ Secrets Manager's suffix).
      expect(readable).toHaveLength(named.length);
      for (const name of named) {
        expect(readable.some((arn) => arn === name || arn.endsWith(`:secret:${name}-??????`))).toBe(true);
      }
      const isAuthorizer = roleId === 'AuthorizerRole';
      const sessionVariables = Object.keys(variables).filter(
        (name) =>
          (SETTING_GROUPS.session as readonly string[]).includes(name) || name === 'SESSION_SECRET_ID',
      );
      if (!isAuthorizer) expect(sessionVariables).toEqual([]);
    }
  });

  it('lets privateMapKey, and no other function, invoke the example room hook, and nothing else', () => {
    const grants: Record<string, unknown[]> = {};
    for (const [id, resource] of Object.entries(template.Resources)) {
      if (resource.Type !== 'AWS::IAM::Role') continue;
      grants[id] = (
        resource.Properties.Policies as {
          PolicyDocument: { Statement: { Action: string[]; Resource: unknown[] }[] };
        }[]
      )
        .flatMap((policy) => policy.PolicyDocument.Statement)
        .filter((statement) => statement.Action.some((action) => action.startsWith('lambda:')))
        .flatMap((statement) => [statement.Action, ...statement.Resource]);
    }
    expect(grants).toEqual({
      AuthorizerRole: [],
      UserSigRole: [],
      PrivateMapKeyRole: [
        ['lambda:InvokeFunction'],
        {
          'Fn::Sub':
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not JavaScript
            'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:tencent-token-issuer-prod-exampleRoomHook',
        },
      ],
      CosSignRole: [],
      CosCredentialsRole: [],
      ExampleRoomHookRole: [],
      RotateCosKeyRole: [],
      RotateTrtcKeyRole: [],
      CheckTrtcKeyRole: [],
    });
    const hook = Object.values(template.Resources).find(
      (resource) =>
        resource.Type === 'AWS::Lambda::Function' &&
        resource.Properties.FunctionName === 'tencent-token-issuer-prod-exampleRoomHook',
    );
    expect(hook, 'the example hook is deployed').toBeDefined();
  });

  it('writes no secret-like value of the packaging environment into any artifact', () => {
    const files = readdirSync(run.dir);
    expect(files).toEqual(expect.arrayContaining(['serverless-state.json', 'authorizer.zip', 'cosSign.zip']));
    const texts = files.map((file) =>
      file.endsWith('.zip')
        ? execFileSync('unzip', ['-p', join(run.dir, file)], { maxBuffer: 64 * 1024 * 1024 }).toString(
            'latin1',
          )
        : readFileSync(join(run.dir, file), 'latin1'),
    );
    expect(texts.join('').length).toBeGreaterThan(100_000);
    for (const value of Object.values(SENTINELS)) {
      expect(texts.filter((text) => text.includes(value))).toEqual([]);
    }
  });

  it('keeps the API behind the cached session authorizer, throttled and access-logged without headers', () => {
    const resources = Object.values(template.Resources);
    const authorizer = resources.find((r) => r.Type === 'AWS::ApiGatewayV2::Authorizer') as Resource;
    expect(authorizer.Properties).toMatchObject({
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 300,
      EnableSimpleResponses: true,
    });
    const stage = resources.find((r) => r.Type === 'AWS::ApiGatewayV2::Stage') as Resource;
    expect(stage.Properties.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: 50,
      ThrottlingBurstLimit: 100,
    });
    const format = (stage.Properties.AccessLogSettings as { Format: string }).Format;
    expect(Object.keys(JSON.parse(format))).toContain('requestId');
    expect(format).not.toMatch(/header|body|authorization/i);
  });

  it('refuses a deployed stage with the session secret in its environment, and writes nothing', () => {
    const refused = packageStage({
      AWS_REGION: 'eu-west-1',
      SESSION_HS256_SECRET: SESSION_SECRET,
      SESSION_ISSUER: 'https://issuer.example/',
      SESSION_AUDIENCE: 'my-app',
    });
    expect(refused.status).not.toBe(0);
    expect(refused.output).toContain('SESSION_HS256_SECRET is only allowed on the local stage');
    expect(refused.output).not.toContain(SESSION_SECRET);
    expect(existsSync(refused.dir)).toBe(false);
  });

  it('refuses a deployed stage without session settings or region, naming every problem once', () => {
    const refused = packageStage({}, 'staging');
    expect(refused.status).not.toBe(0);
    for (const problem of [
      'SESSION_JWKS_URL or SESSION_SECRET_ID must be set',
      'SESSION_ISSUER must be set',
      'SESSION_AUDIENCE must be set',
      'no AWS region',
    ]) {
      expect(refused.output.split(problem)).toHaveLength(2);
    }
  });
});
