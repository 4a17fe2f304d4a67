import { readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { AirlockError } from '@airlock/core';
import type { Manifest, ManifestVolume } from '@airlock/bundle';

export interface PresentVolume {
  volume: ManifestVolume;
  path: string;
}

/**
 * The volumes of `manifest` that are at hand: the ones named with --volume, or every one found in
 * the bundle directory. A named file that is not a volume of this bundle is refused.
 */
export async function presentVolumes(manifest: Manifest, dir: string, only: string[] = []): Promise<PresentVolume[]> {
  const byName = new Map(manifest.volumes.map((v) => [v.name, v]));
  if (only.length > 0) {
    return only.map((file) => {
      const volume = byName.get(basename(file));
      if (!volume) throw new AirlockError('VOLUME_UNKNOWN', `${file} is not a volume of bundle ${manifest.id}; its volumes are named ${manifest.id}.vol-NNNN`);
      return { volume, path: resolve(file) };
    });
  }
  const names = new Set(await readdir(dir));
  return manifest.volumes.filter((v) => names.has(v.name)).map((volume) => ({ volume, path: join(dir, volume.name) }));
}
