import { appendFile, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAirlockError, sha256Hex } from '@airlock/core';
import { expectCode, tempDir } from '@airlock/test-utils';
import type { Compression, Manifest, ManifestVolume } from './manifest-types.js';
import { readVolume } from './read-volume.js';
import { verifyVolume } from './verify-volume.js';
import { writeVolume } from './write-volume.js';
import { CHANNEL, ID, SEQUENCE, chunked, digestOf, noise, packBundle, text } from './__tests__/fixtures.js';

async function flipByte(path: string, at: (length: number) => number): Promise<void> {
  const bytes = await readFile(path);
  const i = at(bytes.length);
  bytes[i] = bytes[i]! ^ 0x01;
  await writeFile(path, bytes);
}

/** A manifest that agrees with the damaged file's size and sha256, so only the contents are judged. */
async function describeAsIs(manifest: Manifest, volume: ManifestVolume, path: string): Promise<{ manifest: Manifest; volume: ManifestVolume }> {
  const bytes = await readFile(path);
  const patched: ManifestVolume = { ...volume, size: bytes.length, sha256: sha256Hex(bytes) };
  return { manifest: { ...manifest, volumes: manifest.volumes.map((v) => (v.number === volume.number ? patched : v)) }, volume: patched };
}

async function oneVolume(compression: Compression, contents: Buffer[]) {
  const dir = await tempDir();
  const bundle = await packBundle(dir, contents, { compression, maxVolumeSize: 64 << 20 });
  const volume = bundle.manifest.volumes[0]!;
  return { manifest: bundle.manifest, volume, path: bundle.pathOf(volume) };
}

const ignoreEntries = async (e: { stream: NodeJS.ReadableStream }) => {
  for await (const _chunk of e.stream) { /* read and drop: no per-entry check */ }
};

// Every case runs twice: read on the calling thread (small volumes) and on the worker thread (large ones).
describe.each([false, true])('damaged volumes (read on the worker thread: %s)', (offThread) => {
  it('refuses a zstd volume with a flipped byte in its frame header', async () => {
    const { manifest, volume, path } = await oneVolume('zstd', [text(200_000)]);
    await flipByte(path, () => 1);
    await expectCode(verifyVolume(path, manifest, volume, undefined, offThread), 'VOLUME_CORRUPT');
  });

  it('refuses a zstd volume with a flipped byte in its compressed data', async () => {
    const { manifest, volume, path } = await oneVolume('zstd', [text(200_000), noise(200_000)]);
    await flipByte(path, (n) => Math.floor(n / 3));
    const err = await verifyVolume(path, manifest, volume, undefined, offThread).catch((e: unknown) => e);
    expect(isAirlockError(err) && ['VOLUME_CORRUPT', 'DIGEST_MISMATCH'].includes(err.code), String(err)).toBe(true);
  });

  it('regression: damage found before the consumer attached to the entry (the vault opens its temp file first) is a coded error, not a crash', async () => {
    const { manifest, volume, path } = await oneVolume('zstd', [noise(300_000)]);
    await flipByte(path, (n) => n - 2);
    const lateConsumer = async (e: { stream: NodeJS.ReadableStream }) => {
      await new Promise((r) => setTimeout(r, 50));
      for await (const _chunk of e.stream) { /* drop */ }
    };
    await expectCode(readVolume({ offThread, path, manifest, volume, onEntry: lateConsumer }), 'VOLUME_CORRUPT');
  });

  it('refuses a zstd volume whose frame checksum no longer matches', async () => {
    const { manifest, volume, path } = await oneVolume('zstd', [noise(100_000)]);
    await flipByte(path, (n) => n - 2);
    await expectCode(readVolume({ offThread, path, manifest, volume, onEntry: ignoreEntries }), 'VOLUME_CORRUPT');
  });

  it('refuses a tar volume with a flipped byte in a blob (entry digest)', async () => {
    const { manifest, volume, path } = await oneVolume('none', [noise(100_000)]);
    await flipByte(path, (n) => n - 2048);
    await expectCode(verifyVolume(path, manifest, volume, undefined, offThread), 'DIGEST_MISMATCH');
  });

  it('refuses a tar volume with a flipped byte even when the consumer checks nothing (file digest)', async () => {
    const { manifest, volume, path } = await oneVolume('none', [noise(100_000)]);
    await flipByte(path, (n) => n - 2048);
    await expectCode(readVolume({ offThread, path, manifest, volume, onEntry: ignoreEntries }), 'DIGEST_MISMATCH');
  });

  it('refuses a tar volume with a flipped byte in a header', async () => {
    const { manifest, volume, path } = await oneVolume('none', [noise(100_000)]);
    await flipByte(path, () => 20);
    await expectCode(verifyVolume(path, manifest, volume, undefined, offThread), 'VOLUME_CORRUPT');
  });

  it.each<Compression>(['zstd', 'none'])('refuses a truncated %s volume before reading it', async (compression) => {
    const { manifest, volume, path } = await oneVolume(compression, [noise(100_000)]);
    await truncate(path, volume.size - 100);
    await expectCode(verifyVolume(path, manifest, volume, undefined, offThread), 'VOLUME_TRUNCATED');
  });

  it.each<Compression>(['zstd', 'none'])('refuses a %s volume cut short even when the manifest agrees with its size', async (compression) => {
    const { manifest, volume, path } = await oneVolume(compression, [noise(100_000)]);
    await truncate(path, volume.size - 3000);
    const described = await describeAsIs(manifest, volume, path);
    await expectCode(verifyVolume(path, described.manifest, described.volume, undefined, offThread), 'VOLUME_TRUNCATED');
  });

  it('refuses a volume with bytes appended', async () => {
    const { manifest, volume, path } = await oneVolume('zstd', [noise(1000)]);
    await appendFile(path, Buffer.from('x'));
    await expectCode(verifyVolume(path, manifest, volume, undefined, offThread), 'SIZE_MISMATCH');
  });

  it('refuses a volume whose volume.json belongs to another bundle', async () => {
    const dir = await tempDir();
    const blob = noise(10_000);
    const { manifest, volume } = await oneVolume('none', [blob]);
    const impostor = await writeVolume({
      dir, bundleId: ID.replace(CHANNEL, 'other'), channel: 'other', sequence: SEQUENCE, number: 1, compression: 'none', threads: 1,
      entries: [{ digest: digestOf(blob), size: blob.length }], open: async () => chunked(blob), expectedDigest: (d) => d,
    });
    const path = join(dir, impostor.name);
    const described = await describeAsIs(manifest, volume, path);
    await expectCode(verifyVolume(path, described.manifest, described.volume, undefined, offThread), 'VOLUME_UNKNOWN');
  });

  it('refuses volume 2 presented as volume 1', async () => {
    const dir = await tempDir();
    const bundle = await packBundle(dir, [noise(100_000, 1), noise(100_000, 2)], { compression: 'zstd', maxVolumeSize: 128 * 1024 });
    const [first, second] = bundle.manifest.volumes;
    const described = await describeAsIs(bundle.manifest, first!, bundle.pathOf(second!));
    await expectCode(verifyVolume(bundle.pathOf(second!), described.manifest, described.volume, undefined, offThread), 'VOLUME_UNKNOWN');
  });
});
