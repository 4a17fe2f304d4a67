import { AirlockError, SharedWorker, errorFromTransfer, workerScript, type JobMessage, type TransferredError, type WorkerJob } from '@airlock/core';
import type { KeepPiece } from './entry-sink.js';
import { VolumeReadJob, type VolumeReadSpec } from './volume-read-job.js';
import { VolumeWriteJob, type VolumeWriteSpec } from './volume-write-job.js';

/** Volumes at least this large are read and written on the worker thread; smaller ones are not worth its start. */
export const OFF_THREAD_MIN_BYTES = 8 << 20;
/** Tar bytes move in buffers of this size; a job holds at most BUFFERS of them, which bounds its memory. */
const CHUNK = 1 << 20;
const BUFFERS = 6;

const worker = new SharedWorker(workerScript(import.meta.url, 'volume-io-worker'));

export type ConsumeTar = (tar: Buffer, read: number, keep: KeepPiece) => void | Promise<void>;

/**
 * Reads a volume file (see VolumeReadJob), handing its tar bytes to `consume` in order. A buffer
 * is reused once `consume` returns (or its promise settles) and all work given to `keep` settled;
 * the next buffer is consumed meanwhile. Returns the hex sha256 of the file.
 */
export async function readVolumeBytes(spec: VolumeReadSpec, offThread: boolean, consume: ConsumeTar): Promise<string> {
  return offThread ? readOffThread(spec, consume) : readInline(spec, consume);
}

async function readInline(spec: VolumeReadSpec, consume: ConsumeTar): Promise<string> {
  const job = new VolumeReadJob(spec);
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const filled = job.fill(buffer);
      const kept: Array<Promise<unknown>> = [];
      if (filled.length > 0 || filled.read > 0) await consume(buffer.subarray(0, filled.length), filled.read, (work) => kept.push(work));
      await Promise.allSettled(kept);
      if (filled.done) return job.sha256();
    }
  } finally {
    job.close();
  }
}

function readOffThread(spec: VolumeReadSpec, consume: ConsumeTar): Promise<string> {
  return new Promise((resolve, reject) => {
    const queue: JobMessage[] = [];
    let ended: string | undefined;
    let failed: AirlockError | undefined;
    let busy = false;
    let settled = false;
    const settle = (err: unknown, sha256?: string): void => {
      if (settled) return;
      settled = true;
      job.close();
      if (err === undefined) resolve(sha256 as string);
      else reject(err);
    };
    const drain = async (): Promise<void> => {
      if (busy || settled) return;
      busy = true;
      try {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const buffer = next.buffer as ArrayBuffer;
          const kept: Array<Promise<unknown>> = [];
          await consume(Buffer.from(buffer, 0, next.length as number), next.read as number, (work) => kept.push(work));
          const release = (): void => {
            if (!settled) job.post({ type: 'release', buffer }, [buffer]);
          };
          if (kept.length === 0) release();
          else void Promise.allSettled(kept).then(release);
        }
        // Bytes that arrived before a failure are consumed first: the earliest problem is the one reported.
        if (failed) settle(failed);
        else if (ended !== undefined) settle(undefined, ended);
      } catch (err) {
        job.post({ type: 'cancel' });
        settle(err);
      } finally {
        busy = false;
      }
      if (!settled && queue.length > 0) void drain();
    };
    const job: WorkerJob = worker.open(
      (m) => {
        if (m.type === 'chunk') queue.push(m);
        else if (m.type === 'end') ended = m.sha256 as string;
        else if (m.type === 'error') failed = errorFromTransfer(m.error as TransferredError);
        void drain();
      },
      (err) => settle(err),
    );
    job.post({ type: 'read', spec, buffers: BUFFERS, chunk: CHUNK });
  });
}

/** Where a volume writer puts tar bytes: buffers are taken, filled from their start, then put (`raw`: stored, not compressed). */
export interface VolumeSink {
  take(): Promise<Buffer>;
  put(buffer: Buffer, length: number, raw?: boolean): Promise<void>;
  /** Ends the volume: the temp file is complete and fsynced. */
  finish(): Promise<{ size: number; sha256: string }>;
  /** Stops after a failure elsewhere; the caller removes the temp file. */
  abort(): void;
}

export function openVolumeSink(spec: VolumeWriteSpec, offThread: boolean): VolumeSink {
  return offThread ? new WorkerSink(spec) : new InlineSink(spec);
}

class InlineSink implements VolumeSink {
  private readonly job: VolumeWriteJob;
  private readonly buffer = Buffer.allocUnsafe(CHUNK);

  constructor(spec: VolumeWriteSpec) {
    this.job = new VolumeWriteJob(spec);
  }

  async take(): Promise<Buffer> {
    return this.buffer;
  }

  async put(buffer: Buffer, length: number, raw = false): Promise<void> {
    this.job.write(buffer.subarray(0, length), raw);
  }

  finish(): Promise<{ size: number; sha256: string }> {
    return this.job.finish();
  }

  abort(): void {
    this.job.close();
  }
}

class WorkerSink implements VolumeSink {
  private readonly job: WorkerJob;
  private readonly free: Buffer[] = [];
  private allocated = 0;
  private failure: AirlockError | undefined;
  private waiting: { resolve(b: Buffer): void; reject(e: unknown): void } | undefined;
  private finishing: { resolve(r: { size: number; sha256: string }): void; reject(e: unknown): void } | undefined;

  constructor(spec: VolumeWriteSpec) {
    this.job = worker.open((m) => this.onMessage(m), (err) => this.fail(err));
    this.job.post({ type: 'write', spec });
  }

  take(): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    const ready = this.free.pop();
    if (ready) return Promise.resolve(ready);
    if (this.allocated < BUFFERS) {
      this.allocated++;
      return Promise.resolve(Buffer.from(new ArrayBuffer(CHUNK)));
    }
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  async put(buffer: Buffer, length: number, raw = false): Promise<void> {
    if (this.failure) throw this.failure;
    if (buffer.byteOffset !== 0 || buffer.buffer.byteLength !== CHUNK) throw new AirlockError('INTERNAL', 'a volume sink was given a buffer it did not hand out');
    const arrayBuffer = buffer.buffer as ArrayBuffer;
    this.job.post({ type: 'data', buffer: arrayBuffer, length, raw }, [arrayBuffer]);
  }

  finish(): Promise<{ size: number; sha256: string }> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.finishing = { resolve, reject };
      this.job.post({ type: 'finish' });
    });
  }

  abort(): void {
    this.job.post({ type: 'cancel' });
    this.job.close();
  }

  private onMessage(m: JobMessage): void {
    if (m.type === 'release') {
      const buffer = Buffer.from(m.buffer as ArrayBuffer);
      const waiting = this.waiting;
      this.waiting = undefined;
      if (waiting) waiting.resolve(buffer);
      else this.free.push(buffer);
    } else if (m.type === 'finished') {
      this.job.close();
      this.finishing?.resolve({ size: m.size as number, sha256: m.sha256 as string });
    } else if (m.type === 'error') {
      this.fail(errorFromTransfer(m.error as TransferredError));
    }
  }

  private fail(err: AirlockError): void {
    this.failure ??= err;
    this.job.close();
    this.waiting?.reject(this.failure);
    this.finishing?.reject(this.failure);
    this.waiting = undefined;
    this.finishing = undefined;
  }
}
