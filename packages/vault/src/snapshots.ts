import { randomBytes } from 'node:crypto';
import { readdir, readlink, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AirlockError, asAirlockError, ensureDir, fsyncDir, isPlainName, pathExists, replaceSymlink } from '@airlock/core';
import { removeTree } from './remove-tree.js';

const SNAPSHOTS = 'snapshots';
/** Written last into every snapshot: a snapshot without it is not a whole publication. */
export const PUBLICATION_RECORD = 'airlock-publication.json';
const CURRENT_TARGET_RE = /^snapshots\/([^/]+)$/;

/**
 * Publications under <home>/publish: a tree is built in staging/<id>, promoted to snapshots/<id>,
 * and made live by pointing the `current` symlink at it atomically. A crash at any step leaves
 * `current` on a complete snapshot. Old snapshots leave in one rename to trash/ before they are
 * deleted, so a delete that is interrupted never leaves a half-deleted tree under snapshots/.
 */
export class Snapshots {
  readonly currentPath: string;
  private readonly stagingDir: string;
  private readonly snapshotsDir: string;
  private readonly trashDir: string;

  constructor(readonly root: string) {
    this.currentPath = join(root, 'current');
    this.stagingDir = join(root, 'staging');
    this.snapshotsDir = join(root, SNAPSHOTS);
    this.trashDir = join(root, 'trash');
  }

  /** Where snapshot `id` lives (whether or not it exists). */
  pathOf(id: string): string {
    return join(this.snapshotsDir, checkedId(id));
  }

  /** A fresh, empty staging directory for `id`; leftovers of an earlier attempt are removed. */
  async beginStaging(id: string): Promise<string> {
    const dir = join(this.stagingDir, checkedId(id));
    return this.io(`cannot prepare staging for snapshot ${id}`, async () => {
      await removeTree(dir);
      await ensureDir(dir);
      return dir;
    });
  }

  /** Moves a finished staging tree to snapshots/<id>, replacing a stale one unless it is live. */
  async promote(id: string): Promise<string> {
    const from = join(this.stagingDir, checkedId(id));
    const to = join(this.snapshotsDir, id);
    if (!(await isDirectory(from))) throw new AirlockError('PUBLISH_FAILED', `there is no staged snapshot ${id} to promote; publish again`);
    if (await pathExists(to)) {
      if ((await this.currentId()) === id) {
        throw new AirlockError('PUBLISH_FAILED', `snapshot ${id} is the current publication and cannot be replaced; publish under a new id`);
      }
      await this.io(`cannot replace the old snapshot ${id}`, () => removeTree(to));
    }
    return this.io(`cannot promote snapshot ${id}`, async () => {
      await ensureDir(this.snapshotsDir);
      await rename(from, to);
      await fsyncDir(this.snapshotsDir);
      return to;
    });
  }

  /** Makes snapshots/<id> what clients see, in one rename; readers never see a half-switched tree. */
  async switchTo(id: string): Promise<void> {
    if (!(await isDirectory(join(this.snapshotsDir, checkedId(id))))) {
      throw new AirlockError('PUBLISH_FAILED', `snapshot ${id} does not exist; promote it before switching to it`);
    }
    await replaceSymlink(this.currentPath, `${SNAPSHOTS}/${id}`);
  }

  async currentId(): Promise<string | null> {
    let target: string;
    try {
      target = await readlink(this.currentPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw asAirlockError(err, 'PUBLISH_FAILED', `${this.currentPath} is not a symlink to a snapshot; move it away and publish again`);
    }
    const id = CURRENT_TARGET_RE.exec(target)?.[1];
    if (id === undefined || !isPlainName(id)) {
      throw new AirlockError('PUBLISH_FAILED', `${this.currentPath} points at ${JSON.stringify(target)}, not at a snapshot; switch to a snapshot again`);
    }
    return id;
  }

  /** Snapshot ids, in natural order (numeric parts compare as numbers). */
  async list(): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(this.snapshotsDir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw asAirlockError(err, 'IO_ERROR', `cannot list ${this.snapshotsDir}`);
    }
    return entries
      .filter((e) => e.isDirectory() && isPlainName(e.name))
      .map((e) => e.name)
      .sort(naturalOrder.compare);
  }

  /** Trashes, then deletes snapshot `id`; never the current one. */
  async remove(id: string): Promise<void> {
    await this.deleteTrashed(await this.trash(id));
  }

  /**
   * Moves snapshots/<id> out of snapshots/ in one rename (to trash/<id>.<random>) and returns its
   * new path. After this no rollback can find it, whatever happens to the delete that follows.
   */
  async trash(id: string): Promise<string> {
    const from = this.pathOf(id);
    if ((await this.currentId()) === id) {
      throw new AirlockError('PUBLISH_FAILED', `snapshot ${id} is the current publication; switch to another one before removing it`);
    }
    const to = join(this.trashDir, `${id}.${randomBytes(4).toString('hex')}`);
    return this.io(`cannot move snapshot ${id} to the trash`, async () => {
      await ensureDir(this.trashDir);
      await rename(from, to);
      await fsyncDir(this.snapshotsDir);
      await fsyncDir(this.trashDir);
      return to;
    });
  }

  /** Deletes a trashed tree entry by entry; `afterEntry` runs after each top-level entry is gone. */
  async deleteTrashed(path: string, afterEntry: () => void = () => undefined): Promise<void> {
    if (dirname(path) !== this.trashDir) throw new AirlockError('INTERNAL', `${path} is not in the trash of ${this.root}`);
    await this.io(`cannot delete ${path}`, async () => {
      for (const name of await readdir(path).catch(() => [] as string[])) {
        await removeTree(join(path, name));
        afterEntry();
      }
      await removeTree(path);
    });
  }

  /** Deletes whatever an interrupted prune left in the trash. */
  async emptyTrash(): Promise<void> {
    const names = await this.io('cannot list the trash', () => readdir(this.trashDir).catch(() => [] as string[]));
    for (const name of names) await this.deleteTrashed(join(this.trashDir, name));
  }

  /** Whether snapshot `id` holds its publication record, i.e. was built to the end. */
  async isWhole(id: string): Promise<boolean> {
    try {
      return (await stat(join(this.pathOf(id), PUBLICATION_RECORD))).isFile();
    } catch {
      return false;
    }
  }

  /** Removes unfinished staging trees, temp links and trashed snapshots left by an interrupted run. */
  async cleanStaging(): Promise<void> {
    await this.io('cannot clean the staging area', async () => {
      await removeTree(this.stagingDir);
      for (const name of await readdir(this.root).catch(() => [])) {
        if (name.startsWith('.current.') && name.endsWith('.tmp')) await removeTree(join(this.root, name));
      }
    });
    await this.emptyTrash();
  }

  private async io<T>(what: string, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (err) {
      throw asAirlockError(err, 'PUBLISH_FAILED', what);
    }
  }
}

const naturalOrder = new Intl.Collator('en', { numeric: true });

function checkedId(id: string): string {
  if (!isPlainName(id)) throw new AirlockError('USAGE', `snapshot id ${JSON.stringify(id)} must be a plain name (letters, digits, '.', '_', '-')`);
  return id;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
