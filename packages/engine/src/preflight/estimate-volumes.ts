import { closeSync, openSync, readSync } from 'node:fs';
import { digestHex, type Artifact, type Digest } from '@airlock/core';
import { volumeFileName, volumeTarBytes, zstdSampleRatio, zstdVolumeBound, type Compression, type PlannedVolume } from '@airlock/bundle';

export interface VolumeEstimate {
  number: number;
  name: string;
  entries: number;
  /** Exact bytes of the tar stream. */
  tarBytes: number;
  /** What the volume file will take: exact without compression, estimated by sampling with zstd. */
  estimatedBytes: number;
  /** The file can never be larger than this (zstd's worst case on incompressible data). */
  maxBytes: number;
  /** Bytes of blob data whose compression was sampled; the rest (not yet downloaded) is counted as incompressible. */
  sampledFrom: number;
}

/** Bytes read per volume to estimate compression, half from small blobs and half from large ones. */
const SAMPLE_BUDGET = 4 * 1024 * 1024;
const CHUNK = 64 * 1024;
const TAR_BLOCK = 512;
/** How well ustar headers and padding of large entries compress; measured around 0.1. */
const HEADER_RATIO = 0.15;

/** A path at once where it is known, a promise where it must be looked for. */
type LocalPath = (artifact: Artifact) => string | undefined | Promise<string | undefined>;

/** Each planned volume's size: exact for plain tar, sampled for zstd, and its upper bound. */
export async function estimateVolumes(
  bundle: { id: string; channel: string; sequence: number },
  plan: PlannedVolume[],
  blobs: Map<Digest, Artifact>,
  compression: Compression,
  localPath: LocalPath,
): Promise<VolumeEstimate[]> {
  const estimates: VolumeEstimate[] = [];
  for (const volume of plan) {
    const tarBytes = volumeTarBytes(bundle, volume);
    const base = { number: volume.number, name: volumeFileName(bundle.id, volume.number, compression), entries: volume.entries.length, tarBytes };
    if (compression === 'none') {
      estimates.push({ ...base, estimatedBytes: tarBytes, maxBytes: tarBytes, sampledFrom: 0 });
      continue;
    }
    const sampled = await sampleVolume(volume, blobs, localPath);
    const maxBytes = zstdVolumeBound(tarBytes);
    estimates.push({ ...base, estimatedBytes: Math.min(maxBytes, Math.ceil(sampled.estimate + (tarBytes - sampled.covered) * HEADER_RATIO)), maxBytes, sampledFrom: sampled.local });
  }
  return estimates;
}

interface Piece {
  path: string;
  entry: PlannedVolume['entries'][number];
}

/**
 * Small entries are sampled whole (every k-th one, headers included, so similar small files
 * compress together as in the real stream); large ones by evenly spaced chunks. Each group's ratio
 * is applied to all of its bytes. Blobs not on disk yet count as incompressible.
 */
async function sampleVolume(volume: PlannedVolume, blobs: Map<Digest, Artifact>, localPath: LocalPath): Promise<{ estimate: number; covered: number; local: number }> {
  const small: Piece[] = [];
  const large: Piece[] = [];
  let estimate = 0;
  let covered = 0;
  for (const entry of volume.entries) {
    const artifact = blobs.get(entry.digest);
    const found = artifact ? localPath(artifact) : undefined;
    const path = typeof found === 'object' ? await found : found;
    if (path === undefined) {
      estimate += entry.size;
      covered += entry.size;
    } else (entry.size <= CHUNK ? small : large).push({ path, entry });
  }
  const smallBytes = small.reduce((n, p) => n + tarSpan(p.entry.size), 0);
  const largeBytes = large.reduce((n, p) => n + p.entry.size, 0);
  if (small.length > 0) {
    const step = Math.max(1, Math.ceil(smallBytes / (SAMPLE_BUDGET / 2)));
    const sample = readSmall(small.filter((_, i) => i % step === 0));
    estimate += smallBytes * ratio(sample);
    covered += smallBytes;
  }
  if (large.length > 0) {
    const share = Math.min(1, SAMPLE_BUDGET / 2 / largeBytes);
    estimate += largeBytes * ratio(readLarge(large, share));
    covered += largeBytes;
  }
  return { estimate, covered, local: smallBytes + largeBytes };
}

function tarSpan(size: number): number {
  return TAR_BLOCK + Math.ceil(size / TAR_BLOCK) * TAR_BLOCK;
}

function ratio(sample: Buffer): number {
  return zstdSampleRatio(sample);
}

/** A header-like block (entry name, size) before each small blob, and its padding after. */
function readSmall(pieces: Piece[]): Buffer {
  const parts: Buffer[] = [];
  for (const { path, entry } of pieces) {
    const header = Buffer.alloc(TAR_BLOCK);
    header.write(`blobs/sha256/${digestHex(entry.digest)}`, 0, 'ascii');
    header.write(entry.size.toString(8).padStart(11, '0'), 124, 'ascii');
    parts.push(header, readRange(path, entry.part?.offset ?? 0, entry.size), Buffer.alloc(tarSpan(entry.size) - TAR_BLOCK - entry.size));
  }
  return Buffer.concat(parts);
}

function readLarge(pieces: Piece[], share: number): Buffer {
  const parts: Buffer[] = [];
  for (const { path, entry } of pieces) {
    const chunks = Math.max(1, Math.round((entry.size * share) / CHUNK));
    const stride = entry.size / chunks;
    for (let i = 0; i < chunks; i++) {
      const offset = Math.min(entry.size - CHUNK, Math.floor(i * stride));
      parts.push(readRange(path, (entry.part?.offset ?? 0) + Math.max(0, offset), Math.min(CHUNK, entry.size)));
    }
  }
  return Buffer.concat(parts);
}

/** Synchronous: a sample is a few hundred page-cache reads, each cheaper than a thread-pool round trip. */
function readRange(path: string, offset: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    return buffer.subarray(0, readSync(fd, buffer, 0, length, offset));
  } finally {
    closeSync(fd);
  }
}
