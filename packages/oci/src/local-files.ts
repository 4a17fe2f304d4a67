import type { LocalReference } from '@airlock/core';
import type { OciSpec } from './types.js';

/** Local layouts and archives, and the registry auth file. */
export function ociLocalFiles(spec: OciSpec, at: string): LocalReference[] {
  const refs: LocalReference[] = [];
  spec.images.forEach((image, i) => {
    const field = image.field ?? `${at}.images[${i}]`;
    if (image.kind === 'oci-layout') refs.push({ field, path: image.location, kind: 'directory' });
    if (image.kind === 'docker-archive') refs.push({ field, path: image.location, kind: 'file' });
  });
  for (const list of spec.imageLists ?? []) refs.push({ field: list.field, path: list.path, kind: 'file' });
  if (spec.authFile !== undefined) refs.push({ field: `${at}.auth.file`, path: spec.authFile, kind: 'file' });
  return refs;
}
