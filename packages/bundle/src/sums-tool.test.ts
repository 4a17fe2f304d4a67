import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '@airlock/core';
import { requireTools, run, tempDir } from '@airlock/test-utils';
import { manifestFileName } from './names.js';
import { parseSha256Sums } from './sums.js';
import { writeBundleFiles } from './write-bundle-files.js';
import { noise, packBundle, text } from './__tests__/fixtures.js';

const sign = async (data: Buffer) => `fake signature ${sha256Hex(data)}\n`;

describe.skipIf(!requireTools('sha256sum'))('SHA256SUMS with sha256sum', () => {
  it('`sha256sum -c SHA256SUMS` passes in a written bundle dir, and fails once a volume changes', async () => {
    const dir = await tempDir();
    const { manifest } = await packBundle(dir, [noise(200_000), text(50_000)], { compression: 'zstd', maxVolumeSize: 128 * 1024 });
    await writeBundleFiles(dir, manifest, sign);
    const listed = parseSha256Sums((await readFile(join(dir, 'SHA256SUMS'))).toString());
    expect(listed.map((e) => e.name).sort()).toEqual([manifestFileName(manifest.id), ...manifest.volumes.map((v) => v.name)].sort());

    const ok = run('sha256sum', ['-c', '--strict', 'SHA256SUMS'], { cwd: dir });
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);

    const volume = join(dir, manifest.volumes[1]!.name);
    const bytes = await readFile(volume);
    bytes[100] = bytes[100]! ^ 1;
    await writeFile(volume, bytes);
    expect(run('sha256sum', ['-c', '--strict', 'SHA256SUMS'], { cwd: dir }).status).not.toBe(0);
  });
});
