import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Digest } from '@airlock/core';
import { expectCode, tempDir } from '@airlock/test-utils';
import { Vault } from './vault.js';
import { putBytes, readVerifiedBytes } from './vault-bytes.js';

async function vault(): Promise<Vault> {
  const v = new Vault(join(await tempDir(), 'vault'));
  await v.init();
  return v;
}

describe('putBytes / readVerifiedBytes', () => {
  it('stores bytes under their digest once and reads them back verified', async () => {
    const v = await vault();
    const bytes = Buffer.from('{"merged":true}');
    const first = await putBytes(v, bytes, 'a merged catalog');
    expect(first).toEqual({ digest: sha256Digest(bytes), result: 'added' });
    expect((await putBytes(v, bytes, 'again')).result).toBe('present');
    expect((await readVerifiedBytes(v, first.digest, 1024, 'the catalog')).equals(bytes)).toBe(true);
    await expectCode(readVerifiedBytes(v, first.digest, 4, 'the catalog'), 'SIZE_MISMATCH');
    await expectCode(readVerifiedBytes(v, sha256Digest('absent'), 1024, 'the catalog'), 'BLOB_MISSING');
  });

  it('refuses a vault file whose bytes no longer match its digest', async () => {
    const v = await vault();
    const { digest } = await putBytes(v, Buffer.from('original'), 'x');
    const path = await v.pathOf(digest);
    await chmod(path, 0o644);
    await writeFile(path, 'tampered');
    await expectCode(readVerifiedBytes(v, digest, 1024, 'the catalog'), 'DIGEST_MISMATCH');
  });
});
