import { AirlockError, digestHex, type Digest, type SettledStamp } from '@airlock/core';
import { blobEntryName } from './names.js';

/** One file the read-ahead lays out as a tar entry: `length` bytes of `path` from `offset`. */
export interface AheadFile {
  path: string;
  offset: number;
  length: number;
  /** The tar entry the file's bytes go into. */
  name: string;
  /** Check this stamp instead of hashing the file (see @airlock/core file-stamp.ts). */
  settled?: SettledStamp;
}

/**
 * The files of a read-ahead in three flat values instead of 100,000s of objects, so handing them
 * to the worker thread copies a few strings (no object graph to clone, nothing per file left on
 * either heap): paths joined by NUL (which no path holds), digests' hex back to back, and
 * per file its offset, length, part index (-1 for a whole blob) and settled stamp (NaN for none).
 */
export interface AheadList {
  count: number;
  paths: string;
  hex: string;
  spans: Float64Array;
}

const HEX_LENGTH = 64;
const WHOLE = -1;
/** offset, length, part, then the settled stamp's size, mtimeMs, ctimeMs and ino. */
const SPAN = 7;

export interface AheadSource {
  path: string;
  digest: Digest;
  offset: number;
  length: number;
  part?: number;
  settled?: SettledStamp;
}

export function encodeAheadList(files: AheadSource[]): AheadList {
  const spans = new Float64Array(files.length * SPAN);
  files.forEach((f, i) => {
    if (f.path.includes('\0')) throw new AirlockError('INTERNAL', `a path with a NUL byte cannot be read: ${JSON.stringify(f.path)}`);
    const s = f.settled;
    spans.set([f.offset, f.length, f.part ?? WHOLE, s?.size ?? NaN, s?.mtimeMs ?? NaN, s?.ctimeMs ?? NaN, s?.ino ?? NaN], i * SPAN);
  });
  return { count: files.length, paths: files.map((f) => f.path).join('\0'), hex: files.map((f) => digestHex(f.digest)).join(''), spans };
}

/** Walks an AheadList in order, making each file's AheadFile only when it is reached. */
export class AheadCursor {
  private index = 0;
  private pathAt = 0;
  /** Where the current file's path ends in `paths` (found once per file). */
  private pathEnd: number | undefined;
  private file: AheadFile | undefined;

  constructor(private readonly list: AheadList) {}

  /** 0-based index of the current file. */
  get at(): number {
    return this.index;
  }

  get done(): boolean {
    return this.index >= this.list.count;
  }

  current(): AheadFile {
    if (this.file) return this.file;
    if (this.done) throw new AirlockError('INTERNAL', 'read-ahead went past its last file');
    const { list, index } = this;
    const path = list.paths.slice(this.pathAt, this.currentPathEnd());
    const hex = list.hex.slice(index * HEX_LENGTH, (index + 1) * HEX_LENGTH);
    const at = index * SPAN;
    const span = (i: number): number => list.spans[at + i] as number;
    const part = span(2);
    const name = blobEntryName(`sha256:${hex}`, part === WHOLE ? undefined : part);
    const file: AheadFile = { path, offset: span(0), length: span(1), name };
    if (!Number.isNaN(span(3))) file.settled = { size: span(3), mtimeMs: span(4), ctimeMs: span(5), ino: span(6) };
    this.file = file;
    return file;
  }

  next(): void {
    this.pathAt = this.currentPathEnd() + 1;
    this.pathEnd = undefined;
    this.index++;
    this.file = undefined;
  }

  /** The last path has no NUL after it. */
  private currentPathEnd(): number {
    if (this.pathEnd === undefined) {
      const end = this.list.paths.indexOf('\0', this.pathAt);
      this.pathEnd = end < 0 ? this.list.paths.length : end;
    }
    return this.pathEnd;
  }
}
