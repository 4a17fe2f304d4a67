import type { Hash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { AirlockError, asAirlockError, type SettledStamp } from '@airlock/core';
import { encodeTarHeader, writeTarHeader } from './tar-header.js';
import { TAR_BLOCK, TAR_END_OF_ARCHIVE, tarPadding } from './tar-layout.js';
import { looksIncompressible, RAW_MIN_BYTES, RAW_SAMPLE_BYTES } from './raw-zstd.js';
import type { ReadAhead } from './read-ahead.js';
import { changedWhilePacked, stampHolds } from './stamp-check.js';
import type { VolumeSink } from './volume-io.js';

const ZEROS = Buffer.alloc(64 * 1024);

/**
 * Lays out tar bytes straight into the sink's buffers: headers, data read from files (or streams)
 * with no intermediate copy, padding and the end marker. Only this class touches the buffers.
 */
export class TarPacker {
  private buffer: Buffer | undefined;
  private fill = 0;
  /** The current buffer holds bytes of a blob stored raw (see raw-zstd.ts). */
  private raw = false;
  private readonly sample = Buffer.allocUnsafe(RAW_SAMPLE_BYTES);

  /** `storeRaw`: the volume is compressed, so blobs that do not compress may be stored raw. */
  constructor(
    private readonly sink: VolumeSink,
    private readonly onProgress?: (bytes: number) => void,
    private readonly storeRaw = false,
  ) {}

  async start(): Promise<void> {
    this.buffer = await this.sink.take();
    this.fill = 0;
  }

  /** Header, the data `body` writes (exactly `size` bytes), then padding. */
  async entry(name: string, size: number, body: () => Promise<void>): Promise<void> {
    const buffer = await this.room();
    if (buffer.length - this.fill >= TAR_BLOCK) {
      writeTarHeader(buffer, this.fill, name, size);
      this.fill += TAR_BLOCK;
    } else {
      await this.bytes(encodeTarHeader(name, size));
    }
    await body();
    await this.zeros(tarPadding(size));
  }

  async end(): Promise<void> {
    await this.zeros(TAR_END_OF_ARCHIVE);
    const buffer = this.current();
    if (this.fill > 0) await this.sink.put(buffer, this.fill, this.raw);
    this.buffer = undefined;
  }

  async bytes(data: Buffer): Promise<void> {
    for (let done = 0; done < data.length; ) {
      const buffer = await this.room();
      const n = data.copy(buffer, this.fill, done);
      this.fill += n;
      done += n;
    }
  }

  /**
   * `length` bytes of the file at `path` from `offset`, hashed as read; or, when the open file
   * still has the `settled` stamp it was hashed under, not hashed and the stamp checked again once
   * read. Returns whether the stamp vouched for the bytes (then `hash` saw none of them).
   */
  async file(path: string, offset: number, length: number, hash: Hash, name: string, settled?: SettledStamp): Promise<boolean> {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (err) {
      throw asAirlockError(err, 'SOURCE_NOT_FOUND', `cannot read the source of ${name} (${path})`);
    }
    try {
      const byStamp = settled !== undefined && stampHolds(fd, settled);
      const raw = this.storeRaw && length >= RAW_MIN_BYTES && this.sampleIsIncompressible(fd, offset, path, name);
      // A raw section starts and ends at buffer boundaries: the sink is told per buffer.
      if (raw) await this.switchTo(true);
      for (let done = 0; done < length; ) {
        const buffer = await this.room();
        const want = Math.min(length - done, buffer.length - this.fill);
        let n: number;
        try {
          n = readSync(fd, buffer, this.fill, want, offset + done);
        } catch (err) {
          throw asAirlockError(err, 'IO_ERROR', `cannot read the source of ${name} (${path})`);
        }
        if (n === 0) throw sizeMismatch(name, length, `only ${done} of`);
        if (!byStamp) hash.update(buffer.subarray(this.fill, this.fill + n));
        this.fill += n;
        done += n;
        this.onProgress?.(n);
      }
      if (raw) await this.switchTo(false);
      if (byStamp && !stampHolds(fd, settled)) throw changedWhilePacked(`the source of ${name} (${path})`);
      return byStamp;
    } finally {
      closeSync(fd);
    }
  }

  private sampleIsIncompressible(fd: number, offset: number, path: string, name: string): boolean {
    let n: number;
    try {
      n = readSync(fd, this.sample, 0, this.sample.length, offset);
    } catch (err) {
      throw asAirlockError(err, 'IO_ERROR', `cannot read the source of ${name} (${path})`);
    }
    return looksIncompressible(this.sample.subarray(0, n));
  }

  /** Hands over what the current buffer holds, so the next bytes start a buffer of the other kind. */
  private async switchTo(raw: boolean): Promise<void> {
    if (this.raw === raw) return;
    const buffer = this.current();
    if (this.fill > 0) {
      await this.sink.put(buffer, this.fill, this.raw);
      this.buffer = await this.sink.take();
      this.fill = 0;
    }
    this.raw = raw;
  }

  /** `bytes` bytes of whole tar entries a read-ahead laid out, `data` of them file data (for progress). */
  async entriesAhead(ahead: ReadAhead, bytes: number, data: number): Promise<void> {
    await ahead.take(bytes, (piece) => this.bytes(piece));
    this.onProgress?.(data);
  }

  /** Exactly `length` bytes of `stream`, hashed as read; a stream that gives more or fewer is refused. */
  async stream(stream: Readable, length: number, hash: Hash, name: string): Promise<void> {
    let count = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer | string>) {
        const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        count += data.length;
        if (count > length) throw sizeMismatch(name, length, 'more than');
        hash.update(data);
        await this.bytes(data);
        this.onProgress?.(data.length);
      }
    } finally {
      stream.destroy();
    }
    if (count < length) throw sizeMismatch(name, length, `only ${count} of`);
  }

  private async zeros(n: number): Promise<void> {
    for (let left = n; left > 0; left -= ZEROS.length) await this.bytes(left >= ZEROS.length ? ZEROS : ZEROS.subarray(0, left));
  }

  /** The current buffer with room for at least one byte, handing a full one to the sink first. */
  private async room(): Promise<Buffer> {
    const buffer = this.current();
    if (this.fill < buffer.length) return buffer;
    await this.sink.put(buffer, this.fill, this.raw);
    this.buffer = await this.sink.take();
    this.fill = 0;
    return this.buffer;
  }

  private current(): Buffer {
    if (!this.buffer) throw new AirlockError('INTERNAL', 'tar packer used before start or after end');
    return this.buffer;
  }
}

function sizeMismatch(name: string, size: number, got: string): AirlockError {
  return new AirlockError('SIZE_MISMATCH', `the source of ${name} gave ${got} the ${size} bytes planned; it changed since the export was planned, run the export again`);
}
