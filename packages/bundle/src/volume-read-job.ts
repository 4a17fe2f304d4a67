import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { ZstdDecoder } from '@airlock/compress';
import { AirlockError, asAirlockError } from '@airlock/core';
import type { Compression } from './manifest-types.js';
import { VOLUME_ZSTD_ERRORS } from './volume-zstd-errors.js';

export interface VolumeReadSpec {
  path: string;
  /** The size the manifest declares: reading stops one byte past it. */
  size: number;
  compression: Compression;
}

export interface Filled {
  /** Tar bytes written to the start of the buffer. */
  length: number;
  /** Volume file bytes read for them. */
  read: number;
  /** The volume ended: nothing more will come. */
  done: boolean;
}

const INPUT_CHUNK = 1 << 20;

/**
 * The byte side of reading one volume file (attacker-controlled): reads it in order, hashes every
 * file byte, decompresses, and fills caller-owned buffers with tar bytes. Synchronous, so the
 * same code runs on the main thread for small volumes and on a worker thread for large ones.
 */
export class VolumeReadJob {
  private readonly fd: number;
  private readonly hash = createHash('sha256');
  private readonly decoder: ZstdDecoder | undefined;
  private readonly input: Buffer | undefined;
  private inStart = 0;
  private inEnd = 0;
  private pending = false;
  private bytes = 0;
  private eof = false;

  constructor(private readonly spec: VolumeReadSpec) {
    try {
      this.fd = openSync(spec.path, 'r');
    } catch (err) {
      throw asAirlockError(err, 'SOURCE_NOT_FOUND', `cannot read volume ${spec.path}`);
    }
    if (spec.compression === 'zstd') {
      this.decoder = new ZstdDecoder(VOLUME_ZSTD_ERRORS);
      this.input = Buffer.allocUnsafe(INPUT_CHUNK);
    }
  }

  /** Fills `out` from its start with the next tar bytes. */
  fill(out: Buffer): Filled {
    return this.decoder ? this.fillDecoded(out, this.decoder, this.input as Buffer) : this.fillPlain(out);
  }

  /** Hex sha256 of the whole file, once `done`. */
  sha256(): string {
    if (!this.eof) throw new AirlockError('INTERNAL', 'volume digest read before the end of the volume');
    return this.hash.digest('hex');
  }

  close(): void {
    closeSync(this.fd);
  }

  private fillPlain(out: Buffer): Filled {
    let length = 0;
    while (length < out.length && !this.eof) {
      const n = this.readInto(out, length, out.length - length);
      length += n;
    }
    return { length, read: length, done: this.eof };
  }

  private fillDecoded(out: Buffer, decoder: ZstdDecoder, input: Buffer): Filled {
    let length = 0;
    let read = 0;
    while (length < out.length) {
      if (this.inStart === this.inEnd && !this.pending) {
        if (this.eof) break;
        const n = this.readInto(input, 0, input.length);
        read += n;
        this.inStart = 0;
        this.inEnd = n;
        if (n === 0) {
          decoder.end();
          break;
        }
      }
      const step = decoder.decodeInto(out.subarray(length), input.subarray(this.inStart, this.inEnd));
      this.inStart += step.consumed;
      length += step.produced;
      this.pending = step.pending;
    }
    return { length, read, done: this.eof && this.inStart === this.inEnd && !this.pending };
  }

  /** Reads into `buf`, hashing and counting; at the end of the file checks that it had the declared size. */
  private readInto(buf: Buffer, offset: number, want: number): number {
    // One byte past the declared size is enough to know the file grew.
    const room = Math.min(want, this.spec.size + 1 - this.bytes);
    let n: number;
    try {
      n = readSync(this.fd, buf, offset, Math.max(room, 1), null);
    } catch (err) {
      throw asAirlockError(err, 'IO_ERROR', `cannot read volume ${this.spec.path}`);
    }
    this.bytes += n;
    if (this.bytes > this.spec.size) throw new AirlockError('SIZE_MISMATCH', `${this.spec.path} grew while it was read`);
    if (n === 0) {
      if (this.bytes < this.spec.size) throw new AirlockError('VOLUME_TRUNCATED', `${this.spec.path} shrank while it was read`);
      this.eof = true;
      return 0;
    }
    this.hash.update(buf.subarray(offset, offset + n));
    return n;
  }
}
