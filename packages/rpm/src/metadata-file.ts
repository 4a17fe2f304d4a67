import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { AirlockError, digestsEqual, type Digest } from '@airlock/core';
import { nodeHashName, type RepomdEntry } from './repomd.js';

/** Hashes a stream with repomd's checksum type and sha256 in one pass. */
export async function hashBoth(input: AsyncIterable<Buffer>, checksumType: string): Promise<{ checksum: string; digest: Digest; size: number }> {
  const upstream = createHash(nodeHashName(checksumType));
  const sha256 = createHash('sha256');
  let size = 0;
  for await (const chunk of input) {
    upstream.update(chunk);
    sha256.update(chunk);
    size += chunk.length;
  }
  return { checksum: upstream.digest('hex'), digest: `sha256:${sha256.digest('hex')}`, size };
}

/** Checks a metadata file's bytes against its repomd.xml entry (checksum and, when given, size). */
export async function checkAgainstRepomd(input: AsyncIterable<Buffer>, entry: RepomdEntry): Promise<{ digest: Digest; size: number }> {
  const { checksum, digest, size } = await hashBoth(input, entry.checksumType);
  if (!digestsEqual(checksum, entry.checksum)) {
    throw new AirlockError('DIGEST_MISMATCH', `${entry.href} has ${entry.checksumType} ${checksum}, but repomd.xml says ${entry.checksum}: the metadata was altered or the mirror is inconsistent`, {
      details: { href: entry.href, expected: entry.checksum, actual: checksum },
    });
  }
  if (entry.size !== undefined && entry.size !== size) {
    throw new AirlockError('SIZE_MISMATCH', `${entry.href} has ${size} bytes, but repomd.xml says ${entry.size}`, { details: { href: entry.href } });
  }
  return { digest, size };
}

export function checkFileAgainstRepomd(path: string, entry: RepomdEntry): Promise<{ digest: Digest; size: number }> {
  return checkAgainstRepomd(createReadStream(path), entry);
}

/** Upstream metadata types carried through to the site besides primary (comps, updateinfo, modules). */
export function isCarriedExtra(type: string): boolean {
  return /^(group|updateinfo|modules)(_gz|_xz|_zst)?$/.test(type);
}
