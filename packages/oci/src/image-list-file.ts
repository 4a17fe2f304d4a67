import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { FieldProblem } from '@airlock/core';

/** An image list is a few hundred lines at most; anything far larger is not one. */
export const IMAGE_LIST_MAX_BYTES = 1 << 20;

export interface ListedImage {
  text: string;
  /** Where the reference came from, for messages: `images.fromFile line 3`. */
  at: string;
}

/**
 * Reads an image list file as `kubeadm config images list` prints it: one reference per line.
 * Blank lines and `#` comments are skipped. Read synchronously while the config is validated, so
 * `airlock config check` reports a bad line with every other problem.
 */
export function readImageList(raw: unknown, at: string, configDir: string, problems: FieldProblem[]): { path: string; images: ListedImage[] } | undefined {
  if (typeof raw !== 'string' || raw === '' || raw.includes('\0')) {
    problems.push({ path: at, message: 'must be the path of an image list file (one reference per line, as `kubeadm config images list` prints)' });
    return undefined;
  }
  const path = raw.startsWith('~/') ? resolve(homedir(), raw.slice(2)) : resolve(configDir, raw);
  let text: string;
  try {
    text = readBounded(path);
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    problems.push({ path: at, message: missing ? `${path} does not exist` : `cannot read ${path}: ${(err as Error).message}` });
    return undefined;
  }
  const images: ListedImage[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const reference = line.replace(/#.*$/, '').trim();
    if (reference !== '') images.push({ text: reference, at: `${at} (${path} line ${i + 1})` });
  });
  if (images.length === 0) problems.push({ path: at, message: `${path} lists no image` });
  return { path, images };
}

function readBounded(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new Error('not a regular file');
    if (stat.size > IMAGE_LIST_MAX_BYTES) throw new Error(`larger than ${IMAGE_LIST_MAX_BYTES} bytes, not an image list`);
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, buffer, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
