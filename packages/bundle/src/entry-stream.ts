import { Readable } from 'node:stream';
import type { Digest } from '@airlock/core';

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
