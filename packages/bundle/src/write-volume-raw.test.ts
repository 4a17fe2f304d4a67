import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Digest } from '@airlock/core';
import { requireTools, run, tempDir } from '@airlock/test-utils';
import { readVolume } from './read-volume.js';
import { verifyVolume } from './verify-volume.js';
import { zstdWorstCase } from './volume-capacity.js';
import { writeVolume } from './write-volume.js';
import { CHANNEL, ID, SEQUENCE, digestOf, manifestWith, noise, packBundle, text } from './__tests__/fixtures.js';

const MiB = 1 << 20;

/** A zstd volume of files: a large incompressible blob between compressible ones, read from disk. */
async function mixedVolume(offThread: boolean) {
  const dir = await tempDir();
  const blobs = [text(3 * MiB, 1), noise(5 * MiB + 123, 2), text(200_000, 3), noise(2 * MiB, 4)];
  const paths = new Map<Digest, string>();
  for (const [i, blob] of blobs.entries()) {
    const path = join(dir, `blob-${i}`);
    await writeFile(path, blob);
    paths.set(digestOf(blob), path);
  }
  const entries = blobs.map((b) => ({ digest: digestOf(b), size: b.length }));
  const written = await writeVolume({
    dir: join(dir, 'out'), bundleId: ID, channel: CHANNEL, sequence: SEQUENCE, number: 1, compression: 'zstd', threads: 2, entries, offThread,
    open: async () => { throw new Error('files are read by path'); }, pathOf: (d) => paths.get(d), expectedDigest: (d) => d,
  });
  const manifest = manifestWith({
    compression: 'zstd', blobs: entries,
    volumes: [{ number: 1, name: written.name, size: written.size, sha256: written.sha256, entries: entries.map((e) => ({ digest: e.digest })) }],
  });
  return { dir, blobs, written, manifest, path: join(dir, 'out', written.name) };
}

describe('blobs that do not compress are stored in raw zstd blocks', () => {
  it.each([false, true])('the volume stays one zstd stream that reads back byte for byte (worker thread: %s)', async (offThread) => {
    const { blobs, written, manifest, path } = await mixedVolume(offThread);
    const incompressible = blobs[1]!.length + blobs[3]!.length;
    const tar = blobs.reduce((n, b) => n + 512 + b.length + 512, 2048);
    // The noise is carried at its size (stored, not expanded); the text still compresses.
    expect(written.size).toBeGreaterThan(incompressible);
    expect(written.size).toBeLessThan(incompressible + 400_000);
    expect(written.size).toBeLessThanOrEqual(zstdWorstCase(tar));
    const received = new Map<string, Buffer[]>();
    await readVolume({
      path, manifest, volume: manifest.volumes[0]!,
      openEntry: (e) => ({ write: (piece) => void (received.get(e.name) ?? received.set(e.name, []).get(e.name)!).push(Buffer.from(piece)), end: () => undefined, abort: () => undefined }),
    });
    const back = [...received.values()].map((pieces) => Buffer.concat(pieces));
    expect(back.length).toBe(blobs.length);
    back.forEach((data, i) => expect(data.equals(blobs[i]!), `blob ${i}`).toBe(true));
    await verifyVolume(path, manifest, manifest.volumes[0]!);
  });

  it('is the same volume on the calling thread and on the worker thread', async () => {
    expect((await mixedVolume(false)).written.sha256).toBe((await mixedVolume(true)).written.sha256);
  });

  it.skipIf(!requireTools('zstd', 'tar'))('zstd and tar read it as they read any volume', async () => {
    const { dir, blobs, path } = await mixedVolume(true);
    expect(run('zstd', ['-q', '-t', path]).status).toBe(0);
    const listing = run('sh', ['-c', 'zstd -dc "$1" | tar -tf - | wc -l', 'sh', path]);
    expect(listing.stdout.trim()).toBe(String(1 + blobs.length));
    const extracted = run('sh', ['-c', 'cd "$2" && zstd -dc "$1" | tar -xf - && sha256sum blobs/sha256/*', 'sh', path, dir]);
    expect(extracted.status, extracted.stderr).toBe(0);
    for (const blob of blobs) expect(extracted.stdout).toContain(digestOf(blob).slice(7));
  });

  it('volumes stay within maxVolumeSize with raw blocks among compressed ones (random blobs read from files)', async () => {
    let seed = 11;
    const next = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 3; round++) {
      const dir = await tempDir();
      const maxVolumeSize = 2 * MiB + Math.floor(next() * 3 * MiB);
      const blobs = Array.from({ length: 3 + Math.floor(next() * 5) }, (_, i) => {
        const size = Math.floor(next() * 1.5 * maxVolumeSize);
        return next() < 0.7 ? noise(size, round * 100 + i) : text(size, round * 100 + i);
      });
      const bundle = await packBundle(dir, blobs, { compression: 'zstd', maxVolumeSize, threads: 2, fromFiles: true });
      for (const volume of bundle.manifest.volumes) {
        expect(volume.size).toBeLessThanOrEqual(maxVolumeSize);
        await verifyVolume(bundle.pathOf(volume), bundle.manifest, volume);
      }
    }
  });
});
