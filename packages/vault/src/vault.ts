import { createReadStream, existsSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  AirlockError,
  asAirlockError,
  ensureDir,
  isAirlockError,
  linkOrCopy,
  failpoint,
  pathExists,
  readFileLimited,
  type Digest,
  type VaultReader,
} from '@airlock/core';
import { assembledParts, checkPartsTile } from './assembled-parts.js';
import { IngestBatch } from './ingest-batch.js';
import type { BlobPart } from './blob-part.js';
import { ensureModeCopy, publishedMode } from './mode-copy.js';
import { removeStaleTemp } from './stale-temp.js';
import { VaultLayout } from './vault-layout.js';
import { BLOB_MODE, drain, writeVerified } from './verified-write.js';

export type IngestResult = 'added' | 'present';

export interface AssembleResult {
  status: 'added' | 'present' | 'incomplete';
  /** Parts not in the vault (status incomplete). */
  missing: BlobPart[];
  /** Parts that no longer matched their digest and were removed (status incomplete). */
  discarded: BlobPart[];
}

/**
 * The import side's content-addressed blob store. Every byte is verified against its digest while
 * it is written to a temp file, and only verified files reach their final path.
 */
export class Vault implements VaultReader {
  private readonly layout: VaultLayout;

  constructor(readonly root: string) {
    this.layout = new VaultLayout(root);
  }

  async init(): Promise<void> {
    try {
      for (const dir of [this.layout.blobsDir, this.layout.tempDir, this.layout.partsDir, this.layout.modesDir]) await ensureDir(dir);
      await removeStaleTemp(this.layout.tempDir);
    } catch (err) {
      throw asAirlockError(err, 'IO_ERROR', `cannot prepare the vault at ${this.root}`);
    }
  }

  /** `stream` is untrusted (bundle content): it is stored only if it matches `expected` exactly. */
  async ingest(stream: Readable, expected: { digest: Digest; size: number; label?: string }): Promise<IngestResult> {
    const target = this.layout.blobPath(expected.digest);
    if (await pathExists(target)) {
      await drain(stream);
      return 'present';
    }
    await writeVerified(stream, { digest: expected.digest, size: expected.size, label: expected.label ?? expected.digest }, this.layout.newTempPath(), target);
    return 'added';
  }

  /** For storing many entries (a volume's) with the disk waits batched; see IngestBatch (and `indexed` there). */
  batch(indexed?: (digest: Digest) => boolean): IngestBatch {
    return new IngestBatch(this.layout, indexed);
  }

  /** Stores one part of a split blob under its own digest, verified against it. */
  async ingestPart(stream: Readable, p: { blob: Digest; index: number; digest: Digest; size: number; label?: string }): Promise<IngestResult> {
    const target = this.layout.partPath(p.blob, p.digest);
    if ((await this.has(p.blob)) || (await pathExists(target))) {
      await drain(stream);
      return 'present';
    }
    const label = p.label ?? `part ${p.index} of ${p.blob}`;
    await writeVerified(stream, { digest: p.digest, size: p.size, label }, this.layout.newTempPath(), target);
    return 'added';
  }

  async hasPart(blob: Digest, part: Digest): Promise<boolean> {
    return pathExists(this.layout.partPath(blob, part));
  }

  /**
   * Joins a split blob once all the parts `b` lists are stored, re-verifying each on the way; the
   * parts are removed after the blob lands. A part that no longer matches is removed and reported.
   */
  async assemble(b: { digest: Digest; size: number; parts: BlobPart[] }): Promise<AssembleResult> {
    const target = this.layout.blobPath(b.digest);
    if (await pathExists(target)) {
      await this.removeParts(b.digest);
      return { status: 'present', missing: [], discarded: [] };
    }
    const parts = [...b.parts].sort((x, y) => x.index - y.index);
    checkPartsTile(b, parts);
    const missing: BlobPart[] = [];
    for (const part of parts) if (!(await this.hasPart(b.digest, part.digest))) missing.push(part);
    if (missing.length > 0) return { status: 'incomplete', missing, discarded: [] };
    const discarded: BlobPart[] = [];
    const source = assembledParts(b.digest, parts, (part) => this.layout.partPath(b.digest, part.digest), (part) => discarded.push(part));
    try {
      await writeVerified(source, { digest: b.digest, size: b.size, label: b.digest }, this.layout.newTempPath(), target);
    } catch (err) {
      if (discarded.length > 0) return { status: 'incomplete', missing: [], discarded };
      throw err;
    }
    failpoint('vault:assembled');
    await this.removeParts(b.digest);
    return { status: 'added', missing: [], discarded: [] };
  }

  async has(digest: Digest): Promise<boolean> {
    // One stat, asked for every blob a publication needs (100,000s): a plain system call is far
    // cheaper than a round trip through the thread pool.
    return existsSync(this.layout.blobPath(digest));
  }

  async pathOf(digest: Digest): Promise<string> {
    const path = this.layout.blobPath(digest);
    if (!(await pathExists(path))) {
      throw new AirlockError('BLOB_MISSING', `blob ${digest} is not in the vault; import the bundle that carries it`, { details: { digest } });
    }
    return path;
  }

  /** The stored size of a blob (from the filesystem, not from any index). */
  async sizeOf(digest: Digest): Promise<number> {
    const path = await this.pathOf(digest);
    try {
      return (await stat(path)).size;
    } catch (err) {
      throw asAirlockError(err, 'IO_ERROR', `cannot stat ${digest} in the vault`);
    }
  }

  async open(digest: Digest): Promise<Readable> {
    const path = await this.pathOf(digest);
    const stream = createReadStream(path);
    try {
      await once(stream, 'open');
    } catch (err) {
      throw asAirlockError(err, 'IO_ERROR', `cannot open ${digest} in the vault`);
    }
    return stream;
  }

  async readBytes(digest: Digest, maxBytes: number): Promise<Buffer> {
    return readFileLimited(await this.pathOf(digest), maxBytes, `blob ${digest}`);
  }

  async place(digest: Digest, dest: string, mode = BLOB_MODE): Promise<void> {
    const effective = publishedMode(mode);
    let source = this.layout.blobPath(digest);
    if (effective !== BLOB_MODE) {
      const blob = await this.pathOf(digest);
      source = this.layout.modeCopyPath(digest, effective);
      await ensureModeCopy(blob, source, effective, this.layout.newTempPath());
    }
    try {
      await linkOrCopy(source, dest);
    } catch (err) {
      // The link is tried first (one system call per published file); a missing blob shows up here.
      if (isAirlockError(err) && err.details?.errno === 'ENOENT' && !(await this.has(digest))) await this.pathOf(digest);
      throw err;
    }
  }

  /** Digests of every stored blob, for receipts and status. */
  async list(): Promise<Digest[]> {
    const digests: Digest[] = [];
    for (const prefix of await readdirOrEmpty(this.layout.blobsDir)) {
      for (const hex of await readdirOrEmpty(join(this.layout.blobsDir, prefix))) {
        if (/^[0-9a-f]{64}$/.test(hex) && hex.startsWith(prefix)) digests.push(`sha256:${hex}`);
      }
    }
    return digests.sort();
  }

  private async removeParts(blob: Digest): Promise<void> {
    await rm(this.layout.partsDirOf(blob), { recursive: true, force: true });
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw asAirlockError(err, 'IO_ERROR', `cannot list ${dir}`);
  }
}
