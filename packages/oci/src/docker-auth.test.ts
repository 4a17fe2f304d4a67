import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCode, tempDir } from '@airlock/test-utils';
import { parseChallenge } from './challenge.js';
import { credentialsFor } from './docker-auth.js';

describe('docker config credentials and auth challenges', () => {
  it('reads auths by host, Docker Hub aliases, and username/password entries', async () => {
    const file = join(await tempDir(), 'config.json');
    await writeFile(
      file,
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw:with:colons').toString('base64') },
          'registry.example:5000': { username: 'u', password: 'p' },
        },
      }),
    );
    expect(await credentialsFor(file, 'docker.io')).toEqual({ username: 'hub', password: 'pw:with:colons' });
    expect(await credentialsFor(file, 'registry.example:5000')).toEqual({ username: 'u', password: 'p' });
    expect(await credentialsFor(file, 'other.example')).toBeUndefined();
    expect(await credentialsFor(undefined, 'docker.io')).toBeUndefined();
    await writeFile(file, 'not json');
    await expectCode(credentialsFor(file, 'docker.io'), 'CONFIG_INVALID');
  });

  it('parses Bearer challenges with quoted, escaped and comma-separated parameters', () => {
    expect(parseChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull,push' },
    });
    expect(parseChallenge('Basic realm="x \\"y\\""')).toEqual({ scheme: 'basic', params: { realm: 'x "y"' } });
    expect(parseChallenge(null)).toBeUndefined();
  });
});
