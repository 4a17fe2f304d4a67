import { join } from 'node:path';
import { AirlockError, asAirlockError, canonicalJson, writeFileAtomic, type Progress, type Signer } from '@airlock/core';
import { validateManifest, type Manifest } from '@airlock/bundle';
import type { SiteState } from '@airlock/state';
import type { Snapshots, Vault } from '@airlock/vault';
import { failpoint } from '../failpoint.js';
import type { DriverRegistry } from '../registry.js';
import { loadStoredManifest } from './stored-bundles.js';
import { sourceUpstreamTrust, type SourceUpstreamTrust } from './upstream-trust.js';

const CATALOG_LIMIT = 512 << 20;
const KEEP_SNAPSHOTS = 3;

export interface PublishInputs {
  state: SiteState;
  vault: Vault;
  snapshots: Snapshots;
  registry: DriverRegistry;
  signer: Signer;
  progress: Progress;
  /** The bundle being published now, with its manifest sha256. */
  bundle: { manifest: Manifest; sha256: string };
}

interface PlannedSource {
  channel: string;
  type: string;
  name: string;
  catalog: unknown;
  upstream: SourceUpstreamTrust;
}

/**
 * Builds a complete new snapshot (every channel's current sources), then switches `current` to it.
 * Every catalog is parsed and every driver's reverify passes before anything is written; a crash
 * anywhere before the switch leaves the live publication untouched.
 */
export async function publishSite(inputs: PublishInputs): Promise<{ snapshot: string; sources: number }> {
  const manifests = await currentManifests(inputs);
  const sources = await loadCatalogs(inputs, manifests);
  await reverifyAll(inputs, sources);
  await inputs.snapshots.cleanStaging();
  const snapshot = await nextSnapshotId(inputs.snapshots);
  const staging = await inputs.snapshots.beginStaging(snapshot);
  try {
    await writeSiteKeys(staging, inputs.signer);
    for (const source of sources) {
      inputs.progress.info(`publishing ${source.type}/${source.name}`);
      await inputs.registry.get(source.type).publish(source.catalog, {
        sourceName: source.name,
        vault: inputs.vault,
        progress: inputs.progress,
        upstream: source.upstream,
        staging,
        siteSigner: inputs.signer,
      });
    }
    await writeFileAtomic(join(staging, 'airlock-publication.json'), describe(snapshot, manifests, inputs.signer) + '\n');
  } catch (err) {
    throw asAirlockError(err, 'PUBLISH_FAILED', 'building the new publication failed; the current one is unchanged');
  }
  failpoint('import:before-switch');
  await inputs.snapshots.promote(snapshot);
  await inputs.snapshots.switchTo(snapshot);
  failpoint('import:after-switch');
  inputs.state.recordPublication({ snapshot, bundles: manifests.map((m) => m.sha256) });
  for (const source of sources) source.upstream.commit();
  inputs.state.markBundlesPublished([inputs.bundle.sha256]);
  await pruneSnapshots(inputs);
  return { snapshot, sources: sources.length };
}

/** The manifest that defines each channel's content: the new bundle for its channel, the last published for the others. */
async function currentManifests(inputs: PublishInputs): Promise<Array<{ manifest: Manifest; sha256: string }>> {
  const result = [inputs.bundle];
  for (const channel of inputs.state.channels()) {
    if (channel.name === inputs.bundle.manifest.channel) continue;
    const row = inputs.state.publishedBundle(channel.name);
    if (row) result.push({ manifest: validateManifest(await loadStoredManifest(row.manifestPath)), sha256: row.manifestSha256 });
  }
  return result;
}

async function loadCatalogs(inputs: PublishInputs, manifests: Array<{ manifest: Manifest }>): Promise<PlannedSource[]> {
  const seen = new Map<string, string>();
  const sources: PlannedSource[] = [];
  for (const { manifest } of manifests) {
    for (const source of manifest.sources) {
      const key = `${source.type}/${source.name}`;
      const other = seen.get(key);
      if (other) throw new AirlockError('PUBLISH_FAILED', `channels ${other} and ${manifest.channel} both publish ${key}; rename one of the sources`);
      seen.set(key, manifest.channel);
      const driver = inputs.registry.get(source.type);
      let raw: unknown;
      try {
        raw = JSON.parse((await inputs.vault.readBytes(source.catalog, CATALOG_LIMIT)).toString('utf8'));
      } catch (err) {
        throw asAirlockError(err, 'MANIFEST_INVALID', `the catalog of ${key} (${source.catalog}) cannot be read`);
      }
      const upstream = sourceUpstreamTrust(inputs.state, key, inputs.progress);
      sources.push({ channel: manifest.channel, type: source.type, name: source.name, catalog: driver.parseCatalog(raw), upstream });
    }
  }
  return sources;
}

async function reverifyAll(inputs: PublishInputs, sources: PlannedSource[]): Promise<void> {
  for (const source of sources) {
    const driver = inputs.registry.get(source.type);
    await driver.reverify?.(source.catalog, { sourceName: source.name, vault: inputs.vault, progress: inputs.progress, upstream: source.upstream });
  }
}

async function writeSiteKeys(staging: string, signer: Signer): Promise<void> {
  await writeFileAtomic(join(staging, 'keys', 'site.asc'), signer.armoredPublicKey);
  await writeFileAtomic(join(staging, 'keys', 'site.gpg'), signer.binaryPublicKey);
}

function describe(snapshot: string, manifests: Array<{ manifest: Manifest; sha256: string }>, signer: Signer): string {
  return canonicalJson({
    snapshot,
    siteKey: signer.fingerprint,
    channels: manifests.map(({ manifest, sha256 }) => ({
      channel: manifest.channel,
      sequence: manifest.sequence,
      bundle: manifest.id,
      manifestSha256: sha256,
      sources: manifest.sources.map((s) => ({ type: s.type, name: s.name, catalog: s.catalog })),
    })),
  });
}

async function nextSnapshotId(snapshots: Snapshots): Promise<string> {
  const numbers = (await snapshots.list()).map(Number).filter(Number.isInteger);
  return String(Math.max(0, ...numbers) + 1).padStart(6, '0');
}

/** Keeps the newest few publications for rollback; also removes snapshots a crash left unrecorded. */
async function pruneSnapshots(inputs: PublishInputs): Promise<void> {
  const publications = inputs.state.publications().filter((p) => p.status !== 'retired');
  for (const old of publications.slice(KEEP_SNAPSHOTS)) {
    await inputs.snapshots.remove(old.snapshot);
    inputs.state.retire(old.id);
  }
  const kept = new Set(publications.slice(0, KEEP_SNAPSHOTS).map((p) => p.snapshot));
  const current = await inputs.snapshots.currentId();
  for (const id of await inputs.snapshots.list()) {
    if (!kept.has(id) && id !== current) await inputs.snapshots.remove(id);
  }
}
