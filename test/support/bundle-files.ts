import { open, readdir, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';

export async function volumeFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.includes('.vol-')).sort().map((n) => join(dir, n));
}

export async function manifestFile(dir: string): Promise<string> {
  const name = (await readdir(dir)).find((n) => n.endsWith('.manifest.json'));
  if (!name) throw new Error(`no manifest in ${dir}`);
  return join(dir, name);
}

/** Flips one bit of the byte at `fraction` of the file's length. */
export async function flipByte(path: string, fraction = 0.5): Promise<void> {
  const size = (await stat(path)).size;
  const offset = Math.min(size - 1, Math.floor(size * fraction));
  const handle = await open(path, 'r+');
  try {
    const buf = Buffer.alloc(1);
    await handle.read(buf, 0, 1, offset);
    buf[0] = (buf[0] ?? 0) ^ 0x01;
    await handle.write(buf, 0, 1, offset);
  } finally {
    await handle.close();
  }
}

export async function truncateBy(path: string, bytes: number): Promise<void> {
  await truncate(path, (await stat(path)).size - bytes);
}
