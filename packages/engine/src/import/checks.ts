import { AirlockError, type Digest } from '@airlock/core';
import type { Manifest } from '@airlock/bundle';
import type { SiteState } from '@airlock/state';
import type { Vault } from '@airlock/vault';

/** Anti-rollback and anti-replay: a channel only moves forward, and an incremental needs its base. */
export function checkSequence(manifest: Manifest, manifestSha256: string, state: SiteState): void {
  const channel = state.channel(manifest.channel);
  const last = channel?.lastSequence ?? 0;
  if (manifest.sequence <= last) {
    const known = state.bundle(manifestSha256);
    const why = known?.status === 'published' ? 'this bundle was already imported and published' : `the site already published sequence ${last} on this channel`;
    throw new AirlockError('SEQUENCE_REPLAY', `refusing ${manifest.id}: ${why}; bundles on a channel are accepted only in increasing sequence (export a new bundle)`, {
      details: { channel: manifest.channel, sequence: manifest.sequence, lastSequence: last },
    });
  }
  if (manifest.base && last < manifest.base.sequence) {
    throw new AirlockError('BASE_MISSING', `${manifest.id} is incremental on ${manifest.base.id}, which this site has not imported (last sequence here: ${last}); import ${manifest.base.id} first, or export a full bundle (airlock export --full)`, {
      details: { channel: manifest.channel, base: manifest.base, lastSequence: last },
    });
  }
}

/** Before publishing: every blob the sources need (catalogs included) is in the vault. */
export async function checkBlobsPresent(manifest: Manifest, vault: Vault): Promise<void> {
  const needed = new Set<Digest>();
  for (const source of manifest.sources) {
    needed.add(source.catalog);
    for (const digest of source.requires) needed.add(digest);
  }
  const missing: Digest[] = [];
  for (const digest of needed) if (!(await vault.has(digest))) missing.push(digest);
  if (missing.length > 0) {
    throw new AirlockError('BLOB_MISSING', `${manifest.id} needs ${missing.length} blob(s) that are neither in the bundle nor in the vault (first: ${missing[0]}); import the bundles it builds on, or export a full bundle`, {
      details: { missing: missing.slice(0, 50) },
    });
  }
}
