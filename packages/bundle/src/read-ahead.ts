import { AirlockError, SharedWorker, errorFromTransfer, workerScript, type JobMessage, type TransferredError, type WorkerJob } from '@airlock/core';
import type { AheadFile } from './read-ahead-job.js';

/** Files up to this size are read ahead; larger ones are read in place (few calls per byte). */
export const READ_AHEAD_MAX_BYTES = 256 << 10;
/** Fewer small files than this are not worth the thread. */
export const READ_AHEAD_MIN_FILES = 64;
const CHUNK = 1 << 20;
const BUFFERS = 4;

/** A thread of its own: it reads while the volume thread compresses and writes. */
const reader = new SharedWorker(workerScript(import.meta.url, 'volume-io-worker'));

/**
 * The contents of many small files, read in order on a worker thread ahead of the packer. `next`
 * hands out the bytes of the next file (in the order given) as pieces, each valid until its
 * consumer returns; buffers go back to the reader as they are used up.
 */
export class ReadAhead {
  private readonly job: WorkerJob;
  private readonly queue: Array<{ buffer: ArrayBuffer; length: number }> = [];
  private current: { buffer: ArrayBuffer; view: Buffer; at: number } | undefined;
  private index = 0;
  private ended = false;
  private failure: { index: number; error: AirlockError } | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly files: AheadFile[]) {
    this.job = reader.open((m) => this.onMessage(m), (err) => this.fail(-1, err));
    this.job.post({ type: 'ahead', files, buffers: BUFFERS, chunk: CHUNK });
  }

  async next(consume: (piece: Buffer) => void | Promise<void>): Promise<void> {
    const file = this.files[this.index];
    if (!file) throw new AirlockError('INTERNAL', 'read-ahead asked for more files than it was given');
    let left = file.length;
    while (left > 0) {
      const chunk = await this.chunk();
      const n = Math.min(left, chunk.view.length - chunk.at);
      await consume(chunk.view.subarray(chunk.at, chunk.at + n));
      chunk.at += n;
      left -= n;
      if (chunk.at === chunk.view.length) this.release();
    }
    this.index++;
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
      if (this.failure && this.failure.index <= this.index) throw this.failure.error;
      if (this.ended || this.failure) throw new AirlockError('INTERNAL', 'read-ahead ended before the file it was asked for');
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private release(): void {
    const done = this.current;
    this.current = undefined;
    if (done && !this.ended && !this.failure) this.job.post({ type: 'release', buffer: done.buffer }, [done.buffer]);
  }

  private onMessage(m: JobMessage): void {
    if (m.type === 'chunk') this.queue.push({ buffer: m.buffer as ArrayBuffer, length: m.length as number });
    else if (m.type === 'end') this.ended = true;
    else if (m.type === 'error') this.fail(m.index as number, errorFromTransfer(m.error as TransferredError));
    this.signal();
  }

  private fail(index: number, error: AirlockError): void {
    this.failure ??= { index: index < 0 ? this.index : index, error };
    this.signal();
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
