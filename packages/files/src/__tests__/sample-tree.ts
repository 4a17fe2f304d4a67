import { chmod, mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A fixed time so tests can restore a file's mtime exactly (the digest cache keys on it). */
export const FIXED_TIME = new Date('2024-01-02T03:04:05Z');

/**
 * Builds a tree with nested and empty directories, empty and unicode-named files, an executable,
 * symlinks inside and outside the tree. Returns the files' contents by relative path.
 */
export async function buildSampleTree(root: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {
    'a.txt': 'hello\n',
    'empty.txt': '',
    'Grüße/naïve file.txt': 'unicode content ✓\n',
    'nested/deep/er/x.bin': 'x'.repeat(10_000),
    'bin/tool': '#!/bin/sh\necho tool\n',
  };
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), content);
    await chmod(join(root, path), 0o644);
    await utimes(join(root, path), FIXED_TIME, FIXED_TIME);
  }
  await chmod(join(root, 'bin/tool'), 0o755);
  await mkdir(join(root, 'emptydir'));
  await chmod(join(root, 'emptydir'), 0o750);
  for (const dir of ['Grüße', 'nested', 'nested/deep', 'nested/deep/er', 'bin']) await chmod(join(root, dir), 0o755);
  await symlink('a.txt', join(root, 'link-in'));
  await symlink('../../a.txt', join(root, 'nested/deep/link-up'));
  await symlink('../outside.txt', join(root, 'link-out'));
  await symlink('/etc/passwd', join(root, 'link-abs'));
  return files;
}
