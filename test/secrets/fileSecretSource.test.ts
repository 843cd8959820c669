import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretInvalidError } from '../../lib/secrets/errors';
import { fileSecretSource } from '../../lib/secrets/fileSecretSource';

const FAKE_SECRET_KEY = 'FAKE-secretKey-file-never-log-me';
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'file-secret-source-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('fileSecretSource', () => {
  it('returns the whole file as the secret string', async () => {
    const path = join(directory, 'trtc.json');
    const text = JSON.stringify({ sdkAppId: 1400000000, secretKey: FAKE_SECRET_KEY });
    await writeFile(path, text);
    expect(await fileSecretSource({ path })()).toEqual({ secretString: text });
  });

  it('reads the file again on every load, so edits are picked up', async () => {
    const path = join(directory, 'edited.json');
    const fetchSecret = fileSecretSource({ path });
    await writeFile(path, '{"v":1}');
    expect((await fetchSecret()).secretString).toBe('{"v":1}');
    await writeFile(path, '{"v":2}');
    expect((await fetchSecret()).secretString).toBe('{"v":2}');
  });

  it('reports a missing file with its path', async () => {
    const path = join(directory, 'missing.json');
    await expect(fileSecretSource({ path })()).rejects.toThrow(`secret file "${path}" does not exist`);
  });

  describe('with a secretId (multi-secret file)', () => {
    let path: string;
    beforeAll(async () => {
      path = join(directory, 'dev-secrets.json');
      await writeFile(
        path,
        JSON.stringify({
          trtc: { sdkAppId: 1400000000, secretKey: FAKE_SECRET_KEY },
          cos: '{"appId":"1250000000"}',
        }),
      );
    });

    it('returns an object entry as its JSON text', async () => {
      expect(await fileSecretSource({ path, secretId: 'trtc' })()).toEqual({
        secretString: JSON.stringify({ sdkAppId: 1400000000, secretKey: FAKE_SECRET_KEY }),
      });
    });

    it('returns a string entry as is', async () => {
      expect((await fileSecretSource({ path, secretId: 'cos' })()).secretString).toBe(
        '{"appId":"1250000000"}',
      );
    });

    it('reports a missing entry with the path and the id', async () => {
      const error = await fileSecretSource({ path, secretId: 'im' })().catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(SecretInvalidError);
      expect((error as Error).message).toBe(`secret file "${path}" has no entry "im"`);
    });

    it('does not take inherited properties for entries', async () => {
      await expect(fileSecretSource({ path, secretId: 'constructor' })()).rejects.toThrow(/has no entry/);
    });

    it('reports a file that is not JSON without quoting it', async () => {
      const broken = join(directory, 'broken.json');
      await writeFile(broken, `{"trtc": {"secretKey": "${FAKE_SECRET_KEY}"`);
      const error = await fileSecretSource({ path: broken, secretId: 'trtc' })().catch(
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(SecretInvalidError);
      expect((error as Error).message).toBe(`secret file "${broken}" is not valid JSON`);
      expect((error as Error).message).not.toContain(FAKE_SECRET_KEY);
    });
  });

  it('rejects misuse with TypeError', () => {
    expect(() => fileSecretSource({ path: '' })).toThrow(TypeError);
    expect(() => fileSecretSource({ path: 'x.json', secretId: '' })).toThrow(TypeError);
  });
});
