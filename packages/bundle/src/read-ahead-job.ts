import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { AirlockError, asAirlockError } from '@airlock/core';
import { AheadCursor, type AheadFile, type AheadList } from './read-ahead-list.js';
import { changedWhilePacked, stampHolds } from './stamp-check.js';
import { writeTarHeader } from './tar-header.js';
import { TAR_BLOCK, tarPadding } from './tar-layout.js';

/** In place of a digest: the file kept its settled stamp while read, and was not hashed. */
export const BY_STAMP = '';

export interface AheadFill {
  length: number;
  finished: boolean;
  /** Hex sha256 (or BY_STAMP) of each file whose last byte went into this fill, in order. */
  digests: string[];
  error?: unknown;
}

/**
 * Lays many small files out as tar entries (header, exactly `length` bytes, padding) one after
 * the other into caller-owned buffers, an entry continuing in the next buffer where it must, and
 * hashes each file as read. Runs on a worker thread, so the open/read/hash/close of each file
 * happens beside the packing, not in front of it.
 */
export class ReadAheadJob {
  private readonly files: AheadCursor;
  private stage: 'header' | 'data' | 'padding' = 'header';
  /** Bytes of the current stage already laid out. */
  private done = 0;
  private fd: number | undefined;
  private hash: Hash | undefined;
  /** The open file kept its settled stamp: its bytes are not hashed, the stamp is checked again after. */
  private byStamp = false;
  private readonly header = Buffer.alloc(TAR_BLOCK);

  constructor(list: AheadList) {
    this.files = new AheadCursor(list);
  }

  /**
   * Fills `out` from its start. A file that cannot be read in full ends the job: `error` comes
   * with what was laid out before it, so the packer fails at that very file.
   */
  fill(out: Buffer): AheadFill {
    const digests: string[] = [];
    let length = 0;
    try {
      while (length < out.length && !this.files.done) length += this.step(out, length, digests);
    } catch (error) {
      return { length, finished: true, digests, error };
    }
    return { length, finished: this.files.done, digests };
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.byStamp = false;
  }

  /** Lays out what fits of the current stage at `at`; returns the bytes laid out. */
  private step(out: Buffer, at: number, digests: string[]): number {
    const file = this.files.current();
    const room = out.length - at;
    if (this.stage === 'header') {
      if (this.done === 0) writeTarHeader(this.header, 0, file.name, file.length);
      const n = Math.min(TAR_BLOCK - this.done, room);
      this.header.copy(out, at, this.done, this.done + n);
      this.advance(n, TAR_BLOCK, 'data');
      return n;
    }
    if (this.stage === 'data') {
      const n = this.readData(file, out, at, Math.min(file.length - this.done, room));
      if (this.done + n === file.length) {
        digests.push(this.fileDigest(file));
        this.close();
      }
      this.advance(n, file.length, 'padding');
      return n;
    }
    const padding = tarPadding(file.length);
    const n = Math.min(padding - this.done, room);
    out.fill(0, at, at + n);
    this.advance(n, padding, 'header');
    if (this.done === 0) this.files.next();
    return n;
  }

  private advance(n: number, stageBytes: number, next: ReadAheadJob['stage']): void {
    this.done += n;
    if (this.done < stageBytes) return;
    this.stage = next;
    this.done = 0;
  }

  /**
   * Hex sha256 of the file just read, or BY_STAMP for a file packed by its settled stamp once the
   * stamp is seen to have held to the end (the bytes were those this run hashed before).
   */
  private fileDigest(file: AheadFile): string {
    const hash = this.hash;
    this.hash = undefined;
    if (!this.byStamp) return (hash ?? createHash('sha256')).digest('hex');
    this.byStamp = false;
    if (!stampHolds(this.fd as number, file.settled as NonNullable<AheadFile['settled']>)) throw changedWhilePacked(file.path);
    return BY_STAMP;
  }

  private readData(file: AheadFile, out: Buffer, at: number, want: number): number {
    if (want === 0) return 0;
    if (this.fd === undefined) {
      this.fd = this.open(file);
      this.byStamp = file.settled !== undefined && stampHolds(this.fd, file.settled);
      if (!this.byStamp) this.hash = createHash('sha256');
    }
    let n: number;
    try {
      n = readSync(this.fd, out, at, want, file.offset + this.done);
    } catch (err) {
      throw asAirlockError(err, 'IO_ERROR', `cannot read ${file.path}`);
    }
    if (n === 0) {
      throw new AirlockError('SIZE_MISMATCH', `${file.path} gave only ${this.done} of the ${file.length} bytes planned; it changed since the export was planned, run the export again`, { details: { index: this.files.at } });
    }
    this.hash?.update(out.subarray(at, at + n));
    return n;
  }

  private open(file: AheadFile): number {
    try {
      return openSync(file.path, 'r');
    } catch (err) {
      throw asAirlockError(err, 'SOURCE_NOT_FOUND', `cannot read ${file.path}`);
    }
  }
}
