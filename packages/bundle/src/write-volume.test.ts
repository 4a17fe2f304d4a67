import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '@airlock/core';
import { expectCode, requireTools, run, tempDir } from '@airlock/test-utils';
import type { Compression } from './manifest-types.js';
import { planVolumes } from './plan-volumes.js';
import { writeVolume, type WriteVolumeOptions } from './write-volume.js';
import { CHANNEL, ID, SEQUENCE, chunked, digestOf, noise, packBundle, text } from './__tests__/fixtures.js';

function options(dir: string, blob: Buffer, compression: Compression, overrides: Partial<WriteVolumeOptions> = {}): WriteVolumeOptions {
  const digest = digestOf(blob);
  return {
    dir, bundleId: ID, channel: CHANNEL, sequence: SEQUENCE, number: 1, compression, threads: 1,
    entries: [{ digest, size: blob.length }],
    open: async () => chunked(blob),
    expectedDigest: (d) => d,
    ...overrides,
  };
}

describe('writeVolume', () => {
  it('reports the file size and sha256 it wrote, and progress for every packed byte', async () => {
    const dir = await tempDir();
    const blob = text(300_000);
    let progress = 0;
    const written = await writeVolume(options(dir, blob, 'zstd', { onProgress: (n) => (progress += n) }));
    const bytes = await readFile(join(dir, written.name));
    expect(written).toMatchObject({ number: 1, name: `${ID}.vol-0001.tar.zst`, size: bytes.length, sha256: sha256Hex(bytes), parts: [] });
    expect(bytes.length).toBeLessThan(blob.length / 10);
    expect(progress).toBe(blob.length);
  });

  it('returns the digest of each part it packed', async () => {
    const dir = await tempDir();
    const blob = noise(200_000);
    const [first] = planVolumes([{ digest: digestOf(blob), size: blob.length }], { maxVolumeSize: 128 * 1024, compression: 'none' });
    const written = await writeVolume(options(dir, blob, 'none', {
      entries: first!.entries,
      open: async (_d, offset, length) => chunked(blob.subarray(offset, offset + length)),
    }));
    const part = first!.entries[0]!;
    expect(written.parts).toEqual([{ blob: digestOf(blob), index: 0, offset: 0, size: part.size, digest: digestOf(blob.subarray(0, part.size)) }]);
  });

  it('writes the same bytes for the same content', async () => {
    const dir = await tempDir();
    const blob = noise(50_000);
    const a = await writeVolume(options(join(dir, 'a'), blob, 'none'));
    const b = await writeVolume(options(join(dir, 'b'), blob, 'none'));
    expect(a.sha256).toBe(b.sha256);
  });

  it('refuses a blob whose bytes do not match its digest and leaves no file behind', async () => {
    const dir = await tempDir();
    const blob = noise(100_000);
    await expectCode(writeVolume(options(dir, blob, 'zstd', { open: async () => chunked(noise(100_000, 2)) })), 'DIGEST_MISMATCH');
    expect(await readdir(dir)).toEqual([]);
  });

  it('checks whole blobs against expectedDigest', async () => {
    const dir = await tempDir();
    await expectCode(writeVolume(options(dir, noise(1000), 'none', { expectedDigest: () => digestOf(Buffer.from('other')) })), 'DIGEST_MISMATCH');
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a source shorter than planned', async () => {
    const dir = await tempDir();
    const blob = noise(100_000);
    await expectCode(writeVolume(options(dir, blob, 'none', { open: async () => chunked(blob.subarray(0, 99_999)) })), 'SIZE_MISMATCH');
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a source longer than planned without reading it all', async () => {
    const dir = await tempDir();
    let served = 0;
    const endless = new Readable({ read() { served += 65536; this.push(Buffer.alloc(65536)); } });
    await expectCode(writeVolume(options(dir, noise(100_000), 'zstd', { open: async () => endless })), 'SIZE_MISMATCH');
    expect(served).toBeLessThan(4 << 20);
    expect(endless.destroyed).toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });

  it('passes on errors of the source stream', async () => {
    const dir = await tempDir();
    const failing = new Readable({ read() { this.destroy(new Error('disk on fire')); } });
    await expectCode(writeVolume(options(dir, noise(10), 'none', { open: async () => failing })), 'IO_ERROR');
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses zstd levels that need windows readers refuse', async () => {
    const dir = await tempDir();
    await expectCode(writeVolume(options(dir, noise(10), 'zstd', { zstdLevel: 22 })), 'USAGE');
  });
});

describe.skipIf(!requireTools('tar', 'zstd'))('volumes with standard tools', () => {
  it('tar and zstd read what writeVolume writes', async () => {
    const dir = await tempDir();
    const bundle = await packBundle(dir, [text(70_000), Buffer.alloc(0), noise(300_000)], { compression: 'zstd', maxVolumeSize: 256 * 1024, threads: 2 });
    for (const volume of bundle.manifest.volumes) {
      expect(run('zstd', ['-q', '-t', bundle.pathOf(volume)]).status).toBe(0);
      const listing = run('sh', ['-c', 'zstd -dc "$1" | tar -tvf -', 'sh', bundle.pathOf(volume)]);
      expect(listing.status, listing.stderr).toBe(0);
      const lines = listing.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^-rw-r--r-- 0\/0 .* 1970-01-01 00:00 volume\.json$/);
      expect(lines.length).toBe(1 + volume.entries.length);
    }
    const extracted = run('sh', ['-c', 'zstd -dc "$1" | tar -xOf - "$2"', 'sh', bundle.pathOf(bundle.manifest.volumes[0]!), `blobs/sha256/${digestOf(text(70_000)).slice(7)}`]);
    expect(extracted.stdout).toBe(text(70_000).toString());
  });
});
