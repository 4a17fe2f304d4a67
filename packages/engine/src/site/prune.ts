import type { SiteState } from '@airlock/state';
import type { Snapshots } from '@airlock/vault';
import { failpoint } from '../failpoint.js';

/** How many times in a row `airlock rollback` can go back: the snapshots those reach are kept. */
export const ROLLBACK_STEPS = 2;

/**
 * Keeps the current publication and what successive rollbacks from it reach; everything else
 * goes, snapshots a crash left unrecorded included. Order matters for crashes: a publication is
 * retired first (no rollback picks it any more), then its snapshot leaves snapshots/ in one
 * rename, and only then is it deleted; an interrupted delete is finished by the next sweep.
 */
export async function pruneSnapshots(state: SiteState, snapshots: Snapshots): Promise<void> {
  const keep = new Set(state.rollbackChain(ROLLBACK_STEPS).map((p) => p.snapshot));
  const live = await snapshots.currentId();
  if (live !== null) keep.add(live);
  for (const publication of state.publications()) {
    if (publication.status !== 'retired' && !keep.has(publication.snapshot)) state.retire(publication.id);
  }
  failpoint('prune:after-retire');
  for (const id of await snapshots.list()) {
    if (keep.has(id)) continue;
    const trashed = await snapshots.trash(id);
    failpoint('prune:after-trash-rename');
    await snapshots.deleteTrashed(trashed, () => failpoint('prune:mid-delete'));
  }
}
