import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { manifestFile } from '../../support/bundle-files.js';

export interface BundleManifest {
  blobs: Array<{ digest: string; size: number; parts?: Array<{ index: number; digest: string; size: number }> }>;
  volumes: Array<{ number: number; name: string; entries: Array<{ digest: string; part?: number }> }>;
}

export async function readBundleManifest(bundleDir: string): Promise<BundleManifest> {
  return JSON.parse(await readFile(await manifestFile(bundleDir), 'utf8')) as BundleManifest;
}

/** The split blob of a bundle (the fixture payload has exactly one file larger than a volume). */
export function splitBlob(m: BundleManifest): { digest: string; parts: Array<{ index: number; digest: string; size: number }> } {
  const blob = m.blobs.find((b) => b.parts);
  if (!blob?.parts) throw new Error('the bundle has no split blob; use a volume size smaller than the big file');
  return { digest: blob.digest, parts: blob.parts };
}

/** The volume that carries part `index` of `blob`. */
export function volumeCarrying(m: BundleManifest, blob: string, index: number): string {
  const volume = m.volumes.find((v) => v.entries.some((e) => e.digest === blob && e.part === index));
  if (!volume) throw new Error(`no volume carries part ${index} of ${blob}`);
  return volume.name;
}

/** Every blob digest stored in a site's vault, read from the directory itself. */
export async function vaultDigests(siteHome: string): Promise<string[]> {
  const root = join(siteHome, 'vault', 'sha256');
  const digests: string[] = [];
  for (const prefix of await readdir(root).catch(() => [])) {
    for (const hex of await readdir(join(root, prefix))) digests.push(`sha256:${hex}`);
  }
  return digests.sort();
}
