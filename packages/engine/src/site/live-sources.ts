import { AirlockError } from '@airlock/core';
import type { Publication, PublicationSource, SiteState } from '@airlock/state';
import type { AirlockHome } from '../home.js';
import { bundleKeyring, manifestVerifier } from './keyring.js';
import { loadStoredManifest } from './stored-bundles.js';

/**
 * The sources of the current publication with their effective catalogs: what is live, and so
 * what a new publication starts from (also right after a rollback). They come from the state;
 * only a publication recorded before effective catalogs were kept falls back to its bundles'
 * stored manifests, each checked against its recorded sha256 and signature.
 */
export async function liveSources(home: AirlockHome, state: SiteState): Promise<PublicationSource[]> {
  const current = state.currentPublication();
  if (current === null) return [];
  if (current.sourcesRecorded) return state.publicationSources(current.id);
  return legacySources(home, state, current);
}

async function legacySources(home: AirlockHome, state: SiteState, publication: Publication): Promise<PublicationSource[]> {
  const verify = manifestVerifier(await bundleKeyring(state));
  const sources: PublicationSource[] = [];
  for (const sha256 of publication.bundles) {
    const row = state.bundle(sha256);
    if (row === null) throw new AirlockError('STATE_ERROR', `the current publication ${publication.snapshot} names bundle ${sha256}, which the state does not hold; the state database is damaged`);
    const manifest = await loadStoredManifest(home, row, verify);
    for (const s of manifest.sources) {
      sources.push({ channel: manifest.channel, type: s.type, name: s.name, catalog: s.catalog, bundleCatalog: s.catalog, manifestSha256: sha256, bundleId: manifest.id, sequence: manifest.sequence });
    }
  }
  return sources;
}
