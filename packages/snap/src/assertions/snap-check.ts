import { AirlockError } from '@airlock/core';
import { sha3HexToBase64Url } from './base64.js';
import type { AssertionChain } from './chain.js';
import type { Assertion, SnapRevision } from './model.js';

export interface SnapFileFacts {
  name: string;
  snapId: string;
  revision: number;
  /** Lowercase hex SHA3-384 of the file, as hashed while it streamed. */
  sha3Hex: string;
  size: number;
}

/**
 * snapasserts.CrossCheck: the file's digest names a snap-revision that verifies, whose size,
 * snap-id and revision are the file's, and whose declaration still carries the snap's name.
 * Returns the assertions to publish with the snap, in `snap download` order.
 */
export function crossCheckSnap(chain: AssertionChain, f: SnapFileFacts): Assertion[] {
  const label = `${f.name} revision ${f.revision}`;
  const sha3 = sha3HexToBase64Url(f.sha3Hex);
  const found = chain.find(`snap-revision/${sha3}`);
  if (!found || found.type !== 'snap-revision') {
    throw new AirlockError('DIGEST_MISMATCH', `${label}: no carried snap-revision assertion has the file's SHA3-384 ${sha3}; the file is not the one the store signed`, { details: { snap: f.name, sha3 } });
  }
  const revision: SnapRevision = found;
  chain.verify(revision);
  if (revision.snapSize !== f.size) {
    throw new AirlockError('SIZE_MISMATCH', `${label}: the file has ${f.size} bytes, its snap-revision assertion says ${revision.snapSize}`, { details: { snap: f.name, expected: revision.snapSize, actual: f.size } });
  }
  if (revision.snapId !== f.snapId || revision.snapRevision !== f.revision) {
    throw new AirlockError('UPSTREAM_INVALID', `${label}: its snap-revision assertion is for snap-id ${revision.snapId} revision ${revision.snapRevision}, not ${f.snapId} revision ${f.revision}`, { details: { snap: f.name } });
  }
  const declaration = chain.declaration(revision.snapId, revision.label);
  if (declaration.snapName === '') throw new AirlockError('UPSTREAM_INVALID', `${label}: the store revoked snap-id ${revision.snapId} (its snap-declaration has no name)`);
  if (declaration.snapName !== f.name) {
    throw new AirlockError('UPSTREAM_INVALID', `${label}: snap-id ${revision.snapId} is declared as ${declaration.snapName}, not ${f.name}`, { details: { snap: f.name, declared: declaration.snapName } });
  }
  return chain.chainOf(revision);
}
