import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AirlockError, asAirlockError, digestsEqual, readFileLimited, sha256Hex, writeFileAtomic } from '@airlock/core';
import { MAX_MANIFEST_BYTES, MAX_SIGNATURE_BYTES, SIGNATURE_SUFFIX, manifestFileName, verifyManifestBytes, type Manifest, type VerifiedManifest, type VerifyDetached } from '@airlock/bundle';
import type { AirlockHome } from '../home.js';

/**
 * Keeps exactly the bytes and signature that verified (never a second read of the media, which
 * may return other bytes), so volumes can arrive later and the site keeps a signed record of
 * every bundle. Each file is written to a temp name, fsynced and renamed. Returns the path
 * relative to the home, which is what the state records.
 */
export async function storeManifest(home: AirlockHome, verified: VerifiedManifest): Promise<string> {
  const { manifest, sha256 } = verified;
  const target = join(home.bundles, `${manifest.id}-${sha256.slice(0, 12)}`, manifestFileName(manifest.id));
  await writeFileAtomic(`${target}${SIGNATURE_SUFFIX}`, verified.signature);
  await writeFileAtomic(target, verified.bytes);
  return relative(home.root, target).split(sep).join('/');
}

/**
 * Reads back a manifest this site stored: the bytes must be the ones recorded (sha256) and their
 * signature must still verify with the site's trusted keys. Expiry is not checked again: the
 * bundle was valid when it was imported.
 */
export async function loadStoredManifest(
  home: AirlockHome,
  row: { id: string; manifestPath: string; manifestSha256: string },
  verify: VerifyDetached,
): Promise<Manifest> {
  const path = inHome(home, row.manifestPath);
  const restore = `restore ${basename(path)} and its ${SIGNATURE_SUFFIX} from the media of bundle ${row.id} into ${path} (the site checks them against what it recorded), then re-run`;
  const bytes = await readFileLimited(path, MAX_MANIFEST_BYTES, `the stored manifest of ${row.id}`).catch((err: unknown) => {
    throw new AirlockError('STATE_ERROR', `the stored manifest of ${row.id} cannot be read (${(err as Error).message}); ${restore}`, { cause: err });
  });
  if (!digestsEqual(sha256Hex(bytes), row.manifestSha256)) {
    throw new AirlockError('DIGEST_MISMATCH', `the stored manifest of ${row.id} is not the one this site verified (sha256 ${row.manifestSha256}); ${restore}`, {
      details: { bundle: row.id, path, expected: row.manifestSha256 },
    });
  }
  const signature = await readFileLimited(`${path}${SIGNATURE_SUFFIX}`, MAX_SIGNATURE_BYTES, `the stored signature of ${row.id}`).catch((err: unknown) => {
    throw new AirlockError('SIGNATURE_MISSING', `the stored signature of ${row.id} cannot be read (${(err as Error).message}); ${restore}`, { cause: err });
  });
  try {
    return (await verifyManifestBytes({ bytes, signature, name: basename(path) }, verify, { now: null })).manifest;
  } catch (err) {
    const e = asAirlockError(err, 'SIGNATURE_INVALID', 'verification failed');
    throw new AirlockError(e.code, `the stored manifest of ${row.id} no longer verifies: ${e.message} (if its exporter key was removed from the trust store, add it back)`, { cause: err });
  }
}

/** A home-relative path from the state, resolved; anything that would leave the home is refused. */
function inHome(home: AirlockHome, stored: string): string {
  const path = resolve(home.root, stored);
  const rel = relative(home.root, path);
  if (isAbsolute(stored) || rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new AirlockError('STATE_ERROR', `the state records the stored manifest path ${JSON.stringify(stored)}, which is not inside the home ${home.root}`);
  }
  return path;
}
