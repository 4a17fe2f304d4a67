import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

export interface TreeEntry {
  kind: 'file' | 'dir' | 'symlink';
  sha256?: string;
  mode?: number;
  target?: string;
}

/** Everything that must survive the trip: kinds, bytes, exec bits, symlink targets, empty dirs. */
export async function describeTree(root: string): Promise<Record<string, TreeEntry>> {
  const out: Record<string, TreeEntry> = {};
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      const key = rel ? `${rel}/${name}` : name;
      const info = await lstat(path);
      if (info.isSymbolicLink()) out[key] = { kind: 'symlink', target: await readlink(path) };
      else if (info.isDirectory()) {
        out[key] = { kind: 'dir' };
        await walk(path, key);
      } else {
        out[key] = { kind: 'file', sha256: createHash('sha256').update(await readFile(path)).digest('hex'), mode: info.mode & 0o555 };
      }
    }
  };
  await walk(root, '');
  return out;
}
