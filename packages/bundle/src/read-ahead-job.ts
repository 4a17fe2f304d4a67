import { closeSync, openSync, readSync } from 'node:fs';
import { AirlockError, asAirlockError } from '@airlock/core';

export interface AheadFile {
  path: string;
  offset: number;
  length: number;
}

/**
 * Reads many small files in order, packing exactly `length` bytes of each into caller-owned
 * buffers one after the other (a file may continue in the next buffer). Runs on a worker thread,
 * so the open/read/close of each file happens beside the packing, not in front of it.
 */
export class ReadAheadJob {
  private index = 0;
  private done = 0;
  private fd: number | undefined;

  constructor(private readonly files: AheadFile[]) {}

  /**
   * Fills `out` from its start. A file that cannot be read in full ends the job: `error` comes
   * with what was read before it (earlier files, whole), so the packer fails at that very file.
   */
  fill(out: Buffer): { length: number; finished: boolean; error?: unknown } {
    let length = 0;
    try {
      length = this.fillFrom(out);
    } catch (error) {
      return { length: this.filledBeforeError, finished: true, error };
    }
    return { length, finished: this.index >= this.files.length };
  }

  private filledBeforeError = 0;

  private fillFrom(out: Buffer): number {
    let length = 0;
    this.filledBeforeError = 0;
    while (length < out.length && this.index < this.files.length) {
      const file = this.files[this.index] as AheadFile;
      this.fd ??= this.open(file);
      const want = Math.min(file.length - this.done, out.length - length);
      const n = want === 0 ? 0 : this.read(file, out, length, want);
      if (n === 0 && this.done < file.length) {
        throw new AirlockError('SIZE_MISMATCH', `${file.path} gave only ${this.done} of the ${file.length} bytes planned; it changed since the export was planned, run the export again`, { details: { index: this.index } });
      }
      length += n;
      this.filledBeforeError = length;
      this.done += n;
      if (this.done === file.length) this.nextFile();
    }
    return length;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Which file the job is on (for errors). */
  get current(): number {
    return this.index;
  }

  private nextFile(): void {
    this.close();
    this.index++;
    this.done = 0;
  }

  private open(file: AheadFile): number {
    try {
      return openSync(file.path, 'r');
    } catch (err) {
      throw asAirlockError(err, 'SOURCE_NOT_FOUND', `cannot read ${file.path}`);
    }
  }

  private read(file: AheadFile, out: Buffer, at: number, want: number): number {
    try {
      return readSync(this.fd as number, out, at, want, file.offset + this.done);
    } catch (err) {
      throw asAirlockError(err, 'IO_ERROR', `cannot read ${file.path}`);
    }
  }
}
