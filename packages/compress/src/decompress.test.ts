import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { expectCode, gzipBomb, peakRssGrowth, requireTools, xzBomb, zstdBomb } from '@airlock/test-utils';
import { decompressed, type Compression } from './decompress.js';

const MiB = 1 << 20;
const XZ = requireTools('xz');
const makers: Array<[Compression, (size: number) => Promise<Buffer> | Buffer]> = [
  ['zstd', zstdBomb],
  ['gzip', gzipBomb],
  ...(XZ ? [['xz', xzBomb] as [Compression, (size: number) => Buffer]] : []),
];

/** Reads a stream to the end, noting the largest piece it handed out. */
async function drain(stream: Readable): Promise<{ bytes: number; largestPiece: number }> {
  let bytes = 0;
  let largestPiece = 0;
  for await (const piece of stream) {
    bytes += (piece as Buffer).length;
    largestPiece = Math.max(largestPiece, (piece as Buffer).length);
  }
  return { bytes, largestPiece };
}

describe('bounded decompression of upstream metadata', () => {
  it('zstd bomb: 512 MiB from a few KiB comes out one small piece at a time, with no memory spike', async () => {
    const bomb = await zstdBomb(512 * MiB);
    expect(bomb.length).toBeLessThan(64 * 1024);
    let result = { bytes: 0, largestPiece: 0 };
    const growth = await peakRssGrowth(async () => {
      result = await drain(decompressed(Readable.from([bomb]), 'zstd', { label: 'bomb.zst', maxBytes: 1024 * MiB }));
    });
    expect(result.bytes).toBe(512 * MiB);
    expect(result.largestPiece).toBeLessThanOrEqual(256 * 1024);
    expect(growth).toBeLessThan(96 * MiB);
  });

  it.each(makers)('%s bomb: refused with UPSTREAM_INVALID once it passes maxBytes', async (compression, make) => {
    const bomb = await make(64 * MiB);
    const error = await expectCode(drain(decompressed(Readable.from([bomb]), compression, { label: `Packages.${compression}`, maxBytes: 8 * MiB })), 'UPSTREAM_INVALID');
    expect(error.message).toMatch(/decompression bomb/);
    expect(error.details).toMatchObject({ maxBytes: 8 * MiB });
  });

  it('refuses plain files larger than maxBytes too', async () => {
    await expectCode(drain(decompressed(Readable.from([Buffer.alloc(1000)]), 'none', { label: 'Packages', maxBytes: 999 })), 'UPSTREAM_INVALID');
    expect((await drain(decompressed(Readable.from([Buffer.alloc(1000)]), 'none', { label: 'Packages', maxBytes: 1000 }))).bytes).toBe(1000);
  });

  it('applies the default cap when no size is declared (a bomb cannot run forever)', async () => {
    const { MAX_METADATA_BYTES } = await import('./limits.js');
    expect(MAX_METADATA_BYTES).toBeGreaterThanOrEqual(1024 * MiB);
    expect(MAX_METADATA_BYTES).toBeLessThanOrEqual(4096 * MiB);
  });

  it.each(makers)('%s: damaged or truncated data is UPSTREAM_INVALID, never a short success', async (compression, make) => {
    const good = await make(4 * MiB);
    const truncated = good.subarray(0, Math.floor(good.length / 2));
    await expectCode(drain(decompressed(Readable.from([truncated]), compression, { label: 'x' })), 'UPSTREAM_INVALID');
    const garbage = Buffer.from('this is not compressed data at all, just text');
    await expectCode(drain(decompressed(Readable.from([garbage]), compression, { label: 'x' })), 'UPSTREAM_INVALID');
  });

  it('passes a read error of the input through unchanged (an IO error is not a bad file)', async () => {
    const failing = new Readable({ read() { this.destroy(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' })); } });
    await expect(drain(decompressed(failing, 'gzip', { label: 'x' }))).rejects.toMatchObject({ code: 'EIO' });
  });
});

describe('ZstdDecoder', () => {
  it('a frame that ends exactly at an output-buffer boundary is complete, not truncated (was reported cut short)', async () => {
    const { ZstdDecoder, upstreamZstdErrors } = await import('./zstd-decoder.js');
    // 4 MiB is a whole number of the decoder's 128 KiB output buffers.
    const frame = await zstdBomb(4 * MiB);
    const decoder = new ZstdDecoder(upstreamZstdErrors('exact.zst'));
    let bytes = 0;
    for (const piece of decoder.decode(frame)) bytes += piece.length;
    expect(bytes).toBe(4 * MiB);
    expect(() => decoder.end()).not.toThrow();
    const cut = new ZstdDecoder(upstreamZstdErrors('cut.zst'));
    for (const piece of cut.decode(frame.subarray(0, frame.length - 3))) bytes += piece.length;
    expect(() => cut.end()).toThrow(expect.objectContaining({ code: 'UPSTREAM_INVALID' }));
  });

  it('decodes two concatenated frames in one chunk', async () => {
    const { ZstdDecoder, upstreamZstdErrors } = await import('./zstd-decoder.js');
    const two = Buffer.concat([await zstdBomb(MiB), await zstdBomb(MiB + 17)]);
    const decoder = new ZstdDecoder(upstreamZstdErrors('two.zst'));
    let bytes = 0;
    for (const piece of decoder.decode(two)) bytes += piece.length;
    decoder.end();
    expect(bytes).toBe(2 * MiB + 17);
  });
});
