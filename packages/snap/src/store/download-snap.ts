import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AirlockError, digestsEqual, ensureDir, hashFileAlso, tempPathFor, type Digest, type ExportContext } from '@airlock/core';
import type { StoreSnap } from './refresh-answer.js';

export interface DownloadedSnap {
  path: string;
  digest: Digest;
  size: number;
  sha3: string;
}

/**
 * Downloads a .snap into the cache as `snap download` does (reusing a file of the same size and
 * SHA3-384): the fetcher stops at the store's size and computes the SHA3-384 beside the sha256 as
 * the bytes arrive, which is checked before the file takes its name, so a file in the cache has
 * always matched the store's digest.
 */
export async function downloadSnap(snap: StoreSnap, ctx: ExportContext): Promise<DownloadedSnap> {
  const dir = join(ctx.cacheDir, 'snaps');
  const path = join(dir, `${snap.name}_${snap.revision}.snap`);
  const label = `${snap.name}_${snap.revision}.snap`;
  const cached = await hashIfSized(path, snap.download.size);
  if (cached && digestsEqual(cached.sha3, snap.download.sha3)) return { path, ...cached };
  await ensureDir(dir);
  const tmp = tempPathFor(path);
  try {
    const fetched = await ctx.fetcher.download(snap.download.url, tmp, { expected: { size: snap.download.size }, label, alsoHash: ['sha3-384'] });
    const sha3 = fetched.also?.['sha3-384'];
    if (sha3 === undefined) throw new AirlockError('INTERNAL', `the fetcher did not compute the SHA3-384 of ${label} it was asked for`);
    const got = { digest: fetched.digest, size: fetched.size, sha3 };
    if (got.size !== snap.download.size) throw new AirlockError('SIZE_MISMATCH', `${label} has ${got.size} bytes, the store says ${snap.download.size}`);
    if (!digestsEqual(got.sha3, snap.download.sha3)) {
      throw new AirlockError('DIGEST_MISMATCH', `${label} from ${snap.download.url} has SHA3-384 ${got.sha3}, the store says ${snap.download.sha3}; the download was corrupted or tampered with`, {
        details: { snap: snap.name, expected: snap.download.sha3, actual: got.sha3 },
      });
    }
    await rename(tmp, path);
    return { path, ...got };
  } finally {
    await rm(tmp, { force: true });
  }
}

async function hashIfSized(path: string, size: number): Promise<Omit<DownloadedSnap, 'path'> | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile() || info.size !== size) return undefined;
  return hashes(path);
}

/** SHA3-384 (the store's and the assertion's digest) and sha256 (the bundle's) in one streaming pass. */
export async function hashes(path: string): Promise<{ digest: Digest; size: number; sha3: string }> {
  const { digest, size, hex } = await hashFileAlso(path, ['sha3-384']);
  return { digest, size, sha3: hex['sha3-384'] as string };
}
