import { canonicalJson, writeFileAtomic, type Digest } from '@airlock/core';
import { SiteState } from '@airlock/state';
import { Vault } from '@airlock/vault';
import type { AirlockHome } from '../home.js';
import { withLock } from '../lock.js';
import { ensureSiteKey } from '../site-key.js';
import { reconcileBlobIndex } from './reconcile-index.js';

export const RECEIPT_FORMAT = 'airlock-receipt';

export interface Receipt {
  format: typeof RECEIPT_FORMAT;
  version: 1;
  createdAt: string;
  site: { fingerprint: string };
  channels: Array<{ channel: string; sequence: number; bundle: string | null }>;
  blobs: Array<{ digest: Digest; size: number }>;
}

/**
 * A signed statement of what this site holds (each channel's last published sequence and every
 * vault blob). Carried back to the exporter, it lets the next export ship exactly what is missing.
 */
export async function writeReceipt(home: AirlockHome, outPath: string, now = new Date()): Promise<{ path: string; channels: number; blobs: number }> {
  return withLock(home.lock, 'receipt', async () => {
    const { signer } = await ensureSiteKey(home);
    const state = SiteState.open(home.stateDb);
    try {
      await reconcileBlobIndex(state, new Vault(home.vault));
      const receipt: Receipt = {
        format: RECEIPT_FORMAT,
        version: 1,
        createdAt: now.toISOString(),
        site: { fingerprint: signer.fingerprint },
        channels: state.channels().map((c) => ({ channel: c.name, sequence: c.lastSequence, bundle: c.lastBundleId })),
        blobs: [...state.indexedBlobs()],
      };
      const bytes = Buffer.from(canonicalJson(receipt));
      await writeFileAtomic(`${outPath}.asc`, await signer.signDetachedArmored(bytes));
      await writeFileAtomic(outPath, bytes);
      return { path: outPath, channels: receipt.channels.length, blobs: receipt.blobs.length };
    } finally {
      state.close();
    }
  });
}
