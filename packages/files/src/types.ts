import type { Digest } from '@airlock/core';

/** One URL source after validation; `path` is where the file lands in the published tree. */
export interface FilesUrlSource {
  url: string;
  sha256?: Digest;
  path: string;
}

/**
 * A validated `files` config entry. In the config, `path` may be one string or a list and `urls`
 * items may be bare strings; here both are lists, paths are absolute and every URL has a target path.
 */
export interface FilesSpec {
  type: 'files';
  name: string;
  path: string[];
  urls: FilesUrlSource[];
}

export interface FileEntry {
  path: string;
  type: 'file';
  digest: Digest;
  size: number;
  mode: number;
}

export interface DirEntry {
  path: string;
  type: 'dir';
  mode: number;
}

export interface SymlinkEntry {
  path: string;
  type: 'symlink';
  target: string;
}

export type FilesEntry = FileEntry | DirEntry | SymlinkEntry;

/** The source's full desired tree. Paths are relative POSIX paths, sorted, unique. */
export interface FilesCatalog {
  version: 1;
  entries: FilesEntry[];
}
