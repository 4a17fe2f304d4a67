import { readdir, readlink, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AirlockError, asAirlockError, ensureDir, fsyncDir, isPlainName, pathExists, replaceSymlink } from '@airlock/core';
import { removeTree } from './remove-tree.js';

const SNAPSHOTS = 'snapshots';
const CURRENT_TARGET_RE = /^snapshots\/([^/]+)$/;

/**
 * Publications under <home>/publish: a tree is built in staging/<id>, promoted to snapshots/<id>,
 * and made live by pointing the `current` symlink at it atomically. A crash at any step leaves
 * `current` on a complete snapshot.
 */
export class Snapshots {
  readonly currentPath: string;
  private readonly stagingDir: string;
  private readonly snapshotsDir: string;

  constructor(readonly root: string) {
    this.currentPath = join(root, 'current');
    this.stagingDir = join(root, 'staging');
    this.snapshotsDir = join(root, SNAPSHOTS);
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

  async remove(id: string): Promise<void> {
    checkedId(id);
    if ((await this.currentId()) === id) {
      throw new AirlockError('PUBLISH_FAILED', `snapshot ${id} is the current publication; switch to another one before removing it`);
    }
    await this.io(`cannot remove snapshot ${id}`, () => removeTree(join(this.snapshotsDir, id)));
  }

  /** Removes unfinished staging trees and temp links left by an interrupted run. */
  async cleanStaging(): Promise<void> {
    await this.io('cannot clean the staging area', async () => {
      await removeTree(this.stagingDir);
      for (const name of await readdir(this.root).catch(() => [])) {
        if (name.startsWith('.current.') && name.endsWith('.tmp')) await removeTree(join(this.root, name));
      }
    });
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
