import { statfsSync, type StatsFs } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AirlockError, isAirlockError, isNoSpace } from './errors.js';
import { formatSize } from './size.js';

/**
 * A failure of the local filesystem while airlock writes its own files (vault, staging, state,
 * bundle volumes): DISK_FULL for a full disk or quota, IO_ERROR otherwise, naming the path.
 * Marked `local`, so it is never mistaken for a fault of the input being read.
 */
export function fsError(err: unknown, path: string, what: string): AirlockError {
  if (isAirlockError(err)) return err;
  const reason = err instanceof Error ? err.message : String(err);
  const details = { path, local: true, errno: (err as { code?: unknown } | null)?.code ?? null };
  if (isNoSpace(err)) return new AirlockError('DISK_FULL', `no space left for ${path} while ${what} (${reason})`, { cause: err, details });
  return new AirlockError('IO_ERROR', `I/O error on ${path} while ${what} (${reason}); check that the filesystem is healthy and writable, then run the command again`, { cause: err, details });
}

/**
 * A raw Node filesystem error (errno code and syscall) that escaped typing, as fsError would type
 * it, naming the path it carries or `fallback`; anything else is returned unchanged.
 */
export function typedFsError(err: unknown, fallback: string, what: string): unknown {
  const e = err as { code?: unknown; syscall?: unknown; path?: unknown } | null;
  if (isAirlockError(err) || typeof e?.code !== 'string' || typeof e.syscall !== 'string') return err;
  return fsError(err, typeof e.path === 'string' ? e.path : fallback, what);
}

/** True for errors of the site's own disk (see fsError), which end a run instead of failing one input. */
export function isLocalFailure(err: unknown): boolean {
  return isAirlockError(err) && (err.code === 'DISK_FULL' || err.details?.local === true);
}

/** "1.2 MiB free of 8.0 MiB on the filesystem holding DIR", or null when it cannot be told. */
export async function spaceReport(path: string): Promise<string | null> {
  for (let dir = path; ; dir = dirname(dir)) {
    try {
      return describeSpace(await statfs(dir), dir);
    } catch {
      if (dirname(dir) === dir) return null;
    }
  }
}

/** spaceReport for synchronous callers (the SQLite layer). */
export function spaceReportSync(path: string): { text: string; low: boolean } | null {
  for (let dir = path; ; dir = dirname(dir)) {
    try {
      const fs = statfsSync(dir);
      return { text: describeSpace(fs, dir), low: fs.bavail * fs.bsize < 1 << 20 || lowOnInodes(fs) };
    } catch {
      if (dirname(dir) === dir) return null;
    }
  }
}

/** Out of inodes is "disk full" too, with plenty of bytes free. */
function lowOnInodes(fs: StatsFs): boolean {
  return fs.files > 0 && fs.ffree < Math.max(100, fs.files / 20);
}

function describeSpace(fs: StatsFs, dir: string): string {
  const inodes = lowOnInodes(fs) ? ` and ${fs.ffree} of ${fs.files} inodes` : '';
  return `${formatSize(fs.bavail * fs.bsize)} free of ${formatSize(fs.blocks * fs.bsize)}${inodes} on the filesystem holding ${dir}`;
}
