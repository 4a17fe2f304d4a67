import type { LocalReference } from '@airlock/core';
import type { SimplestreamsSpec } from './types.js';

/** The stream keyring and each custom image's tarball and package list. */
export function simplestreamsLocalFiles(spec: SimplestreamsSpec, at: string): LocalReference[] {
  const refs: LocalReference[] = [];
  if (spec.keyring !== undefined) refs.push({ field: `${at}.keyring`, path: spec.keyring, kind: 'file', content: 'openpgp-public-keys' });
  spec.custom.forEach((image, i) => {
    refs.push({ field: `${at}.custom[${i}].file`, path: image.file, kind: 'file' });
    if (image.manifest !== undefined) refs.push({ field: `${at}.custom[${i}].manifest`, path: image.manifest, kind: 'file' });
  });
  return refs;
}
