import { Worker, type TransferListItem } from 'node:worker_threads';
import { AirlockError } from './errors.js';

/** A message to or from a job: every one names the job it belongs to. */
export interface JobMessage {
  job: number;
  [key: string]: unknown;
}

export interface WorkerJob {
  post(message: Record<string, unknown>, transfer?: TransferListItem[]): void;
  /** Ends the job on this side; the handler receives nothing more. */
  close(): void;
}

/**
 * The script of a worker that sits beside the module starting it. Under the test runner modules
 * run from their TypeScript sources, which a worker thread cannot load: it then runs the built
 * script of the same package (`npm run build` first).
 */
export function workerScript(moduleUrl: string, name: string): URL {
  return new URL(moduleUrl.endsWith('.ts') ? `../dist/${name}.js` : `./${name}.js`, moduleUrl);
}

/**
 * One worker thread, started on first use and shared by every job of the process. It keeps the
 * process alive only while a job is open; if it dies, the open jobs fail and the next job starts
 * a fresh one.
 */
export class SharedWorker {
  private worker: Worker | undefined;
  private readonly handlers = new Map<number, { onMessage(message: JobMessage): void; onFailure(err: AirlockError): void }>();
  private nextJob = 1;

  constructor(private readonly script: URL) {}

  /** Opens a job; `onMessage` receives the worker's messages for it, `onFailure` a dead worker. */
  open(onMessage: (message: JobMessage) => void, onFailure: (err: AirlockError) => void): WorkerJob {
    const worker = this.started();
    const job = this.nextJob++;
    this.handlers.set(job, { onMessage, onFailure });
    if (this.handlers.size === 1) worker.ref();
    return {
      post: (message, transfer) => worker.postMessage({ ...message, job }, transfer),
      close: () => {
        if (!this.handlers.delete(job)) return;
        if (this.handlers.size === 0) worker.unref();
      },
    };
  }

  /** Ends the thread when no job is open (it frees the thread's memory); the next job starts another. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker || this.handlers.size > 0) return;
    this.worker = undefined;
    worker.removeAllListeners('exit');
    await worker.terminate();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    worker.unref();
    worker.on('message', (message: JobMessage) => this.handlers.get(message.job)?.onMessage(message));
    const fail = (why: string): void => {
      if (this.worker === worker) this.worker = undefined;
      const failure = new AirlockError('INTERNAL', `a worker thread (${this.script.pathname.split('/').pop()}) ${why}; please report this`);
      const open = [...this.handlers.values()];
      this.handlers.clear();
      for (const handler of open) handler.onFailure(failure);
    };
    worker.on('error', (err) => fail(`failed: ${err.message}`));
    worker.on('exit', (code) => fail(`exited with code ${code}`));
    this.worker = worker;
    return worker;
  }
}
