import { randomBytes } from 'node:crypto';
import { constants, linkSync } from 'node:fs';
import { copyFile, link, mkdir, open, rename, rm, stat, symlink, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AirlockError, asAirlockError } from './errors.js';
import { fsError } from './fs-error.js';

/** A temp name beside `target`, so the final rename stays on one filesystem. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Directories airlock creates (vault, staging trees, state) are never group- or world-writable,
 * whatever the umask: a published tree must not be changeable by other local users.
 */
export const DEFAULT_DIR_MODE = 0o755;

/** mkdir -p; `mode` (default 0755, further narrowed by the umask) applies to every level it creates. */
export async function ensureDir(path: string, mode: number = DEFAULT_DIR_MODE): Promise<void> {
  try {
    await mkdir(path, { recursive: true, mode });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fsError(err, path, 'creating the directory');
    // Node's async recursive mkdir reports ENOENT when a level fails for another reason (ENOSPC
    // when the filesystem is out of inodes, for one); creating the levels one by one tells the truth.
    try {
      await mkdirLevels(path, mode);
    } catch (real) {
      throw fsError(real, path, 'creating the directory');
    }
  }
}

async function mkdirLevels(path: string, mode: number): Promise<void> {
  const parent = dirname(path);
  if (parent !== path && !(await pathExists(parent))) await mkdirLevels(parent, mode);
  try {
    await mkdir(path, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** fsyncs a directory so a rename inside it survives power loss. Not every filesystem allows it. */
export async function fsyncDir(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY);
    await handle.sync();
  } catch {
    // Directories cannot be fsynced on some filesystems (FAT32 media among them); the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

/** Writes to a temp file, fsyncs, renames over `target`: readers see the old or the new file, never half. */
export async function writeFileAtomic(target: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  await ensureDir(dirname(target));
  const tmp = tempPathFor(target);
  try {
    const handle = await open(tmp, 'wx', mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, target);
    await fsyncDir(dirname(target));
  } catch (err) {
    await rm(tmp, { force: true });
    throw fsError(err, target, 'writing it');
  }
}

/** Moves a verified temp file into place, fsyncing the file first. */
export async function commitFile(tmp: string, target: string): Promise<void> {
  try {
    const handle = await open(tmp, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw fsError(err, target, 'moving it into place');
  }
  await commitPlaced(tmp, target);
}

/** Moves a temp file whose data is already fsynced into place, then fsyncs its new directory. */
export async function commitPlaced(tmp: string, target: string): Promise<void> {
  try {
    await ensureDir(dirname(target));
    await rename(tmp, target);
  } catch (err) {
    throw fsError(err, target, 'moving it into place');
  }
  await fsyncDir(dirname(target));
}

/** Hardlinks `from` to `to`; copies when a hardlink is impossible (another filesystem, or links not allowed). */
export async function linkOrCopy(from: string, to: string): Promise<'link' | 'copy'> {
  // Publishing makes one link per file, often a hundred thousand: the first try is one plain
  // system call; the parent directory is made only when it turns out to be missing.
  let code: string | undefined;
  try {
    linkSync(from, to);
    return 'link';
  } catch (err) {
    code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') await ensureDir(dirname(to));
    else if (!LINK_REFUSED.has(code ?? '')) throw fsError(err, to, `linking it to ${from}`);
  }
  if (code === 'ENOENT') {
    try {
      await link(from, to);
      return 'link';
    } catch (err) {
      if (!LINK_REFUSED.has((err as NodeJS.ErrnoException).code ?? '')) throw fsError(err, to, `linking it to ${from}`);
    }
  }
  try {
    await copyFile(from, to, constants.COPYFILE_EXCL);
    return 'copy';
  } catch (err) {
    // A partial copy (disk full half-way) must not stay behind under the final name; a file that
    // already existed (EEXIST) is not ours to remove.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') await rm(to, { force: true }).catch(() => undefined);
    throw fsError(err, to, `copying ${from} (it cannot be hardlinked there)`);
  }
}

/** Why a hardlink cannot be made where a copy still can. */
const LINK_REFUSED = new Set(['EXDEV', 'EPERM', 'EMLINK', 'ENOTSUP']);

/** Points the symlink `linkPath` at `target` atomically: a temp symlink renamed over the old one. */
export async function replaceSymlink(linkPath: string, target: string): Promise<void> {
  const tmp = tempPathFor(linkPath);
  try {
    await symlink(target, tmp);
    await rename(tmp, linkPath);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw fsError(err, linkPath, `switching it to ${target}`);
  }
  await fsyncDir(dirname(linkPath));
}

/**
 * Reads a small file, refusing to read past `maxBytes` (the file may be attacker-supplied). The
 * bound is enforced on the bytes actually read, not on a size seen before reading: a file that
 * grows after `stat` (or reports a wrong size, like /proc files and some network or FUSE mounts)
 * is refused as soon as it passes the bound, and never read whole.
 */
export async function readFileLimited(path: string, maxBytes: number, what = path): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOCTTY | constants.O_NONBLOCK);
  } catch (err) {
    throw asAirlockError(err, 'SOURCE_NOT_FOUND', `cannot read ${what}`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new AirlockError('SOURCE_NOT_FOUND', `${what} is not a regular file`);
    if (info.size > maxBytes) throw tooLarge(what, info.size, maxBytes);
    return await readBounded(handle, maxBytes, what);
  } catch (err) {
    throw asAirlockError(err, 'IO_ERROR', `cannot read ${what}`);
  } finally {
    await handle.close();
  }
}

const READ_CHUNK = 64 << 10;

async function readBounded(handle: FileHandle, maxBytes: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    // One byte past the bound is enough to know the file is too large.
    const want = Math.min(READ_CHUNK, maxBytes + 1 - total);
    const chunk = Buffer.allocUnsafe(want);
    const { bytesRead } = await handle.read(chunk, 0, want, null);
    if (bytesRead === 0) return Buffer.concat(chunks, total);
    chunks.push(bytesRead === want ? chunk : chunk.subarray(0, bytesRead));
    total += bytesRead;
    if (total > maxBytes) throw tooLarge(what, `more than ${maxBytes}`, maxBytes);
  }
}

function tooLarge(what: string, size: number | string, maxBytes: number): AirlockError {
  return new AirlockError('SIZE_MISMATCH', `${what} is ${size} bytes, more than the ${maxBytes} allowed`);
}

export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
