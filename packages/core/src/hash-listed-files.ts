import { availableParallelism } from 'node:os';
import { hashListedFileSync, type ListedFile, type ListedHash } from './hash-listed-file.js';
import { SharedWorker, workerScript } from './shared-worker.js';
import { errorFromTransfer, type TransferredError } from './transfer-error.js';

export type ListedOutcome = ListedHash | { error: Error };

let pool: SharedWorker[] | undefined;

/** One hash worker per core, shared by every hashing job of the process; started on first use. */
function hashWorkers(): SharedWorker[] {
  pool ??= Array.from({ length: Math.max(1, availableParallelism()) }, () => new SharedWorker(workerScript(import.meta.url, 'hash-worker')));
  return pool;
}

/** A tree this small is hashed on the calling thread once listed, unless its bytes pass INLINE_MAX_BYTES. */
const INLINE_MAX_FILES = 256;
const INLINE_MAX_BYTES = 64 << 20;
/** Batches aim at this many bytes (from the sizes seen so far) and hold 1 to BATCH_MAX_FILES files. */
const BATCH_BYTES = 16 << 20;
const BATCH_MAX_FILES = 256;
const FIRST_BATCH_FILES = 16;

/**
 * Stats and digests files as a directory walk finds them (see hashListedFileSync): once more than
 * a small tree's worth is listed, one worker per core takes batches while the walk goes on. The
 * sizes are not known beforehand, so batches are sized by the bytes per file seen so far.
 * `finish` gives the outcomes in the order the files were added, a file that cannot be read with
 * its error in its place.
 */
export class ListedFileHasher {
  private readonly files: ListedFile[] = [];
  private readonly results: ListedOutcome[] = [];
  private readonly seen = { files: 0, bytes: 0 };
  private next = 0;
  private closed = false;
  private workers: Promise<void> | undefined;
  private waiting: Array<() => void> = [];
  /** Batches each worker has in hand. */
  private readonly busy = new Map<SharedWorker, number>();

  /** `onFiles`: the outcomes of the `count` files added from index `start` are in. */
  constructor(private readonly onFiles?: (count: number, start: number) => void) {}

  add(file: ListedFile): void {
    this.files.push(file);
    if (this.workers === undefined && this.files.length > INLINE_MAX_FILES && availableParallelism() > 1) this.workers = this.runWorkers();
    else if (this.waiting.length > 0 && this.files.length - this.next >= this.batchFiles()) this.wake();
  }

  /** Every file is added: hashes what is left and gives all outcomes. */
  async finish(): Promise<ListedOutcome[]> {
    this.closed = true;
    this.wake();
    if (this.workers === undefined) {
      const inlineOnly = availableParallelism() < 2;
      for (; this.next < this.files.length && (inlineOnly || this.seen.bytes < INLINE_MAX_BYTES); this.next++) {
        this.record(this.next, hashInline(this.files[this.next] as ListedFile));
        this.onFiles?.(1, this.next);
      }
      if (this.next < this.files.length) this.workers = this.runWorkers();
    }
    await this.workers;
    return this.results;
  }

  /** Stops handing out batches (the walk failed); resolves once the workers are stopped. */
  async abandon(): Promise<void> {
    this.closed = true;
    this.next = this.files.length;
    this.wake();
    await this.workers?.catch(() => undefined);
  }

  private async runWorkers(): Promise<void> {
    try {
      await Promise.all(hashWorkers().flatMap((worker) => [this.runOn(worker), this.runOn(worker)]));
    } finally {
      // The threads hold memory the work that follows can use better; they start again when needed.
      await Promise.all(hashWorkers().map((worker) => worker.stop()));
    }
  }

  private async runOn(worker: SharedWorker): Promise<void> {
    for (;;) {
      const available = this.files.length - this.next;
      if (available === 0 && this.closed) return;
      // Once the list is complete, a worker takes its next batch only when it has none in hand, and
      // what is left is shared out among the workers, not batched by the average so far: the last
      // few files may be the largest, and two of them queued on one thread leave the other idle.
      if (this.closed && this.busy.has(worker)) return;
      const want = this.closed ? Math.min(this.batchFiles(), Math.ceil(available / hashWorkers().length)) : this.batchFiles();
      if (available === 0 || (available < want && !this.closed)) {
        await new Promise<void>((resolve) => this.waiting.push(resolve));
        continue;
      }
      const start = this.next;
      this.next = start + Math.min(want, available);
      this.busy.set(worker, (this.busy.get(worker) ?? 0) + 1);
      const outcomes = await hashBatch(worker, this.files.slice(start, this.next)).finally(() => this.idle(worker));
      outcomes.forEach((outcome, i) => this.record(start + i, outcome));
      this.onFiles?.(outcomes.length, start);
    }
  }

  private idle(worker: SharedWorker): void {
    const held = (this.busy.get(worker) ?? 1) - 1;
    if (held > 0) this.busy.set(worker, held);
    else this.busy.delete(worker);
  }

  private record(at: number, outcome: ListedOutcome): void {
    this.results[at] = outcome;
    this.seen.files++;
    if (!('error' in outcome)) this.seen.bytes += outcome.digest === undefined ? 0 : outcome.size;
  }

  private batchFiles(): number {
    if (this.seen.files === 0) return FIRST_BATCH_FILES;
    const perFile = Math.max(1, this.seen.bytes / this.seen.files);
    return Math.max(1, Math.min(BATCH_MAX_FILES, Math.floor(BATCH_BYTES / perFile)));
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}

/** All of `files` at once (see ListedFileHasher). */
export async function hashListedFiles(files: ListedFile[], onFiles?: (count: number, start: number) => void): Promise<ListedOutcome[]> {
  const hasher = new ListedFileHasher(onFiles);
  for (const file of files) hasher.add(file);
  return hasher.finish();
}

function hashInline(file: ListedFile): ListedOutcome {
  try {
    return hashListedFileSync(file);
  } catch (err) {
    return { error: err instanceof Error ? err : new Error(String(err)) };
  }
}

function hashBatch(worker: SharedWorker, listed: ListedFile[]): Promise<ListedOutcome[]> {
  return new Promise((resolve, reject) => {
    const job = worker.open(
      (m) => {
        job.close();
        resolve((m.results as Array<ListedHash | { error: TransferredError }>).map((r) => ('error' in r ? { error: errorFromTransfer(r.error) } : r)));
      },
      (err) => reject(err),
    );
    job.post({ listed });
  });
}
