import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSecretsManager, startFakeSecretsManager } from './fakeSecretsManager';

// The rotation half of the fake, through the real AWS SDK client: versions and staging labels,
// PutSecretValue's per-token idempotency, UpdateSecretVersionStage's move rules, GetSecretValue by id or
// label, DescribeSecret's VersionIdsToStages, LastRotatedDate and NextRotationDate.

const TOKEN = '11111111-2222-4333-8444-555555555555';
const OTHER_TOKEN = '99999999-2222-4333-8444-555555555555';
let clock = Date.UTC(2025, 0, 1);
let fake: FakeSecretsManager;
let client: SecretsManagerClient;

beforeAll(async () => {
  fake = await startFakeSecretsManager({ now: () => clock });
  client = new SecretsManagerClient({
    endpoint: fake.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client.destroy();
  await fake.close();
});

beforeEach(() => {
  clock = Date.UTC(2025, 0, 1);
  fake.putSecret('s', 'one', { versionId: 'v1' });
});

afterEach(() => {
  fake.setFault(null);
  fake.deleteSecret('s');
});

const stages = () => Object.fromEntries(fake.versions('s').map((v) => [v.versionId, v.stages.sort()]));
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => error.name,
  );

describe('a rotation against the fake', () => {
  it('begins with an empty AWSPENDING version that cannot be read yet', async () => {
    fake.beginRotation('s', TOKEN);
    expect(stages()).toEqual({ v1: ['AWSCURRENT'], [TOKEN]: ['AWSPENDING'] });
    expect(
      await rejection(
        client.send(
          new GetSecretValueCommand({ SecretId: 's', VersionId: TOKEN, VersionStage: 'AWSPENDING' }),
        ),
      ),
    ).toBe('ResourceNotFoundException');
    const described = await client.send(new DescribeSecretCommand({ SecretId: 's' }));
    expect(described.VersionIdsToStages).toEqual({ v1: ['AWSCURRENT'], [TOKEN]: ['AWSPENDING'] });
  });

  it('PutSecretValue fills the pending version; the same value again is ignored, another is refused', async () => {
    fake.beginRotation('s', TOKEN);
    const put = (value: string) =>
      client.send(
        new PutSecretValueCommand({
          SecretId: 's',
          ClientRequestToken: TOKEN,
          SecretString: value,
          VersionStages: ['AWSPENDING'],
        }),
      );
    expect((await put('two')).VersionStages).toEqual(['AWSPENDING']);
    expect((await put('two')).VersionId).toBe(TOKEN);
    expect(await rejection(put('three'))).toBe('ResourceExistsException');
    const pending = await client.send(
      new GetSecretValueCommand({ SecretId: 's', VersionStage: 'AWSPENDING' }),
    );
    expect(pending.SecretString).toBe('two');
    // The current version is untouched.
    expect((await client.send(new GetSecretValueCommand({ SecretId: 's' }))).SecretString).toBe('one');
  });

  it('GetSecretValue by version id alone returns that version whatever its labels', async () => {
    fake.putSecret('s', 'two', { versionId: 'v2' });
    const byId = await client.send(new GetSecretValueCommand({ SecretId: 's', VersionId: 'v1' }));
    expect(byId).toMatchObject({ SecretString: 'one', VersionStages: ['AWSPREVIOUS'] });
    expect(
      await rejection(
        client.send(
          new GetSecretValueCommand({ SecretId: 's', VersionId: 'v1', VersionStage: 'AWSCURRENT' }),
        ),
      ),
    ).toBe('ResourceNotFoundException');
  });

  it('UpdateSecretVersionStage moves AWSCURRENT, hands AWSPREVIOUS on and records LastRotatedDate', async () => {
    fake.putSecret('s', 'zero-then-one', { versionId: 'v0' }); // v1 becomes AWSPREVIOUS
    fake.beginRotation('s', TOKEN);
    await client.send(
      new PutSecretValueCommand({
        SecretId: 's',
        ClientRequestToken: TOKEN,
        SecretString: 'two',
        VersionStages: ['AWSPENDING'],
      }),
    );
    clock += 60_000;
    await client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: 's',
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: TOKEN,
        RemoveFromVersionId: 'v0',
      }),
    );
    expect(stages()).toEqual({ v1: [], v0: ['AWSPREVIOUS'], [TOKEN]: ['AWSCURRENT', 'AWSPENDING'] });
    const described = await client.send(new DescribeSecretCommand({ SecretId: 's' }));
    expect(described.LastRotatedDate).toEqual(new Date(clock));
    // A version without labels is not listed.
    expect(Object.keys(described.VersionIdsToStages ?? {}).sort()).toEqual([TOKEN, 'v0'].sort());
  });

  it('refuses to move a label away from a version the request does not name', async () => {
    fake.beginRotation('s', TOKEN);
    const move = (removeFrom?: string) =>
      client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: 's',
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: TOKEN,
          ...(removeFrom === undefined ? {} : { RemoveFromVersionId: removeFrom }),
        }),
      );
    expect(await rejection(move())).toBe('InvalidParameterException');
    expect(await rejection(move(TOKEN))).toBe('InvalidParameterException');
    expect(stages()).toEqual({ v1: ['AWSCURRENT'], [TOKEN]: ['AWSPENDING'] });
  });

  it('removes a custom label with RemoveFromVersionId alone', async () => {
    await client.send(
      new PutSecretValueCommand({
        SecretId: 's',
        ClientRequestToken: TOKEN,
        SecretString: 'staged',
        VersionStages: ['STAGED'],
      }),
    );
    expect(stages()).toEqual({ v1: ['AWSCURRENT'], [TOKEN]: ['STAGED'] });
    await client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: 's',
        VersionStage: 'STAGED',
        RemoveFromVersionId: TOKEN,
      }),
    );
    expect(stages()).toEqual({ v1: ['AWSCURRENT'], [TOKEN]: [] });
  });

  it('refuses a new rotation while AWSPENDING sits on a version that is not AWSCURRENT', () => {
    fake.beginRotation('s', TOKEN);
    expect(() => fake.beginRotation('s', OTHER_TOKEN)).toThrow(/previous rotation/);
  });

  it('lostResponse: the change is made, the client sees a dropped connection', async () => {
    fake.beginRotation('s', TOKEN);
    fake.setFault({ kind: 'lostResponse', operation: 'PutSecretValue', times: 1 });
    const put = client.send(
      new PutSecretValueCommand({
        SecretId: 's',
        ClientRequestToken: TOKEN,
        SecretString: 'two',
        VersionStages: ['AWSPENDING'],
      }),
    );
    await expect(put).rejects.toThrow();
    expect(fake.versions('s').find((v) => v.versionId === TOKEN)?.secretString).toBe('two');
  });

  it('reports NextRotationDate once one is set', async () => {
    fake.setNextRotationDate('s', new Date(Date.UTC(2025, 1, 1)));
    const described = await client.send(new DescribeSecretCommand({ SecretId: 's' }));
    expect(described).toMatchObject({
      RotationEnabled: true,
      NextRotationDate: new Date(Date.UTC(2025, 1, 1)),
    });
  });
});
