import zstd from 'zstd-napi/binding.js';

/**
 * zstd frames of raw (stored) blocks, for the parts of a volume that do not compress: already
 * compressed packages, images and layers gain nothing from zstd but cost it the most time. A
 * volume stays one valid zstd stream (frames simply follow each other), which `zstd -dc` and the
 * bundle reader decode like any other; the frame carries no checksum, as the volume's sha256 in
 * the signed manifest covers every byte.
 */
const MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
/** Frame header descriptor 0 (no content size, not single-segment, no checksum, no dictionary), window 2^17. */
const RAW_FRAME_HEADER = Buffer.concat([MAGIC, Buffer.from([0x00, (17 - 10) << 3])]);
export const RAW_BLOCK_MAX = 128 << 10;
/** Blobs at least this large are sampled; smaller ones stay in the compressed stream. */
export const RAW_MIN_BYTES = 1 << 20;
const SAMPLE_BYTES = 128 << 10;
/** A sample that zstd level 1 cannot shrink below this share of its size is taken as incompressible. */
const INCOMPRESSIBLE_SHARE = 0.95;

export function rawFrameHeader(): Buffer {
  return RAW_FRAME_HEADER;
}

/** A 3-byte block header: last-block flag, type 0 (raw), size. */
export function rawBlockHeader(size: number, last: boolean): Buffer {
  const value = (last ? 1 : 0) | (size << 3);
  return Buffer.from([value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff]);
}

let sampler: InstanceType<typeof zstd.CCtx> | undefined;
let scratch: Buffer | undefined;

/** Whether the start of a blob (up to 128 KiB of it) would not shrink under zstd: then store it raw. */
export function looksIncompressible(sample: Buffer): boolean {
  const n = Math.min(sample.length, SAMPLE_BYTES);
  if (n === 0) return false;
  sampler ??= new zstd.CCtx();
  scratch ??= Buffer.allocUnsafe(zstd.compressBound(SAMPLE_BYTES));
  return sampler.compress(scratch, sample.subarray(0, n), 1) >= n * INCOMPRESSIBLE_SHARE;
}

export const RAW_SAMPLE_BYTES = SAMPLE_BYTES;
