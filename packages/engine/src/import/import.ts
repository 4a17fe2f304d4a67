import { dirname } from 'node:path';
import { AirlockError, failpoint, type Progress } from '@airlock/core';
import { readManifest, type VerifiedManifest } from '@airlock/bundle';
import { SiteState } from '@airlock/state';
import { Snapshots, Vault } from '@airlock/vault';
import { reportingDiskFull, type ImportProgressSoFar } from '../disk-full.js';
import { checkImportSpace } from '../preflight/preflight.js';
import type { AirlockHome } from '../home.js';
import { withLock } from '../lock.js';
import type { DriverRegistry } from '../registry.js';
import { bindChannelSigner } from '../site/channel-signers.js';
import { bundleKeyring, manifestVerifier } from '../site/keyring.js';
import { publishSite } from '../site/publish.js';
import { ensureSiteKey } from '../site-key.js';
import { storeManifest } from '../site/stored-bundles.js';
import { checkBlobsPresent, checkSequence } from './checks.js';
import { ingestVolumes, type VolumeOutcome } from './ingest.js';
import { presentVolumes, withReissues } from './volume-files.js';

export interface ImportOptions {
  home: AirlockHome;
  registry: DriverRegistry;
  /** A bundle directory, or the path of its manifest. */
  bundle: string;
  volumes?: string[];
  progress: Progress;
  now?: Date;
}

export interface ImportResult {
  id: string;
  channel: string;
  sequence: number;
  signer: string;
  status: 'published' | 'incomplete';
  volumes: VolumeOutcome[];
  missing: string[];
  blobsAdded: number;
  bytesAdded: number;
  publication: { snapshot: string; sources: number } | null;
}

/**
 * verify signature → channel signer → anti-replay → ingest the volumes at hand → when the bundle is whole, check
 * every needed blob, reverify, publish into a new snapshot and switch to it.
 */
export async function importBundle(options: ImportOptions): Promise<ImportResult> {
  const { home } = options;
  const at: ImportProgressSoFar = { vault: null, manifest: null };
  return withLock(home.lock, 'import', () => reportingDiskFull(home, at, async () => {
    const state = SiteState.open(home.stateDb);
    try {
      const verify = manifestVerifier(await bundleKeyring(state));
      const verified = await readManifest(options.bundle, verify, options.now ? { now: options.now } : {});
      const { manifest, sha256 } = verified;
      failpoint('import:after-verify');
      await bindChannelSigner(home, state, manifest, verified.signer, options.progress);
      at.manifest = manifest;
      checkSequence(manifest, sha256, state);
      state.upsertBundle({
        manifestSha256: sha256,
        id: manifest.id,
        channel: manifest.channel,
        sequence: manifest.sequence,
        baseSequence: manifest.base?.sequence ?? null,
        manifestPath: await storeManifest(home, verified),
        volumes: manifest.volumes.map((v) => ({ number: v.number, name: v.name })),
        signer: verified.signer,
      });
      failpoint('import:manifest-stored');
      const vault = new Vault(home.vault);
      at.vault = vault;
      await vault.init();
      const present = await withReissues(await presentVolumes(manifest, dirname(verified.path), options.volumes), verified, verify);
      await checkImportSpace({ home, manifest, manifestSha256: sha256, state, present });
      failpoint('import:after-space-check');
      const ingest = await ingestVolumes(manifest, sha256, present, state, vault, options.progress);
      const result = baseResult(verified, ingest, state);
      const failed = ingest.outcomes.find((o) => o.status === 'failed');
      if (failed) {
        throw new AirlockError(failed.code ?? 'VOLUME_CORRUPT', `${failed.name} was refused: ${failed.message}; nothing was published. Replace that volume (copy it again from the source media) and re-run the import`, {
          details: { ...result },
        });
      }
      if (result.missing.length > 0) return result;
      state.markBundleComplete(sha256);
      failpoint('import:complete-marked');
      await checkBlobsPresent(manifest, vault);
      const { signer } = await ensureSiteKey(home);
      const publication = await publishSite({
        home,
        state,
        vault,
        snapshots: new Snapshots(home.publish),
        registry: options.registry,
        signer,
        progress: options.progress,
        bundle: { manifest, sha256 },
      });
      return { ...result, status: 'published', publication };
    } finally {
      state.close();
    }
  }));
}

function baseResult(verified: VerifiedManifest, ingest: Awaited<ReturnType<typeof ingestVolumes>>, state: SiteState): ImportResult {
  const { manifest, sha256 } = verified;
  const missing = state.missingVolumes(sha256);
  // A volume the vault lost a part of is reported missing again, whatever this run did with it.
  const reopened = new Map(ingest.reopened.map((o) => [o.number, o]));
  const reported = ingest.outcomes.map((o) => reopened.get(o.number) ?? o);
  const seen = new Set(reported.map((o) => o.number));
  const outcomes = [
    ...reported,
    ...missing.filter((m) => !seen.has(m.number)).map((m): VolumeOutcome => reopened.get(m.number) ?? { number: m.number, name: m.name, status: 'missing' }),
  ].sort((a, b) => a.number - b.number);
  return {
    id: manifest.id,
    channel: manifest.channel,
    sequence: manifest.sequence,
    signer: verified.signer,
    status: 'incomplete',
    volumes: outcomes,
    missing: missing.map((m) => m.name),
    blobsAdded: ingest.blobsAdded,
    bytesAdded: ingest.bytesAdded,
    publication: null,
  };
}
