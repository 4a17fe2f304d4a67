import { Readable } from 'node:stream';
import type { Digest } from '@airlock/core';
import type { EntryInfo, EntrySink } from './entry-sink.js';

/** One blob entry handed to a volume consumer; `stream` yields exactly `expected.size` bytes. */
export interface EntryStream {
  name: string;
  digest: Digest;
  /** The 0-based part index for a part of a split blob. */
  part?: number;
  expected: { digest: Digest; size: number };
  stream: Readable;
}

const ENTRY_HIGH_WATER_MARK = 1 << 20;

/**
 * The readable side of one volume entry. The volume reader feeds it and waits whenever the
 * consumer falls behind, so a slow consumer slows the whole read instead of growing a buffer.
 */
export class EntryReadable extends Readable {
  private demand = false;
  private wake: (() => void) | undefined;

  constructor() {
    super({ highWaterMark: ENTRY_HIGH_WATER_MARK });
    this.once('close', () => this.signal());
  }

  override _read(): void {
    this.demand = true;
    this.signal();
  }

  /** Pushes a chunk; resolves once the consumer wants more, or has gone away. */
  feed(chunk: Buffer): Promise<void> {
    if (this.destroyed) return Promise.resolve();
    this.demand = false;
    if (this.push(chunk)) return Promise.resolve();
    return new Promise((resolve) => {
      if (this.demand || this.destroyed) resolve();
      else this.wake = resolve;
    });
  }

  finish(): void {
    if (!this.destroyed) this.push(null);
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

type Settled = { ok: true } | { ok: false; error: unknown };

/**
 * Adapts a stream consumer to the sink the tar reader feeds: pieces are copied (the reader reuses
 * its buffers), and a consumer that settles before the entry's end has the rest skipped (the file
 * digest still covers it).
 */
export function streamEntrySink(info: EntryInfo, onEntry: (e: EntryStream) => Promise<void>): EntrySink {
  const readable = new EntryReadable();
  const entry: EntryStream = { ...info, stream: readable };
  const settled = (async () => onEntry(entry))().then(
    (): Settled => ({ ok: true }),
    (error: unknown): Settled => ({ ok: false, error }),
  );
  let discard = false;
  return {
    async write(piece) {
      if (discard) return;
      const raced = await Promise.race([readable.feed(Buffer.from(piece)).then(() => undefined), settled]);
      if (raced === undefined && !readable.destroyed) return;
      // The consumer settled or dropped the stream before the entry's end.
      const outcome = raced ?? (await settled);
      if (!outcome.ok) throw outcome.error;
      discard = true;
      readable.destroy();
    },
    async end() {
      if (!discard) readable.finish();
      const outcome = await settled;
      if (!outcome.ok) throw outcome.error;
    },
    abort(error) {
      void settled;
      // The volume error is reported by readVolume itself; a consumer that has not attached its
      // listeners yet must not turn it into an unhandled 'error' event that kills the process.
      readable.on('error', () => undefined);
      readable.destroy(error instanceof Error ? error : new Error(String(error)));
    },
  };
}
