import type { LocalReference } from '@airlock/core';
import type { FilesSpec } from './types.js';

export function filesLocalFiles(spec: FilesSpec, at: string): LocalReference[] {
  return spec.path.map((path, i) => ({ field: spec.path.length === 1 ? `${at}.path` : `${at}.path[${i}]`, path, kind: 'file-or-directory' }));
}
