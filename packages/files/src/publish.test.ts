import { chmod, lstat, mkdir, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentProgress, type PublishContext, type Signer } from '@airlock/core';
import { expectCode, tempDir, testUpstreamTrust, DirVault } from '@airlock/test-utils';
import { filesDriver } from './driver.js';
import { exportContext } from './__tests__/fixtures.js';
import { buildSampleTree } from './__tests__/sample-tree.js';
import type { FilesCatalog } from './types.js';

/** The files driver never signs; any use of the signer is a bug the test should surface. */
const noSigner = new Proxy({}, { get: () => { throw new Error('the files driver must not sign'); } }) as Signer;

function publishContext(staging: string, vault: DirVault): PublishContext {
  return { sourceName: 'tools', vault, progress: silentProgress, upstream: testUpstreamTrust(), staging, siteSigner: noSigner };
}

/** Lists a tree as path → description: file content + mode, dir mode, or symlink target. */
async function describeTree(root: string, rel = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(join(root, rel))).sort()) {
    const path = rel ? `${rel}/${name}` : name;
    const info = await lstat(join(root, path));
    const mode = (info.mode & 0o7777).toString(8);
    if (info.isSymbolicLink()) out[path] = `-> ${await readlink(join(root, path))}`;
    else if (info.isDirectory()) {
      out[path] = `dir ${mode}`;
      Object.assign(out, await describeTree(root, path));
    } else out[path] = `file ${mode} ${await readFile(join(root, path), 'utf8')}`;
  }
  return out;
}

describe('filesDriver.publish', () => {
  it('rebuilds the resolved tree from the vault with contents, modes and symlinks', async () => {
    const base = await tempDir();
    const tree = join(base, 'payload');
    await mkdir(tree);
    await buildSampleTree(tree);
    const spec = filesDriver.parseSpec({ type: 'files', name: 'tools', path: tree }, 's', base);
    const { catalog, artifacts } = await filesDriver.resolve(spec, exportContext({ configDir: base, cacheDir: join(base, 'cache') }));

    const vault = new DirVault(join(base, 'vault'));
    for (const a of artifacts) await vault.addFile((a.source as { path: string }).path);
    const staging = join(base, 'staging');
    const fromBundle = filesDriver.parseCatalog(JSON.parse(JSON.stringify(catalog)));
    await filesDriver.publish(fromBundle, publishContext(staging, vault));

    expect(await describeTree(join(staging, 'files', 'tools'))).toEqual({
      'Grüße': 'dir 755',
      'Grüße/naïve file.txt': 'file 444 unicode content ✓\n',
      'a.txt': 'file 444 hello\n',
      bin: 'dir 755',
      'bin/tool': 'file 555 #!/bin/sh\necho tool\n',
      'empty.txt': 'file 444 ',
      emptydir: 'dir 750',
      'link-in': '-> a.txt',
      nested: 'dir 755',
      'nested/deep': 'dir 755',
      'nested/deep/er': 'dir 755',
      'nested/deep/er/x.bin': `file 444 ${'x'.repeat(10_000)}`,
      'nested/deep/link-up': '-> ../../a.txt',
    });
    expect(await readFile(join(staging, 'files/tools/nested/deep/link-up'), 'utf8')).toBe('hello\n');
  });

  it('closes read-only directories last, drops setuid bits, and can run again over its own output', async () => {
    const base = await tempDir();
    const vault = new DirVault(join(base, 'vault'));
    const digest = await vault.add('secret tool');
    const catalog: FilesCatalog = {
      version: 1,
      entries: [
        { path: 'ro', type: 'dir', mode: 0o555 },
        { path: 'ro/inner', type: 'dir', mode: 0o500 },
        { path: 'ro/inner/suid', type: 'file', digest, size: 11, mode: 0o4755 },
        { path: 'implicit/parent/file', type: 'file', digest, size: 11, mode: 0o644 },
      ],
    };
    const staging = join(base, 'staging');
    const root = join(staging, 'files', 'tools');
    try {
      await filesDriver.publish(catalog, publishContext(staging, vault));
      await filesDriver.publish(catalog, publishContext(staging, vault));
      expect(await describeTree(root)).toEqual({
        implicit: expect.stringMatching(/^dir /),
        'implicit/parent': expect.stringMatching(/^dir /),
        'implicit/parent/file': 'file 444 secret tool',
        ro: 'dir 555',
        'ro/inner': 'dir 500',
        'ro/inner/suid': 'file 555 secret tool',
      });
    } finally {
      // Let the temp dir cleanup remove the read-only directories when tests run unprivileged.
      for (const dir of ['ro', 'ro/inner']) await chmod(join(root, dir), 0o755).catch(() => undefined);
    }
  });

  it('refuses a hostile catalog before writing anything', async () => {
    const base = await tempDir();
    const vault = new DirVault(join(base, 'vault'));
    const digest = await vault.add('x');
    const staging = join(base, 'staging');
    const hostile = { version: 1, entries: [{ path: 'l', type: 'symlink', target: '..' }, { path: 'l/escape', type: 'file', digest, size: 1, mode: 0o644 }] } as FilesCatalog;
    await expectCode(filesDriver.publish(hostile, publishContext(staging, vault)), 'MANIFEST_INVALID');
    await expect(readdir(staging)).rejects.toThrow();
  });

  it('fails with BLOB_MISSING when the vault lacks a blob', async () => {
    const base = await tempDir();
    const vault = new DirVault(join(base, 'vault'));
    const catalog: FilesCatalog = { version: 1, entries: [{ path: 'f', type: 'file', digest: `sha256:${'0'.repeat(64)}`, size: 1, mode: 0o644 }] };
    await expectCode(filesDriver.publish(catalog, publishContext(join(base, 'staging'), vault)), 'BLOB_MISSING');
  });
});
