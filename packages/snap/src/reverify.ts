import { createHash } from 'node:crypto';
import { AirlockError, digestsEqual, type ImportContext } from '@airlock/core';
import { AssertionChain } from './assertions/chain.js';
import { readAssertion } from './assertions/model.js';
import { SNAP_ROOT_KIND, siteRoots } from './assertions/roots.js';
import { crossCheckSnap } from './assertions/snap-check.js';
import { timeFromDate } from './assertions/time.js';
import { parseSnapCatalog } from './parse-catalog.js';
import type { CatalogRevision, SnapCatalog } from './types.js';

/** The catalog's assertions verified against the roots this site trusts (never keys the catalog brings). */
export async function siteChain(catalog: SnapCatalog, ctx: ImportContext): Promise<AssertionChain> {
  const roots = siteRoots(await ctx.upstream.anchors(SNAP_ROOT_KIND));
  const assertions = catalog.assertions.map((text, i) => readAssertion(text, `snap/${ctx.sourceName} assertion #${i + 1}`));
  return new AssertionChain(roots, assertions, timeFromDate(new Date()));
}

/**
 * Offline: every revision's chain verifies against the site's roots (the built-in Canonical root
 * plus the snap roots added with `airlock trust add`), and every .snap in the vault has the
 * SHA3-384 and size its signed snap-revision names.
 */
export async function reverifySnap(raw: SnapCatalog, ctx: ImportContext): Promise<void> {
  const catalog = parseSnapCatalog(raw);
  const chain = await siteChain(catalog, ctx);
  const task = ctx.progress.task(`reverify snap/${ctx.sourceName}`, catalog.revisions.reduce((n, r) => n + r.size, 0), 'bytes');
  try {
    for (const revision of catalog.revisions) {
      const { sha3, size } = await vaultSha3(revision, ctx, (n) => task.advance(n));
      if (!digestsEqual(sha3, revision.sha3)) {
        throw new AirlockError('DIGEST_MISMATCH', `snap/${ctx.sourceName}: ${revision.name}_${revision.revision}.snap has SHA3-384 ${sha3}, the catalog says ${revision.sha3}`, { details: { snap: revision.name } });
      }
      crossCheckSnap(chain, { name: revision.name, snapId: revision.snapId, revision: revision.revision, sha3Hex: sha3, size });
      const declaration = chain.declaration(revision.snapId, revision.name);
      if (declaration.publisherId !== revision.publisher.id) {
        throw new AirlockError('UPSTREAM_INVALID', `snap/${ctx.sourceName}: ${revision.name} names publisher ${revision.publisher.id}, its signed declaration ${declaration.publisherId}`);
      }
    }
  } finally {
    task.done();
  }
}

async function vaultSha3(revision: CatalogRevision, ctx: ImportContext, onBytes: (n: number) => void): Promise<{ sha3: string; size: number }> {
  if (!(await ctx.vault.has(revision.digest))) {
    throw new AirlockError('BLOB_MISSING', `snap/${ctx.sourceName}: ${revision.name}_${revision.revision}.snap (${revision.digest}) is not in the vault; import the bundle that carries it`, { details: { digest: revision.digest } });
  }
  const hash = createHash('sha3-384');
  let size = 0;
  for await (const chunk of await ctx.vault.open(revision.digest)) {
    const buf = chunk as Buffer;
    size += buf.length;
    hash.update(buf);
    onBytes(buf.length);
  }
  return { sha3: hash.digest('hex'), size };
}
