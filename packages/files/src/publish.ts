import { chmod, readdir, rm, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AirlockError, asAirlockError, ensureDir, isPlainName, type PublishContext } from '@airlock/core';
import { parseFilesCatalog } from './parse-catalog.js';
import type { DirEntry, FilesCatalog } from './types.js';

/**
 * Published files are served, never run in place with privileges: setuid, setgid and sticky bits
 * are dropped. The vault also clears write bits on placed files.
 */
const PUBLISHED_MODE_MASK = 0o777;
/**
 * Directories lose group and other write as well: a publication must not be writable by other
 * local users, and the sticky bit (also dropped) only means something on a world-writable
 * directory, so an upstream `/tmp`-style 1777 directory is published 0755, not 0777.
 */
const PUBLISHED_DIR_MASK = 0o755;
/** Parents the catalog does not list (and the source root) get this mode, whatever the umask allows. */
const IMPLICIT_DIR_MODE = 0o755;

/**
 * Writes the tree into `<staging>/files/<source>/`: directories first (owner-writable while we work),
 * then files hardlinked from the vault, then symlinks, and last the directory modes, deepest first,
 * so a read-only directory is closed only after everything inside it exists.
 */
export async function publishFiles(catalog: FilesCatalog, ctx: PublishContext): Promise<void> {
  const { entries } = parseFilesCatalog(catalog);
  if (!isPlainName(ctx.sourceName)) throw new AirlockError('PUBLISH_FAILED', `source name ${JSON.stringify(ctx.sourceName)} cannot be a directory name`);
  const root = join(ctx.staging, 'files', ctx.sourceName);
  const task = ctx.progress.task(`publish files/${ctx.sourceName}`, entries.length, 'items');
  try {
    await removeTree(root);
    await ensureDir(root, IMPLICIT_DIR_MODE);
    const dirs = entries.filter((e): e is DirEntry => e.type === 'dir').sort((a, b) => depth(a.path) - depth(b.path));
    const made = new Set<string>([root]);
    // Each directory is made once, however many files it holds.
    const parentOf = async (dest: string): Promise<void> => {
      const parent = dirname(dest);
      if (made.has(parent)) return;
      await ensureDir(parent, IMPLICIT_DIR_MODE);
      made.add(parent);
    };
    for (const dir of dirs) {
      await ensureDir(join(root, dir.path), 0o700);
      made.add(join(root, dir.path));
    }
    for (const entry of entries) {
      const dest = join(root, entry.path);
      if (entry.type === 'file') {
        await parentOf(dest);
        await ctx.vault.place(entry.digest, dest, entry.mode & PUBLISHED_MODE_MASK);
        task.advance(1);
      } else if (entry.type === 'symlink') {
        await parentOf(dest);
        await symlink(entry.target, dest);
        task.advance(1);
      }
    }
    for (const dir of [...dirs].reverse()) {
      await chmod(join(root, dir.path), dir.mode & PUBLISHED_DIR_MASK);
      task.advance(1);
    }
  } catch (err) {
    throw asAirlockError(err, 'PUBLISH_FAILED', `cannot publish files/${ctx.sourceName}`);
  } finally {
    task.done();
  }
}

function depth(path: string): number {
  return path.split('/').length;
}

/** Removes what an interrupted earlier publish left, including directories it already made read-only. */
async function removeTree(path: string): Promise<void> {
  await makeOwnerWritable(path);
  await rm(path, { recursive: true, force: true });
}

async function makeOwnerWritable(dir: string): Promise<void> {
  try {
    await chmod(dir, 0o700);
  } catch {
    return; // absent: nothing to remove
  }
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await makeOwnerWritable(join(dir, entry.name));
  }
}
