import { spawnSync } from 'node:child_process';
import { mkdir, open, readdir, rm, statfs, writeFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Mounting needs root; the disk-full tests skip (with this reason in their name) otherwise. */
export const CAN_MOUNT = process.getuid?.() === 0;

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
}

/** A small tmpfs at `dir`, for a disk that really fills up. */
export async function mountTmpfs(dir: string, options: { size: string; inodes?: number }): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  run('mount', ['-t', 'tmpfs', '-o', `size=${options.size},mode=0755${options.inodes ? `,nr_inodes=${options.inodes}` : ''}`, 'airlock-test', dir]);
  return async () => {
    run('umount', [dir]);
    await rm(dir, { recursive: true, force: true });
  };
}

export async function freeBytes(dir: string): Promise<number> {
  const fs = await statfs(dir);
  return fs.bavail * fs.bsize;
}

export async function freeInodes(dir: string): Promise<number> {
  return (await statfs(dir)).ffree;
}

/** Fills the filesystem of `dir` until only about `leave` bytes are free. */
export async function fillLeaving(path: string, dir: string, leave: number): Promise<void> {
  const handle = await open(path, 'w');
  try {
    const chunk = Buffer.alloc(64 << 10, 0xa5);
    let toWrite = (await freeBytes(dir)) - leave;
    while (toWrite > 0) {
      const n = Math.min(chunk.length, toWrite);
      await handle.write(chunk, 0, n);
      toWrite -= n;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Uses up inodes (empty files in `dir`) until only `leave` are free. */
export async function fillInodesLeaving(dir: string, fsDir: string, leave: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let i = 0, n = (await freeInodes(fsDir)) - leave; i < n; i++) await writeFile(join(dir, String(i)), '');
}

/** Empties a mounted directory without unmounting it. */
export async function emptyDir(dir: string): Promise<void> {
  for (const name of await readdir(dir)) await rm(join(dir, name), { recursive: true, force: true });
}

/** `cp -a`: hardlinks inside the tree stay hardlinks (a published tree links into the vault). */
export function copyTree(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  run('cp', ['-a', from, to]);
}
