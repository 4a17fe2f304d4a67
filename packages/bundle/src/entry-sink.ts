import type { Digest } from '@airlock/core';

/** One blob entry of a volume, as the signed manifest describes it. */
export interface EntryInfo {
  name: string;
  digest: Digest;
  /** The 0-based part index for a part of a split blob. */
  part?: number;
  expected: { digest: Digest; size: number };
}

/** Keeps the buffer a piece belongs to from reuse until `work` settles (an asynchronous write of the piece). */
export type KeepPiece = (work: Promise<unknown>) => void;

/**
 * Where the bytes of one entry go. `write` receives exactly `expected.size` bytes in order, as
 * views of a buffer that is reused once it returns (or its promise settles) and whatever was
 * passed to `keep` settled: copy what must outlive that. `end` follows the last byte; `abort`
 * replaces it when the volume fails mid-entry.
 */
export interface EntrySink {
  write(piece: Buffer, keep: KeepPiece): void | Promise<void>;
  end(): void | Promise<void>;
  abort(error: unknown): void;
}
