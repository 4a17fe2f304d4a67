import { createHash } from 'node:crypto';
import { closeSync, fdatasync, fsyncSync, openSync, writeSync, writevSync } from 'node:fs';
import zstd from 'zstd-napi/binding.js';
import { fsError } from '@airlock/core';
import type { Compression } from './manifest-types.js';
import { RAW_BLOCK_MAX, rawBlockHeader, rawFrameHeader } from './raw-zstd.js';

export interface VolumeWriteSpec {
  /** The temp file to create (it must not exist); the caller renames it into place. */
  tmp: string;
  /** The volume's file name, for messages. */
  name: string;
  compression: Compression;
  zstdLevel: number;
  zstdThreads: number;
}

const OUT_CHUNK = zstd.cStreamOutSize();
const EMPTY = Buffer.alloc(0);
/** Written bytes between early flushes: the disk writes a volume while it is still being packed. */
const FLUSH_EVERY = 128 << 20;
const ZSTD_JOB_SIZE = 4 << 20;
/**
 * Uncompressed tar bytes come in 1 MiB buffers, so plain writes would start and end on 1 MiB
 * boundaries. On the kernels measured here (ext4 with large page-cache folios) such writes cost
 * ~5x the system time of the same writes shifted by a page: 2 GiB took 3.6-5.4 s of system time
 * against 0.7-1.0 s. The last STAGGER bytes of each buffer therefore go out with the next one.
 */
const STAGGER = 4096;

/**
 * The byte side of writing one volume file: takes tar bytes in order, compresses them (zstd uses
 * its own threads), hashes what goes to the file and writes it. Synchronous, so it runs on the
 * main thread for small volumes and on a worker thread for large ones. `finish` fsyncs the file.
 */
export class VolumeWriteJob {
  private readonly fd: number;
  private readonly hash = createHash('sha256');
  private readonly cctx: InstanceType<typeof zstd.CCtx> | undefined;
  private readonly out: Buffer | undefined;
  private bytes = 0;
  /** What the file is in the middle of: a compressed frame, a raw frame, or between frames. */
  private mode: 'compressed' | 'raw' | 'none' = 'none';
  private flushedAt = 0;
  private flushing: Promise<void> | undefined;
  /** Uncompressed bytes held back to stagger the writes (see STAGGER); already hashed. */
  private readonly carry = Buffer.allocUnsafe(STAGGER);
  private carried = 0;

  constructor(private readonly spec: VolumeWriteSpec) {
    try {
      this.fd = openSync(spec.tmp, 'wx', 0o644);
    } catch (err) {
      throw fsError(err, spec.tmp, `writing volume ${spec.name}`);
    }
    if (spec.compression === 'zstd') {
      const cctx = new zstd.CCtx();
      cctx.setParameter(zstd.CParameter.compressionLevel, spec.zstdLevel);
      cctx.setParameter(zstd.CParameter.checksumFlag, 1);
      if (spec.zstdThreads > 0) {
        cctx.setParameter(zstd.CParameter.nbWorkers, spec.zstdThreads);
        // Jobs of 4 MiB instead of the 8 MiB level 3 picks halve the buffers the threads hold
        // (about 100 MiB at 2 threads otherwise) for 0.2% of compression ratio.
        cctx.setParameter(zstd.CParameter.jobSize, ZSTD_JOB_SIZE);
      }
      this.cctx = cctx;
      this.out = Buffer.allocUnsafe(OUT_CHUNK);
    }
  }

  /** Tar bytes; `raw` ones (a blob that does not compress) go into raw zstd blocks instead of the compressor. */
  write(chunk: Buffer, raw = false): void {
    const cctx = this.cctx;
    if (!cctx) return this.emitStaggered(chunk);
    if (raw) {
      if (this.mode === 'compressed') this.compress(cctx, this.out as Buffer, EMPTY, zstd.EndDirective.end);
      if (this.mode !== 'raw') this.emit(rawFrameHeader());
      this.mode = 'raw';
      const pieces: Buffer[] = [];
      for (let at = 0; at < chunk.length; at += RAW_BLOCK_MAX) {
        const block = chunk.subarray(at, at + RAW_BLOCK_MAX);
        pieces.push(rawBlockHeader(block.length, false), block);
      }
      this.emitAll(pieces);
      return;
    }
    this.endRawFrame();
    this.mode = 'compressed';
    this.compress(cctx, this.out as Buffer, chunk, zstd.EndDirective.continue);
  }

  /** Ends the last frame, fsyncs and closes the file; the size and hex sha256 of what was written. */
  async finish(): Promise<{ size: number; sha256: string }> {
    this.writeCarry();
    this.endRawFrame();
    if (this.cctx && this.mode === 'compressed') this.compress(this.cctx, this.out as Buffer, EMPTY, zstd.EndDirective.end);
    await this.flushing;
    try {
      fsyncSync(this.fd);
    } catch (err) {
      throw fsError(err, this.spec.tmp, `writing volume ${this.spec.name}`);
    } finally {
      this.close();
    }
    return { size: this.bytes, sha256: this.hash.digest('hex') };
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // Already closed, or the close of a file being abandoned failed: nothing more to do with it.
    }
  }

  private compress(cctx: InstanceType<typeof zstd.CCtx>, out: Buffer, input: Buffer, end: zstd.EndDirective): void {
    let src = input;
    for (;;) {
      const [remaining, produced, consumed] = cctx.compressStream2(out, src, end);
      if (produced > 0) this.emit(out.subarray(0, produced));
      src = src.subarray(consumed);
      if (src.length === 0 && (end === zstd.EndDirective.continue || remaining === 0)) return;
    }
  }

  private endRawFrame(): void {
    if (this.mode !== 'raw') return;
    this.emit(rawBlockHeader(0, true));
    this.mode = 'none';
  }

  /** Several pieces in order, hashed, with one system call where the kernel takes them all. */
  private emitAll(pieces: Buffer[]): void {
    for (const piece of pieces) this.hash.update(piece);
    this.writeAll(pieces);
    this.afterWrite();
  }

  /** Writes pieces in order (not hashed here), one system call where the kernel takes them all. */
  private writeAll(pieces: Buffer[]): void {
    let total = 0;
    for (const piece of pieces) total += piece.length;
    let written: number;
    try {
      written = writevSync(this.fd, pieces);
    } catch (err) {
      throw fsError(err, this.spec.tmp, `writing volume ${this.spec.name}`);
    }
    this.bytes += written;
    // A short write (rare on regular files) is finished piece by piece.
    for (let skip = written, i = 0; i < pieces.length && written < total; i++) {
      const piece = pieces[i] as Buffer;
      if (skip >= piece.length) {
        skip -= piece.length;
        continue;
      }
      this.writeOut(piece.subarray(skip));
      written += piece.length - skip;
      skip = 0;
    }
  }

  /** Uncompressed bytes, hashed now and written with the carry in front, keeping back this buffer's last STAGGER bytes. */
  private emitStaggered(data: Buffer): void {
    this.hash.update(data);
    const keep = Math.min(STAGGER, data.length);
    const pieces = [this.carry.subarray(0, this.carried), data.subarray(0, data.length - keep)].filter((p) => p.length > 0);
    if (pieces.length > 0) this.writeAll(pieces);
    data.copy(this.carry, 0, data.length - keep);
    this.carried = keep;
    this.afterWrite();
  }

  private writeCarry(): void {
    if (this.carried === 0) return;
    this.writeOut(this.carry.subarray(0, this.carried));
    this.carried = 0;
  }

  private emit(data: Buffer): void {
    this.hash.update(data);
    this.writeOut(data);
    this.afterWrite();
  }

  private writeOut(data: Buffer): void {
    let done = 0;
    try {
      while (done < data.length) done += writeSync(this.fd, data, done, data.length - done);
    } catch (err) {
      throw fsError(err, this.spec.tmp, `writing volume ${this.spec.name}`);
    }
    this.bytes += data.length;
  }

  private afterWrite(): void {
    if (this.bytes - this.flushedAt >= FLUSH_EVERY && !this.flushing) this.flushEarly();
  }

  /** Starts writing back what is written so far, on the thread pool; finish's fsync then has less to wait for. */
  private flushEarly(): void {
    this.flushedAt = this.bytes;
    // A failure here is only a lost head start: finish's own fsync reports any real one.
    this.flushing = new Promise<void>((resolve) => fdatasync(this.fd, () => resolve())).then(() => {
      this.flushing = undefined;
    });
  }
}
