import { createHash, type Hash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, write, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { AirlockError, digestsEqual, failpoint, fsError, fsyncDir, type Digest } from '@airlock/core';
import { fsyncPath, Throttle } from './fsync-queue.js';
import { syncFilesystem } from './sync-filesystem.js';
import type { VaultLayout } from './vault-layout.js';
import { BLOB_MODE } from './verified-write.js';

export interface BatchEntry {
  digest: Digest;
  size: number;
  label: string;
}

/** Keeps the buffer a piece belongs to from reuse until `work` settles. */
export type KeepPiece = (work: Promise<unknown>) => void;

/**
 * A sink for one entry's bytes, fed in order; `end` verifies them. Large pieces are written on
 * the thread pool (the caller keeps their buffer via `keep` until then), small ones at once.
 */
export interface BlobSink {
  write(piece: Buffer, keep?: KeepPiece): void;
  end(): 'added' | 'present';
  abort(): void;
}

/** Pending work is committed once it reaches either bound, so memory and the crash window stay small. */
const COMMIT_EVERY_ENTRIES = 4096;
const COMMIT_EVERY_BYTES = 256 << 20;
/** fsyncs in flight at once: the filesystem's journal commits many together. */
const FSYNC_CONCURRENCY = 32;
/** Pieces at least this large are written on the thread pool, while the main thread hashes on. */
const ASYNC_WRITE_MIN = 64 << 10;

interface Pending {
  tmp: string;
  target: string;
  size: number;
  /** Its writes are done and the file closed. */
  written: Promise<void>;
  /** Its own fsync, started early for a large blob; small ones are made durable together at commit. */
  synced: Promise<void> | undefined;
}

/** A blob this large has its fsync started as soon as it verified, overlapping the reading of the next ones. */
const EARLY_FSYNC_MIN = 1 << 20;
/** From this many files to make durable at once, one filesystem sync beats an fsync each. */
const SYNCFS_MIN = 64;

/**
 * Stores many verified blobs with few waits on the disk. Each blob is hashed while it is written to
 * its own temp file; once verified, a large one's fsync starts in the background while the next
 * blob is read. A commit makes the rest durable (one filesystem sync for many small files, else an
 * fsync each, in parallel), renames the files into place, then makes the renames durable (one sync,
 * or an fsync per directory): a blob reaches its final path only verified and durable, and a crash
 * leaves temp files that the next run removes. Call `commit` before recording the blobs anywhere.
 */
export class IngestBatch {
  private pending: Pending[] = [];
  private pendingBytes = 0;
  private readonly targets = new Set<string>();
  private readonly madeDirs = new Set<string>();
  private readonly throttle = new Throttle(FSYNC_CONCURRENCY);
  private added = 0;

  /**
   * `indexed`: the site's blob index. A blob it does not list is written without first asking the
   * filesystem whether it is there (one system call less per blob); should it be there after all
   * (a crash came between storing and indexing it), the verified copy replaces an identical file.
   */
  constructor(
    private readonly layout: VaultLayout,
    private readonly indexed?: (digest: Digest) => boolean,
  ) {}

  /** Blobs (and parts) this batch moved into the vault so far. */
  get addedCount(): number {
    return this.added;
  }

  /** A whole blob: stored under its digest unless already there. */
  async blob(e: BatchEntry): Promise<BlobSink> {
    return this.entry(e, this.layout.blobPath(e.digest), false, this.indexed?.(e.digest) ?? true);
  }

  /** One part of a split blob, stored under its own digest unless the part or the whole blob is there. */
  async part(blob: Digest, e: BatchEntry): Promise<BlobSink> {
    const whole = existsSync(this.layout.blobPath(blob));
    return this.entry(e, this.layout.partPath(blob, e.digest), whole, true);
  }

  /** Waits for the fsyncs, moves every verified file into place and makes the renames durable. */
  async commit(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    if (batch.length === 0) return;
    try {
      await Promise.all(batch.map((p) => p.synced ?? p.written));
      const unsynced = batch.filter((p) => p.synced === undefined);
      const together = unsynced.length >= SYNCFS_MIN && (await syncFilesystem(this.layout.root));
      if (!together) await Promise.all(unsynced.map((p) => this.throttle.run(() => fsyncPath(p.tmp))));
    } catch (err) {
      this.removeTemps(batch);
      throw err;
    }
    failpoint('vault:before-commit');
    const dirs = new Set<string>();
    for (const [i, p] of batch.entries()) {
      const dir = dirname(p.target);
      try {
        this.ensureDir(dir);
        renameSync(p.tmp, p.target);
      } catch (err) {
        this.removeTemps(batch.slice(i));
        throw fsError(err, p.target, 'moving it into the vault');
      }
      this.targets.delete(p.target);
      dirs.add(dir);
      this.added++;
      failpoint('vault:renamed');
    }
    if (!(dirs.size >= SYNCFS_MIN && (await syncFilesystem(this.layout.root)))) {
      await Promise.all([...dirs].map((dir) => this.throttle.run(() => fsyncDir(dir))));
    }
    failpoint('vault:after-commit');
  }

  /** Drops whatever is not committed (after a failure): its temp files are removed. */
  discard(): void {
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.removeTemps(batch);
  }

  private async entry(e: BatchEntry, target: string, alreadyWhole: boolean, mayExist: boolean): Promise<BlobSink> {
    if (this.pending.length >= COMMIT_EVERY_ENTRIES || this.pendingBytes >= COMMIT_EVERY_BYTES) await this.commit();
    if (alreadyWhole || this.targets.has(target) || (mayExist && existsSync(target))) return PRESENT;
    const tmp = this.layout.newTempPath();
    let fd: number;
    try {
      fd = openSync(tmp, 'wx', BLOB_MODE);
    } catch (err) {
      throw fsError(err, tmp, `storing ${e.label} in the vault`);
    }
    return new TempSink(e, fd, tmp, (written, synced) => {
      this.pending.push({ tmp, target, size: e.size, written, synced });
      this.pendingBytes += e.size;
      this.targets.add(target);
    }, this.throttle);
  }

  private ensureDir(dir: string): void {
    if (this.madeDirs.has(dir)) return;
    mkdirSync(dir, { recursive: true });
    this.madeDirs.add(dir);
  }

  private removeTemps(batch: Pending[]): void {
    for (const p of batch) {
      this.targets.delete(p.target);
      // The fsync may still be running; removing the name does not disturb it.
      rmSync(p.tmp, { force: true });
    }
  }
}

/** The sink of an entry the vault already holds: its bytes are read (the volume digest covers them) and dropped. */
const PRESENT: BlobSink = { write: () => undefined, end: () => 'present', abort: () => undefined };

/** Writes one entry to its temp file, hashing; verified at the end, then queued for fsync. */
class TempSink implements BlobSink {
  private readonly hash: Hash = createHash('sha256');
  private bytes = 0;
  private open = true;
  private readonly writes: Array<Promise<void>> = [];

  constructor(
    private readonly e: BatchEntry,
    private readonly fd: number,
    private readonly tmp: string,
    private readonly onVerified: (written: Promise<void>, synced: Promise<void> | undefined) => void,
    private readonly throttle: Throttle,
  ) {}

  write(piece: Buffer, keep?: KeepPiece): void {
    const position = this.bytes;
    this.bytes += piece.length;
    if (this.bytes > this.e.size) throw this.fail(new AirlockError('SIZE_MISMATCH', `${this.e.label} is longer than its declared ${this.e.size} bytes`, { details: { label: this.e.label, expected: this.e.size } }));
    this.hash.update(piece);
    if (keep && piece.length >= ASYNC_WRITE_MIN) {
      const written = writeAt(this.fd, piece, position).catch((err: unknown) => {
        throw fsError(err, this.tmp, `storing ${this.e.label} in the vault`);
      });
      // Failures surface at commit (which awaits them); none may go unhandled before.
      written.catch(() => undefined);
      this.writes.push(written);
      keep(written);
      return;
    }
    try {
      for (let done = 0; done < piece.length; ) done += writeSync(this.fd, piece, done, piece.length - done, position + done);
    } catch (err) {
      throw this.fail(fsError(err, this.tmp, `storing ${this.e.label} in the vault`));
    }
  }

  end(): 'added' {
    const { size, digest, label } = this.e;
    if (this.bytes !== size) throw this.fail(new AirlockError('SIZE_MISMATCH', `${label} has ${this.bytes} bytes, expected ${size}`, { details: { label, expected: size, actual: this.bytes } }));
    const actual: Digest = `sha256:${this.hash.digest('hex')}`;
    if (!digestsEqual(actual, digest)) throw this.fail(new AirlockError('DIGEST_MISMATCH', `${label} has digest ${actual}, expected ${digest}`, { details: { label, expected: digest, actual } }));
    const written = this.written();
    const synced = size >= EARLY_FSYNC_MIN ? written.then(() => this.throttle.run(() => fsyncPath(this.tmp))) : undefined;
    // Awaited by commit; a failure before then must not surface as an unhandled rejection.
    written.catch(() => undefined);
    synced?.catch(() => undefined);
    this.onVerified(written, synced);
    return 'added';
  }

  abort(): void {
    this.fail(undefined);
  }

  /** All writes done, then the descriptor closed (fsync reopens by path, so few stay open). */
  private async written(): Promise<void> {
    try {
      if (this.writes.length > 0) await Promise.all(this.writes);
    } finally {
      this.close();
    }
  }

  private fail<E>(err: E): E {
    // Writes still running keep the descriptor until they finish; the name goes now.
    void this.written().catch(() => undefined);
    rmSync(this.tmp, { force: true });
    return err;
  }

  private close(): void {
    if (!this.open) return;
    this.open = false;
    closeSync(this.fd);
  }
}

function writeAt(fd: number, data: Buffer, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (done: number): void => {
      if (done === data.length) return resolve();
      write(fd, data, done, data.length - done, position + done, (err, n) => (err ? reject(err) : step(done + n)));
    };
    step(0);
  });
}
