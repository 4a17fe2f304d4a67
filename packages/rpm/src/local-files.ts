import type { LocalReference } from '@airlock/core';
import type { RpmSpec } from './types.js';

export function rpmLocalFiles(spec: RpmSpec, at: string): LocalReference[] {
  return spec.gpgkey.map((path, i) => ({ field: spec.gpgkey.length === 1 ? `${at}.gpgkey` : `${at}.gpgkey[${i}]`, path, kind: 'file', content: 'openpgp-public-keys' }));
}
