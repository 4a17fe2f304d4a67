import { chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentProgress, type Signer } from '@airlock/core';
import { tempDir, testUpstreamTrust, DirVault } from '@airlock/test-utils';
import { filesDriver } from './driver.js';
import { exportContext } from './__tests__/fixtures.js';
import type { FilesCatalog } from './types.js';

const modeOf = async (path: string): Promise<string> => ((await stat(path)).mode & 0o7777).toString(8);

describe('world-writable directories', () => {
  it('a 1777 upstream directory is published 0755: no write for group or others, no sticky bit (was 0777)', async () => {
    const base = await tempDir();
    const tree = join(base, 'payload');
    for (const [dir, mode] of [['tmp', 0o1777], ['shared', 0o2777], ['team', 0o775], ['private', 0o700]] as const) {
      await mkdir(join(tree, dir), { recursive: true });
      await writeFile(join(tree, dir, 'f.txt'), dir);
      await chmod(join(tree, dir, 'f.txt'), 0o666);
      await chmod(join(tree, dir), mode);
    }
    const spec = filesDriver.parseSpec({ type: 'files', name: 'tools', path: tree }, 's', base);
    const { catalog, artifacts } = await filesDriver.resolve(spec, exportContext({ configDir: base, cacheDir: join(base, 'cache') }));
    expect((catalog as FilesCatalog).entries.find((e) => e.path === 'tmp')).toMatchObject({ type: 'dir', mode: 0o1777 });
    const vault = new DirVault(join(base, 'vault'));
    for (const a of artifacts) await vault.addFile((a.source as { path: string }).path);
    const staging = join(base, 'staging');
    await filesDriver.publish(catalog, { sourceName: 'tools', vault, progress: silentProgress, upstream: testUpstreamTrust(), staging, siteSigner: {} as Signer });
    const root = join(staging, 'files', 'tools');
    expect(await modeOf(join(root, 'tmp'))).toBe('755');
    expect(await modeOf(join(root, 'shared'))).toBe('755');
    expect(await modeOf(join(root, 'team'))).toBe('755');
    expect(await modeOf(join(root, 'private'))).toBe('700');
    expect(await modeOf(join(root, 'tmp', 'f.txt'))).toBe('444');
  });

  it('directories the catalog does not list are 0755 even under umask 000', async () => {
    const base = await tempDir();
    const vault = new DirVault(join(base, 'vault'));
    const digest = await vault.add('x');
    const catalog: FilesCatalog = { version: 1, entries: [{ path: 'implicit/parent/f', type: 'file', digest, size: 1, mode: 0o644 }] };
    const staging = join(base, 'staging');
    const previous = process.umask(0);
    try {
      await filesDriver.publish(catalog, { sourceName: 'tools', vault, progress: silentProgress, upstream: testUpstreamTrust(), staging, siteSigner: {} as Signer });
    } finally {
      process.umask(previous);
    }
    for (const dir of ['', 'implicit', 'implicit/parent']) expect(await modeOf(join(staging, 'files', 'tools', dir))).toBe('755');
  });
});
