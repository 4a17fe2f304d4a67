import { pathExists } from '@airlock/core';
import { SiteState, type PublicationSource } from '@airlock/state';
import type { AirlockHome } from '../home.js';
import { liveSources } from './live-sources.js';

/** One source of the live publication: its effective catalog, and the bundle and sequence it came from. */
export interface StatusSource {
  channel: string;
  type: string;
  name: string;
  /** The effective catalog digest (the driver's merge of history with the bundle's catalog, or that catalog). */
  catalog: string;
  bundleCatalog: string;
  bundle: string;
  sequence: number;
}

export interface SiteStatus {
  home: string;
  channels: Array<{ name: string; lastSequence: number; lastBundle: string | null; updatedAt: string | null }>;
  waiting: Array<{ id: string; channel: string; sequence: number; status: string; missing: string[] }>;
  publication: {
    snapshot: string;
    createdAt: string;
    bundles: number;
    sources: StatusSource[];
    /** Why the sources could not be listed (a publication from before effective catalogs whose stored manifest is unreadable). */
    sourcesError?: string;
  } | null;
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
      publication: publication ? { snapshot: publication.snapshot, createdAt: publication.createdAt, bundles: publication.bundles.length, ...(await sourcesOf(home, state)) } : null,
      trustedKeys: state.trustedKeys().length,
      vaultBlobs: state.blobCount(),
      siteKey: await pathExists(home.siteKey),
    };
  } finally {
    state.close();
  }
}

async function sourcesOf(home: AirlockHome, state: SiteState): Promise<{ sources: StatusSource[]; sourcesError?: string }> {
  let live: PublicationSource[];
  try {
    live = await liveSources(home, state);
  } catch (err) {
    return { sources: [], sourcesError: (err as Error).message };
  }
  return {
    sources: live.map((s) => ({ channel: s.channel, type: s.type, name: s.name, catalog: s.catalog, bundleCatalog: s.bundleCatalog, bundle: s.bundleId, sequence: s.sequence })),
  };
}
