import { AirlockError, digestHex, type Digest } from '@airlock/core';
import { blobEntryName } from './names.js';

/** One file the read-ahead lays out as a tar entry: `length` bytes of `path` from `offset`. */
export interface AheadFile {
  path: string;
  offset: number;
  length: number;
  /** The tar entry the file's bytes go into. */
  name: string;
}

/**
 * The files of a read-ahead in three flat values instead of 100,000s of objects, so handing them
 * to the worker thread copies a few strings (no object graph to clone, nothing per file left on
 * either heap): paths joined by NUL (which no path holds), digests' hex back to back, and
 * offset, length and part index (-1 for a whole blob) per file.
 */
export interface AheadList {
  count: number;
  paths: string;
  hex: string;
  spans: Float64Array;
}

const HEX_LENGTH = 64;
const WHOLE = -1;

export interface AheadSource {
  path: string;
  digest: Digest;
  offset: number;
  length: number;
  part?: number;
}

export function encodeAheadList(files: AheadSource[]): AheadList {
  const spans = new Float64Array(files.length * 3);
  files.forEach((f, i) => {
    if (f.path.includes('\0')) throw new AirlockError('INTERNAL', `a path with a NUL byte cannot be read: ${JSON.stringify(f.path)}`);
    spans[i * 3] = f.offset;
    spans[i * 3 + 1] = f.length;
    spans[i * 3 + 2] = f.part ?? WHOLE;
  });
  return { count: files.length, paths: files.map((f) => f.path).join('\0'), hex: files.map((f) => digestHex(f.digest)).join(''), spans };
}

/** Walks an AheadList in order, making each file's AheadFile only when it is reached. */
export class AheadCursor {
  private index = 0;
  private pathAt = 0;
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
    const end = list.paths.indexOf('\0', this.pathAt);
    const path = list.paths.slice(this.pathAt, end < 0 ? undefined : end);
    const hex = list.hex.slice(index * HEX_LENGTH, (index + 1) * HEX_LENGTH);
    const part = list.spans[index * 3 + 2] as number;
    const name = blobEntryName(`sha256:${hex}`, part === WHOLE ? undefined : part);
    this.file = { path, offset: list.spans[index * 3] as number, length: list.spans[index * 3 + 1] as number, name };
    return this.file;
  }

  next(): void {
    const end = this.list.paths.indexOf('\0', this.pathAt);
    this.pathAt = end < 0 ? this.list.paths.length : end + 1;
    this.index++;
    this.file = undefined;
  }
}
