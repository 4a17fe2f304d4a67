import { readdir, stat } from 'node:fs/promises';

export type EntryKind = 'dir' | 'file' | 'link';

export interface DirEntry {
  name: string;
  kind: EntryKind;
}

/** Directories remembered, and the names held in all of them together (a 50k-entry pool is one). */
const MAX_DIRS = 256;
const MAX_NAMES = 1_000_000;

/**
 * The sorted names of a published directory, cached. Snapshots never change once live, so a
 * directory is read once per snapshot: the key is its real path (which names the resolved
 * snapshot, so a switch of `current` is seen at once) plus its inode and mtime (so a snapshot
 * id reused after a prune, or a served tree that does change, is read again).
 */
export class ListingCache {
  private readonly entries = new Map<string, DirEntry[]>();
  private names = 0;

  async list(realDir: string): Promise<DirEntry[]> {
    const info = await stat(realDir);
    const key = `${realDir}\0${info.ino}\0${info.mtimeMs}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit); // most recently used last
      return hit;
    }
    const dirents = await readdir(realDir, { withFileTypes: true });
    const list: DirEntry[] = [];
    for (const d of dirents) {
      const kind: EntryKind | undefined = d.isDirectory() ? 'dir' : d.isFile() ? 'file' : d.isSymbolicLink() ? 'link' : undefined;
      if (kind) list.push({ name: d.name, kind });
    }
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.remember(key, list);
    return list;
  }

  private remember(key: string, list: DirEntry[]): void {
    if (list.length > MAX_NAMES) return;
    this.entries.set(key, list);
    this.names += list.length;
    for (const [oldKey, old] of this.entries) {
      if (this.entries.size <= MAX_DIRS && this.names <= MAX_NAMES) break;
      this.entries.delete(oldKey);
      this.names -= old.length;
    }
  }
}
