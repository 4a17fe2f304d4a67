import { createHash, createCipheriv } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { sha256Hex, type Digest } from '@airlock/core';
import type { Compression, Manifest, ManifestBlob, ManifestVolume } from '../manifest-types.js';
import { bundleId } from '../names.js';
import { planVolumes, type PlannedVolume } from '../plan-volumes.js';
import { validateManifest } from '../validate-manifest.js';
import { verifyVolume } from '../verify-volume.js';
import { writeVolume, type WrittenVolume } from '../write-volume.js';

export const CHANNEL = 'dc1';
export const SEQUENCE = 1;
export const ID = bundleId(CHANNEL, SEQUENCE);
export const FINGERPRINT = 'A'.repeat(40);

export function digestOf(data: Uint8Array): Digest {
  return `sha256:${sha256Hex(data)}`;
}

/** Deterministic bytes that do not compress (an AES-CTR keystream). */
export function noise(size: number, seed = 1): Buffer {
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, seed), Buffer.alloc(16));
  return Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()]);
}

/** Deterministic bytes that compress well. */
export function text(size: number, seed = 1): Buffer {
  const line = Buffer.from(`line of blob ${seed}: the quick brown fox jumps over the lazy dog\n`);
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i += line.length) line.copy(out, i);
  return out;
}

/** A manifest header that validates, around the given blobs and volumes. */
export function manifestWith(o: { compression: Compression; blobs: ManifestBlob[]; volumes: ManifestVolume[]; maxVolumeSize?: number }): Manifest {
  return {
    format: 'airlock-bundle',
    version: 1,
    id: ID,
    channel: CHANNEL,
    sequence: SEQUENCE,
    base: null,
    createdAt: '2024-01-01T00:00:00Z',
    expiresAt: '2124-01-01T00:00:00Z',
    exporter: { tool: 'airlock', version: '0.1.0', fingerprint: FINGERPRINT },
    compression: o.compression,
    maxVolumeSize: o.maxVolumeSize ?? 1 << 30,
    sources: [],
    blobs: o.blobs,
    volumes: o.volumes,
  };
}

/** Verifies a zstd volume written into `dir` against a manifest listing exactly `entries` (whole blobs), in order. */
export async function verifyWrittenVolume(dir: string, written: WrittenVolume, entries: ManifestBlob[]): Promise<void> {
  const manifest = manifestWith({
    compression: 'zstd', blobs: entries,
    volumes: [{ number: 1, name: written.name, size: written.size, sha256: written.sha256, entries: entries.map((e) => ({ digest: e.digest })) }],
  });
  await verifyVolume(join(dir, written.name), manifest, manifest.volumes[0]!);
}

export interface PackedBundle {
  manifest: Manifest;
  plan: PlannedVolume[];
  written: WrittenVolume[];
  blobs: Map<Digest, Buffer>;
  pathOf(volume: ManifestVolume): string;
}

/** Plans, writes every volume of `contents` into `dir` and returns the matching (validated) manifest. */
export async function packBundle(dir: string, contents: Buffer[], o: { compression: Compression; maxVolumeSize: number; threads?: number; fromFiles?: boolean }): Promise<PackedBundle> {
  const blobs = new Map(contents.map((b) => [digestOf(b), b]));
  const list = [...blobs].map(([digest, b]) => ({ digest, size: b.length }));
  // fromFiles: the writer reads each blob from a file by path, as export does for local sources.
  const files = new Map<Digest, string>();
  if (o.fromFiles) {
    await mkdir(join(dir, 'sources'), { recursive: true });
    for (const [digest, b] of blobs) {
      files.set(digest, join(dir, 'sources', digest.slice(7)));
      await writeFile(files.get(digest)!, b);
    }
  }
  const plan = planVolumes(list, o);
  const written: WrittenVolume[] = [];
  for (const volume of plan) {
    written.push(
      await writeVolume({
        dir, bundleId: ID, channel: CHANNEL, sequence: SEQUENCE, number: volume.number, compression: o.compression,
        threads: o.threads ?? 1, entries: volume.entries,
        open: async (digest, offset, length) => chunked(blobs.get(digest)!.subarray(offset, offset + length)),
        ...(o.fromFiles ? { pathOf: (digest: Digest) => files.get(digest) } : {}),
        expectedDigest: (digest) => digest,
      }),
    );
  }
  const parts = written.flatMap((w) => w.parts);
  const manifestBlobs = list.map((b): ManifestBlob => {
    const own = parts.filter((p) => p.blob === b.digest).sort((x, y) => x.index - y.index);
    return own.length === 0 ? b : { ...b, parts: own.map(({ index, offset, size, digest }) => ({ index, offset, size, digest })) };
  });
  const volumes = written.map((w, i): ManifestVolume => ({
    number: w.number, name: w.name, size: w.size, sha256: w.sha256,
    entries: plan[i]!.entries.map((e) => (e.part ? { digest: e.digest, part: e.part.index } : { digest: e.digest })),
  }));
  const manifest = validateManifest(manifestWith({ compression: o.compression, blobs: manifestBlobs, volumes, maxVolumeSize: o.maxVolumeSize }));
  return { manifest, plan, written, blobs, pathOf: (v) => join(dir, v.name) };
}

/** A readable over `data` in 64 KiB chunks, like a file stream. */
export function chunked(data: Buffer, size = 64 * 1024): Readable {
  return Readable.from((function* () {
    for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
  })());
}

/** A manifest describing a single hand-made volume file exactly (size and sha256), so only its contents are judged. */
export async function hostileVolume(dir: string, bytes: Buffer, o: { compression?: Compression; blobs: ManifestBlob[]; entries: ManifestVolume['entries'] }) {
  const compression = o.compression ?? 'none';
  const name = `${ID}.vol-0001.tar${compression === 'zstd' ? '.zst' : ''}`;
  const path = join(dir, name);
  await writeFile(path, bytes);
  const volume: ManifestVolume = { number: 1, name, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), entries: o.entries };
  const manifest = validateManifest(manifestWith({ compression, blobs: o.blobs, volumes: [volume] }));
  return { path, manifest, volume: manifest.volumes[0]! };
}
