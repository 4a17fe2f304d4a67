import type { LocalReference } from '@airlock/core';
import type { SnapSpec } from './types.js';

export function snapLocalFiles(spec: SnapSpec, at: string): LocalReference[] {
  return spec.trustedRoots === undefined ? [] : [{ field: `${at}.trustedRoots`, path: spec.trustedRoots, kind: 'file' }];
}
