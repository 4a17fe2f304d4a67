import { execFile } from 'node:child_process';
import { fsError } from '@airlock/core';

let available: boolean | undefined;

/**
 * Makes everything written to the filesystem holding `path` durable in one step: syncfs(2),
 * through `sync --file-system` (GNU coreutils; Node has no binding). One call stands for the
 * fsync of thousands of small files, which the disk would otherwise have to commit one by one.
 * Resolves false, once and for all, where the tool cannot do it (then fsync each file instead);
 * a failure of the sync itself (EIO) is an error of the site's disk.
 */
export async function syncFilesystem(path: string): Promise<boolean> {
  if (available === false || process.platform !== 'linux') return false;
  return new Promise((resolve, reject) => {
    execFile('sync', ['--file-system', path], { timeout: 600_000 }, (err, _stdout, stderr) => {
      if (!err) {
        available = true;
        return resolve(true);
      }
      const code = (err as NodeJS.ErrnoException).code;
      // No sync tool, or one without --file-system: it never worked here, so use fsync from now on.
      if (available !== true && (code === 'ENOENT' || /unrecognized option|invalid option|usage/i.test(stderr))) {
        available = false;
        return resolve(false);
      }
      const errno = /no space left|quota/i.test(stderr) ? 'ENOSPC' : 'EIO';
      reject(fsError(Object.assign(new Error(stderr.trim() || err.message), { code: errno }), path, 'making the stored blobs durable (sync --file-system)'));
    });
  });
}
