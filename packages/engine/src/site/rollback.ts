import { AirlockError } from '@airlock/core';
import { SiteState, type Publication } from '@airlock/state';
import { PUBLICATION_RECORD, Snapshots } from '@airlock/vault';
import { failpoint } from '../failpoint.js';
import type { AirlockHome } from '../home.js';
import { withLock } from '../lock.js';

/**
 * Points `current` back at the publication the live one replaced, with its effective catalogs:
 * the next import builds on what is then live. Channel sequences do not move back. The state
 * decides what is current; a crash between the switch and recording it is finished by re-running.
 */
export async function rollback(home: AirlockHome): Promise<{ from: string | null; to: string }> {
  return withLock(home.lock, 'rollback', async () => {
    const state = SiteState.open(home.stateDb);
    try {
      const snapshots = new Snapshots(home.publish);
      await snapshots.cleanStaging();
      const current = state.currentPublication();
      const target = state.rollbackTarget();
      if (!target) throw new AirlockError('NO_PREVIOUS_PUBLICATION', 'there is no earlier publication to roll back to');
      await requireWhole(state, snapshots, target);
      failpoint('rollback:before-switch');
      await snapshots.switchTo(target.snapshot);
      failpoint('rollback:after-switch');
      state.setCurrent(target.id);
      state.logEvent('rollback', { from: current?.snapshot ?? null, to: target.snapshot });
      return { from: current?.snapshot ?? null, to: target.snapshot };
    } finally {
      state.close();
    }
  });
}

/**
 * Only a snapshot that was built to the end (its publication record is written last) may go
 * live again. One that is gone or incomplete can never be made live, so it is retired: the
 * operator's next rollback goes on to the publication before it.
 */
async function requireWhole(state: SiteState, snapshots: Snapshots, target: Publication): Promise<void> {
  const present = (await snapshots.list()).includes(target.snapshot);
  if (present && (await snapshots.isWhole(target.snapshot))) return;
  const why = present ? `has no ${PUBLICATION_RECORD}, so it is not a whole publication` : 'is gone';
  state.retire(target.id);
  state.logEvent('rollback-refused', { snapshot: target.snapshot, reason: why });
  throw new AirlockError('NO_PREVIOUS_PUBLICATION', `the snapshot ${target.snapshot} of the previous publication ${why}; it was retired and the current publication is unchanged. Run airlock rollback again to go back to the publication before it`, {
    details: { snapshot: target.snapshot, publication: target.id },
  });
}
