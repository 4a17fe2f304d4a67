import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import type { Digest } from '@airlock/core';
import { expectCode, tempDir } from '@airlock/test-utils';
import type { EntryStream } from './entry-stream.js';
import type { Compression } from './manifest-types.js';
import { readVolume } from './read-volume.js';
import { verifyVolume } from './verify-volume.js';
import { noise, packBundle, text } from './__tests__/fixtures.js';

async function collect(stream: EntryStream['stream']): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await pipeline(stream, new Writable({ write(chunk: Buffer, _e, done) { chunks.push(chunk); done(); } }));
  return Buffer.concat(chunks);
}

describe.each<Compression>(['zstd', 'none'])('write then read (%s)', (compression) => {
  it('gives back every blob and part, reading volumes in any order', async () => {
    const dir = await tempDir();
    const contents = [text(40_000, 1), Buffer.alloc(0), noise(700_000, 2), Buffer.from('x'), noise(90_000, 3), text(1, 4)];
    const bundle = await packBundle(dir, contents, { compression, maxVolumeSize: 256 * 1024, threads: 2 });
    expect(bundle.manifest.volumes.length).toBeGreaterThanOrEqual(3);
    expect(bundle.manifest.blobs.some((b) => (b.parts?.length ?? 0) >= 2)).toBe(true);

    const pieces = new Map<Digest, Map<number, Buffer>>();
    let progress = 0;
    for (const volume of [...bundle.manifest.volumes].reverse()) {
      await readVolume({
        path: bundle.pathOf(volume), manifest: bundle.manifest, volume, onProgress: (n) => (progress += n),
        onEntry: async (e) => {
          const data = await collect(e.stream);
          expect(data.length).toBe(e.expected.size);
          const own = pieces.get(e.digest) ?? new Map<number, Buffer>();
          own.set(e.part ?? -1, data);
          pieces.set(e.digest, own);
        },
      });
    }
    expect(progress).toBe(bundle.manifest.volumes.reduce((sum, v) => sum + v.size, 0));
    for (const [digest, blob] of bundle.blobs) {
      const own = pieces.get(digest)!;
      const joined = own.has(-1) ? own.get(-1)! : Buffer.concat([...own.keys()].sort((a, b) => a - b).map((k) => own.get(k)!));
      expect(joined.equals(blob)).toBe(true);
    }
  });

  it('verifies every volume against the manifest', async () => {
    const dir = await tempDir();
    const bundle = await packBundle(dir, [noise(300_000), text(5000), Buffer.alloc(0)], { compression, maxVolumeSize: 128 * 1024 });
    for (const volume of bundle.manifest.volumes) await verifyVolume(bundle.pathOf(volume), bundle.manifest, volume);
  });
});

describe('readVolume consumers', () => {
  it('skips the rest of an entry whose consumer settles early, and still checks the file digest', async () => {
    const dir = await tempDir();
    const bundle = await packBundle(dir, [noise(3 << 20), text(10_000)], { compression: 'zstd', maxVolumeSize: 16 << 20 });
    const volume = bundle.manifest.volumes[0]!;
    const seen: string[] = [];
    await readVolume({ path: bundle.pathOf(volume), manifest: bundle.manifest, volume, onEntry: async (e) => { seen.push(e.name); } });
    expect(seen).toHaveLength(2);
  });

  it('stops with the error of a consumer that fails', async () => {
    const dir = await tempDir();
    const bundle = await packBundle(dir, [noise(3 << 20)], { compression: 'none', maxVolumeSize: 16 << 20 });
    const volume = bundle.manifest.volumes[0]!;
    await expectCode(readVolume({
      path: bundle.pathOf(volume), manifest: bundle.manifest, volume,
      onEntry: async (e) => {
        for await (const _chunk of e.stream) throw new Error('vault is full');
      },
    }), 'IO_ERROR');
  });

  it('refuses a missing volume file', async () => {
    const dir = await tempDir();
    const bundle = await packBundle(dir, [noise(1000)], { compression: 'none', maxVolumeSize: 1 << 20 });
    const volume = bundle.manifest.volumes[0]!;
    await expectCode(verifyVolume(`${bundle.pathOf(volume)}.missing`, bundle.manifest, volume), 'SOURCE_NOT_FOUND');
  });
});
