import { AirlockError, asAirlockError, ListedFileHasher, type Digest, type ListedOutcome, type Progress, type SettledStamp } from '@airlock/core';
import type { DigestCache } from './digest-cache.js';
import type { FoundFile } from './walk-tree.js';

export interface HashedFile {
  file: FoundFile;
  digest: Digest;
  /** The bytes the digest covers. */
  size: number;
  /** Permission bits, as the file had them when it was opened. */
  mode: number;
  /** The file was read now and had been still: packing checks this stamp instead of hashing it again. */
  settled?: SettledStamp;
}

/**
 * Opens, stats and digests files on every core as the walk finds them; a file whose stat still
 * matches a cached digest is not read again. `finish` gives them in the order they were added.
 */
export class FileHashing {
  private readonly files: FoundFile[] = [];
  private readonly hasher: ListedFileHasher;
  private readonly task;

  constructor(
    private readonly cache: DigestCache,
    progress: Progress,
    label: string,
  ) {
    this.task = progress.task(`hash ${label}`, undefined, 'items');
    this.hasher = new ListedFileHasher((count) => this.task.advance(count));
  }

  add(file: FoundFile): void {
    this.files.push(file);
    const known = this.cache.stampOf(file.abs);
    this.hasher.add({ path: file.abs, ...(file.follow ? { follow: true } : {}), ...(known ? { known } : {}) });
  }

  async finish(): Promise<HashedFile[]> {
    try {
      const outcomes = await this.hasher.finish();
      return outcomes.map((outcome, i) => this.hashed(this.files[i] as FoundFile, outcome));
    } finally {
      this.task.done();
    }
  }

  /** The walk failed: nothing more is hashed. */
  async abandon(): Promise<void> {
    this.task.done();
    await this.hasher.abandon();
  }

  private hashed(file: FoundFile, outcome: ListedOutcome): HashedFile {
    if ('error' in outcome) throw asAirlockError(outcome.error, 'IO_ERROR', `cannot read ${file.abs}`);
    const identity = { abs: file.abs, ...outcome.stamp };
    let digest = outcome.digest;
    if (digest === undefined) {
      digest = this.cache.lookup(identity);
      if (digest === undefined) throw new AirlockError('INTERNAL', `the digest cache lost ${file.abs} while it was hashed; please report this`);
    } else if (outcome.size === outcome.stamp.size) {
      // A file that changed while it was read is not cached; packing re-verifies it anyway.
      this.cache.remember(identity, digest);
    }
    const hashed: HashedFile = { file, digest, size: outcome.size, mode: outcome.stamp.mode & 0o7777 };
    if (outcome.settled) hashed.settled = outcome.settled;
    return hashed;
  }
}
