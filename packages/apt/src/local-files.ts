import type { LocalReference } from '@airlock/core';
import type { AptSpec } from './types.js';

export function aptLocalFiles(spec: AptSpec, at: string): LocalReference[] {
  return [{ field: `${at}.keyring`, path: spec.keyring, kind: 'file', content: 'openpgp-public-keys' }];
}
