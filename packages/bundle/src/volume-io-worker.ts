import { parentPort } from 'node:worker_threads';
import { AirlockError, errorForTransfer, type JobMessage } from '@airlock/core';
import { ReadAheadJob } from './read-ahead-job.js';
import type { AheadList } from './read-ahead-list.js';
import { VolumeReadJob, type VolumeReadSpec } from './volume-read-job.js';
import { VolumeWriteJob, type VolumeWriteSpec } from './volume-write-job.js';

/**
 * The worker thread of volume-io.ts: reads (hash, decompress) and writes (compress, hash, write)
 * volume files off the main thread. Buffers travel both ways by transfer, never by copy, and a
 * read job fills at most the buffers it was given until the main thread hands them back.
 */
const port = parentPort;
if (!port) throw new Error('volume-io-worker runs as a worker thread');

interface ReadRun {
  kind: 'read';
  job: VolumeReadJob;
  free: ArrayBuffer[];
  allocated: number;
  max: number;
  chunk: number;
}

interface WriteRun {
  kind: 'write';
  job: VolumeWriteJob;
}

interface AheadRun {
  kind: 'ahead';
  job: ReadAheadJob;
  free: ArrayBuffer[];
  allocated: number;
  max: number;
  chunk: number;
}

const runs = new Map<number, ReadRun | WriteRun | AheadRun>();

port.on('message', (m: JobMessage) => {
  try {
    handle(m);
  } catch (err) {
    fail(m.job, err);
  }
});

function handle(m: JobMessage): void {
  const run = runs.get(m.job);
  switch (m.type) {
    case 'read': {
      const max = m.buffers as number;
      runs.set(m.job, { kind: 'read', job: new VolumeReadJob(m.spec as VolumeReadSpec), free: [], allocated: 0, max, chunk: m.chunk as number });
      pump(m.job);
      return;
    }
    case 'ahead': {
      runs.set(m.job, { kind: 'ahead', job: new ReadAheadJob(m.list as AheadList), free: [], allocated: 0, max: m.buffers as number, chunk: m.chunk as number });
      pump(m.job);
      return;
    }
    case 'release':
      if (run?.kind === 'read' || run?.kind === 'ahead') {
        run.free.push(m.buffer as ArrayBuffer);
        pump(m.job);
      }
      return;
    case 'write':
      runs.set(m.job, { kind: 'write', job: new VolumeWriteJob(m.spec as VolumeWriteSpec) });
      return;
    case 'data': {
      const buffer = m.buffer as ArrayBuffer;
      // After a failure the data is only handed back, so the main thread's pool stays whole.
      if (run?.kind === 'write') run.job.write(Buffer.from(buffer, 0, m.length as number), m.raw === true);
      port?.postMessage({ job: m.job, type: 'release', buffer }, [buffer]);
      return;
    }
    case 'finish': {
      if (run?.kind !== 'write') return;
      runs.delete(m.job);
      run.job.finish().then(
        (written) => port?.postMessage({ job: m.job, type: 'finished', ...written }),
        (err: unknown) => fail(m.job, err),
      );
      return;
    }
    case 'cancel':
      end(m.job);
      return;
    default:
      throw new AirlockError('INTERNAL', `volume-io-worker got an unknown message ${String(m.type)}`);
  }
}

/** A buffer handed back by the main thread, or a new one while the run holds fewer than its maximum. */
function nextBuffer(run: ReadRun | AheadRun): ArrayBuffer | undefined {
  const buffer = run.free.pop();
  if (buffer || run.allocated >= run.max) return buffer;
  run.allocated++;
  return new ArrayBuffer(run.chunk);
}

function pump(id: number): void {
  const run = runs.get(id);
  if (run?.kind === 'ahead') return pumpAhead(id, run);
  if (run?.kind !== 'read') return;
  for (;;) {
    const buffer = nextBuffer(run);
    if (!buffer) return;
    const filled = run.job.fill(Buffer.from(buffer));
    if (filled.length > 0 || filled.read > 0) port?.postMessage({ job: id, type: 'chunk', buffer, length: filled.length, read: filled.read }, [buffer]);
    else run.free.push(buffer);
    if (filled.done) {
      const sha256 = run.job.sha256();
      end(id);
      port?.postMessage({ job: id, type: 'end', sha256 });
      return;
    }
  }
}

function pumpAhead(id: number, run: AheadRun): void {
  for (;;) {
    const buffer = nextBuffer(run);
    if (!buffer) return;
    const filled = run.job.fill(Buffer.from(buffer));
    if (filled.error !== undefined) {
      // What was laid out before the failing file still goes out first, then the failure.
      if (filled.length > 0) port?.postMessage({ job: id, type: 'chunk', buffer, length: filled.length, digests: filled.digests }, [buffer]);
      end(id);
      port?.postMessage({ job: id, type: 'error', error: errorForTransfer(filled.error, 'IO_ERROR', 'a file could not be read') });
      return;
    }
    if (filled.length > 0) port?.postMessage({ job: id, type: 'chunk', buffer, length: filled.length, digests: filled.digests }, [buffer]);
    else run.free.push(buffer);
    if (filled.finished) {
      end(id);
      port?.postMessage({ job: id, type: 'end' });
      return;
    }
  }
}

function fail(id: number, err: unknown): void {
  end(id);
  port?.postMessage({ job: id, type: 'error', error: errorForTransfer(err, 'IO_ERROR', 'a volume could not be read or written') });
}

function end(id: number): void {
  const run = runs.get(id);
  runs.delete(id);
  run?.job?.close();
}
