import { stat, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { asAirlockError } from '@airlock/core';

export interface FreeSpace {
  /** Bytes an unprivileged writer may still use (f_bavail × f_bsize). */
  free: number;
  /** The filesystem's device number: places on one device share its free space. */
  device: number;
  /** The existing directory that was measured (the path itself, or its nearest existing parent). */
  measured: string;
}

export type FreeSpaceReader = (path: string) => Promise<FreeSpace>;

/** Measures the filesystem a path is on (or will be created on). */
export const readFreeSpace: FreeSpaceReader = async (path) => {
  let at = path;
  for (;;) {
    try {
      const [fs, info] = await Promise.all([statfs(at), stat(at)]);
      return { free: Number(fs.bavail) * Number(fs.bsize), device: Number(info.dev), measured: at };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const parent = dirname(at);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === at) throw asAirlockError(err, 'IO_ERROR', `cannot measure the free space at ${path}`);
      at = parent;
    }
  }
};
