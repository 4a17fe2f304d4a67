import type { Digest } from '@airlock/core';
import type { SiteState } from '@airlock/state';
import type { Vault } from '@airlock/vault';

/**
 * Makes the state's blob index say exactly what the vault holds. Ingest indexes blobs with the
 * volume that brought them, so a crash can leave stored blobs unindexed until that volume is read
 * again; a receipt must neither miss them nor claim a blob that is gone. One directory walk.
 */
export async function reconcileBlobIndex(state: SiteState, vault: Vault): Promise<{ added: number; removed: number }> {
  const stored = await vault.list();
  const indexed = new Set<Digest>();
  for (const { digest } of state.indexedBlobs()) indexed.add(digest);
  const unindexed: Array<{ digest: Digest; size: number }> = [];
  for (const digest of stored) {
    if (!indexed.delete(digest)) unindexed.push({ digest, size: await vault.sizeOf(digest) });
  }
  const gone = [...indexed];
  const added = unindexed.length > 0 ? state.recordBlobs(unindexed) : 0;
  const removed = gone.length > 0 ? state.forgetBlobs(gone) : 0;
  if (added > 0 || removed > 0) state.logEvent('vault-index-reconciled', { added, removed, firstGone: gone.slice(0, 10) });
  return { added, removed };
}
