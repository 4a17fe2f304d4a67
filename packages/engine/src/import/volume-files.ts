import { readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { AirlockError, isAirlockError, isLocalFailure } from '@airlock/core';
import { volumeAsIssued, type Manifest, type ManifestVolume, type VerifiedManifest, type VerifyDetached } from '@airlock/bundle';

export interface PresentVolume {
  /** As the manifest describes it, or as a valid reissue statement beside the file does. */
  volume: ManifestVolume;
  path: string;
  /** A reissue statement beside the file that was refused: the volume fails with this error. */
  refused?: AirlockError;
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

/**
 * Applies the reissue statements found beside present volumes (see volumeAsIssued): a valid one
 * replaces the file size and sha256 the volume is checked against; a bad one fails that volume
 * only, as a damaged file would.
 */
export async function withReissues(present: PresentVolume[], verified: VerifiedManifest, verify: VerifyDetached): Promise<PresentVolume[]> {
  const out: PresentVolume[] = [];
  for (const p of present) {
    try {
      out.push({ ...p, volume: await volumeAsIssued(dirname(p.path), verified.manifest, verified.sha256, verified.signer, p.volume, verify) });
    } catch (err) {
      if (!isAirlockError(err) || isLocalFailure(err)) throw err;
      out.push({ ...p, refused: err });
    }
  }
  return out;
}
