import { AirlockError } from '@airlock/core';
import { SiteState } from '@airlock/state';
import { Snapshots } from '@airlock/vault';
import type { AirlockHome } from '../home.js';
import { withLock } from '../lock.js';

/** Points `current` back at the previous publication's snapshot. Channel sequences do not move back. */
export async function rollback(home: AirlockHome): Promise<{ from: string | null; to: string }> {
  return withLock(home.lock, 'rollback', async () => {
    const state = SiteState.open(home.stateDb);
    try {
      const current = state.currentPublication();
      const target = state.rollbackTarget();
      if (!target) throw new AirlockError('NO_PREVIOUS_PUBLICATION', 'there is no earlier publication to roll back to');
      const snapshots = new Snapshots(home.publish);
      if (!(await snapshots.list()).includes(target.snapshot)) {
        throw new AirlockError('NO_PREVIOUS_PUBLICATION', `the snapshot ${target.snapshot} of the previous publication is gone`);
      }
      await snapshots.switchTo(target.snapshot);
      state.setCurrent(target.id);
      state.logEvent('rollback', { from: current?.snapshot ?? null, to: target.snapshot });
      return { from: current?.snapshot ?? null, to: target.snapshot };
    } finally {
      state.close();
    }
  });
}
