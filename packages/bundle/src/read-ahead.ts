import { AirlockError, SharedWorker, errorFromTransfer, workerScript, type JobMessage, type TransferredError, type WorkerJob } from '@airlock/core';
import type { AheadList } from './read-ahead-list.js';

/** Files up to this size are read ahead; larger ones are read in place (few calls per byte). */
export const READ_AHEAD_MAX_BYTES = 256 << 10;
/** Fewer small files than this are not worth the thread. */
export const READ_AHEAD_MIN_FILES = 64;
const CHUNK = 1 << 20;
const BUFFERS = 4;

/** A thread of its own: it reads while the volume thread compresses and writes. */
const reader = new SharedWorker(workerScript(import.meta.url, 'volume-io-worker'));

/**
 * Many small files, laid out as tar entries and hashed on a worker thread ahead of the packer, in
 * the order given. `take` hands out the next bytes of those entries as pieces, each valid until
 * its consumer returns; `nextDigest` the sha256 of the next file whose bytes were taken (or
 * BY_STAMP, see read-ahead-job.ts). Buffers go back to the reader as they are used up.
 */
export class ReadAhead {
  private readonly job: WorkerJob;
  private readonly queue: Array<{ buffer: ArrayBuffer; length: number }> = [];
  private current: { buffer: ArrayBuffer; view: Buffer; at: number } | undefined;
  private digests: string[] = [];
  private digestAt = 0;
  private ended = false;
  private failure: AirlockError | undefined;
  private wake: (() => void) | undefined;

  constructor(list: AheadList) {
    this.job = reader.open((m) => this.onMessage(m), (err) => this.fail(err));
    this.job.post({ type: 'ahead', list, buffers: BUFFERS, chunk: CHUNK });
  }

  /** The next `bytes` bytes of the entries; a file that could not be read fails here, with its own error. */
  async take(bytes: number, consume: (piece: Buffer) => void | Promise<void>): Promise<void> {
    for (let left = bytes; left > 0; ) {
      const chunk = await this.chunk();
      const n = Math.min(left, chunk.view.length - chunk.at);
      await consume(chunk.view.subarray(chunk.at, chunk.at + n));
      chunk.at += n;
      left -= n;
      if (chunk.at === chunk.view.length) this.release();
    }
  }

  /** Hex sha256 of the next file, in order; only for files whose bytes were all taken. */
  nextDigest(): string {
    const digest = this.digests[this.digestAt++];
    if (digest === undefined) throw new AirlockError('INTERNAL', 'read-ahead asked for the digest of a file it has not read');
    if (this.digestAt === this.digests.length) {
      this.digests = [];
      this.digestAt = 0;
    }
    return digest;
  }

  close(): void {
    if (!this.ended) this.job.post({ type: 'cancel' });
    this.job.close();
  }

  private async chunk(): Promise<{ buffer: ArrayBuffer; view: Buffer; at: number }> {
    for (;;) {
      if (this.current) return this.current;
      const next = this.queue.shift();
      if (next) {
        this.current = { buffer: next.buffer, view: Buffer.from(next.buffer, 0, next.length), at: 0 };
        continue;
      }
      if (this.failure) throw this.failure;
      if (this.ended) throw new AirlockError('INTERNAL', 'read-ahead ended before the bytes it was asked for');
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private release(): void {
    const done = this.current;
    this.current = undefined;
    if (done && !this.ended && !this.failure) this.job.post({ type: 'release', buffer: done.buffer }, [done.buffer]);
  }

  private onMessage(m: JobMessage): void {
    if (m.type === 'chunk') {
      this.queue.push({ buffer: m.buffer as ArrayBuffer, length: m.length as number });
      for (const digest of m.digests as string[]) this.digests.push(digest);
    } else if (m.type === 'end') this.ended = true;
    else if (m.type === 'error') this.fail(errorFromTransfer(m.error as TransferredError));
    this.signal();
  }

  private fail(error: AirlockError): void {
    this.failure ??= error;
    this.signal();
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
