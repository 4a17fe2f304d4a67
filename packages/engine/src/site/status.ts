import { pathExists } from '@airlock/core';
import { SiteState } from '@airlock/state';
import type { AirlockHome } from '../home.js';

export interface SiteStatus {
  home: string;
  channels: Array<{ name: string; lastSequence: number; lastBundle: string | null; updatedAt: string | null }>;
  waiting: Array<{ id: string; channel: string; sequence: number; status: string; missing: string[] }>;
  publication: { snapshot: string; createdAt: string; bundles: number } | null;
  trustedKeys: number;
  vaultBlobs: number;
  siteKey: boolean;
}

export async function siteStatus(home: AirlockHome): Promise<SiteStatus> {
  const state = SiteState.open(home.stateDb);
  try {
    const publication = state.currentPublication();
    return {
      home: home.root,
      channels: state.channels().map((c) => ({ name: c.name, lastSequence: c.lastSequence, lastBundle: c.lastBundleId, updatedAt: c.updatedAt })),
      waiting: [...state.bundles({ status: 'pending' }), ...state.bundles({ status: 'complete' })].map((b) => ({
        id: b.id,
        channel: b.channel,
        sequence: b.sequence,
        status: b.status,
        missing: state.missingVolumes(b.manifestSha256).map((v) => v.name),
      })),
      publication: publication ? { snapshot: publication.snapshot, createdAt: publication.createdAt, bundles: publication.bundles.length } : null,
      trustedKeys: state.trustedKeys().length,
      vaultBlobs: state.blobCount(),
      siteKey: await pathExists(home.siteKey),
    };
  } finally {
    state.close();
  }
}
