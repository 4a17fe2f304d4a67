import { join } from 'node:path';
import { asAirlockError, canonicalJson, writeFileAtomic, type AnyDriver, type Progress, type Signer, type SourceDescription } from '@airlock/core';
import type { Manifest } from '@airlock/bundle';
import type { PublicationSource, SiteState } from '@airlock/state';
import { PUBLICATION_RECORD, type Snapshots, type Vault } from '@airlock/vault';
import { failpoint } from '../failpoint.js';
import type { AirlockHome } from '../home.js';
import type { DriverRegistry } from '../registry.js';
import { liveSources } from './live-sources.js';
import { planSources, type PlannedSource } from './plan-sources.js';
import { pruneSnapshots } from './prune.js';
import { publicationRecord } from './publication-record.js';

export interface PublishInputs {
  home: AirlockHome;
  state: SiteState;
  vault: Vault;
  snapshots: Snapshots;
  registry: DriverRegistry;
  signer: Signer;
  progress: Progress;
  /** The bundle being published now, with its manifest sha256. */
  bundle: { manifest: Manifest; sha256: string };
}

/**
 * Builds a complete new snapshot (every channel's current sources), then switches `current` to it.
 * Other channels are rebuilt from the effective catalogs of the live publication, read back from
 * the vault by digest; every catalog is parsed and every driver's reverify passes before anything
 * is written. A crash anywhere before the switch leaves the live publication untouched, and the
 * state records the new one (sources, published bundle, upstream marks) in one transaction.
 */
export async function publishSite(inputs: PublishInputs): Promise<{ snapshot: string; sources: number }> {
  await inputs.snapshots.cleanStaging();
  const sources = await planSources(inputs, await liveSources(inputs.home, inputs.state));
  await reverifyAll(inputs, sources);
  const snapshot = await nextSnapshotId(inputs.snapshots);
  await buildSnapshot(inputs, snapshot, sources);
  failpoint('import:before-switch');
  await inputs.snapshots.promote(snapshot);
  failpoint('publish:after-promote');
  await inputs.snapshots.switchTo(snapshot);
  failpoint('import:after-switch');
  recordPublished(inputs, snapshot, sources);
  failpoint('publish:after-record');
  // The new publication is live and recorded; a failed prune only delays cleanup to the next publish.
  await pruneSnapshots(inputs.state, inputs.snapshots).catch((err: unknown) => {
    inputs.progress.warn(`removing old snapshots failed (${(err as Error).message}); the new publication is live, the next publish tries again`);
  });
  return { snapshot, sources: sources.length };
}

async function reverifyAll(inputs: PublishInputs, sources: PlannedSource[]): Promise<void> {
  for (const { record, catalog, upstream } of sources) {
    const driver = inputs.registry.get(record.type);
    await driver.reverify?.(catalog, { sourceName: record.name, vault: inputs.vault, progress: inputs.progress, upstream });
  }
}

async function buildSnapshot(inputs: PublishInputs, snapshot: string, sources: PlannedSource[]): Promise<void> {
  const staging = await inputs.snapshots.beginStaging(snapshot);
  try {
    await writeSiteKeys(staging, inputs.signer);
    const described: Array<{ record: PublicationSource; description: SourceDescription | null }> = [];
    for (const { record, catalog, upstream } of sources) {
      inputs.progress.info(`publishing ${record.type}/${record.name}`);
      const driver = inputs.registry.get(record.type);
      await driver.publish(catalog, {
        sourceName: record.name,
        vault: inputs.vault,
        progress: inputs.progress,
        upstream,
        staging,
        siteSigner: inputs.signer,
      });
      described.push({ record, description: describeSource(driver, catalog, record, inputs.progress) });
      failpoint('publish:after-first-source');
    }
    const { manifest, sha256 } = inputs.bundle;
    const record = publicationRecord({
      snapshot,
      siteKey: inputs.signer.fingerprint,
      publishedAt: new Date(),
      sources: described,
      imported: { channel: manifest.channel, bundleId: manifest.id, sequence: manifest.sequence, manifestSha256: sha256 },
      bundleFacts: (manifestSha256) => {
        const row = inputs.state.bundle(manifestSha256);
        return { importedAt: row?.completedAt ?? row?.receivedAt ?? null, exporterKey: row?.signer ?? null };
      },
    });
    await writeFileAtomic(join(staging, PUBLICATION_RECORD), record + '\n');
  } catch (err) {
    throw asAirlockError(err, 'PUBLISH_FAILED', 'building the new publication failed; the current one is unchanged');
  }
}

/**
 * What the source offers clients, for the site page. A description is informational: a driver
 * that fails to describe its (already verified and published) catalog costs the page its
 * snippets for that source, not the publication.
 */
function describeSource(driver: AnyDriver, catalog: unknown, record: PublicationSource, progress: Progress): SourceDescription | null {
  if (driver.describe === undefined) return null;
  try {
    const description = driver.describe(catalog, { sourceName: record.name });
    canonicalJson(description); // JSON-safe, or it would break the publication record
    return description;
  } catch (err) {
    progress.warn(`cannot describe ${record.type}/${record.name} for the site page (${(err as Error).message}); it is published, but the page shows no client configuration for it`);
    return null;
  }
}

/** One transaction: the publication and its sources, the bundle marked published, the upstream dates it relied on. */
function recordPublished(inputs: PublishInputs, snapshot: string, sources: PlannedSource[]): void {
  const { state, bundle } = inputs;
  const bundles = [...new Set([bundle.sha256, ...sources.map((s) => s.record.manifestSha256)])];
  state.atomically('cannot record the new publication', () => {
    state.recordPublication({ snapshot, bundles, sources: sources.map((s) => s.record) });
    for (const source of sources) source.upstream.commit();
    state.markBundlesPublished([bundle.sha256]);
  });
}

async function writeSiteKeys(staging: string, signer: Signer): Promise<void> {
  await writeFileAtomic(join(staging, 'keys', 'site.asc'), signer.armoredPublicKey);
  await writeFileAtomic(join(staging, 'keys', 'site.gpg'), signer.binaryPublicKey);
}

async function nextSnapshotId(snapshots: Snapshots): Promise<string> {
  const numbers = (await snapshots.list()).map(Number).filter(Number.isInteger);
  return String(Math.max(0, ...numbers) + 1).padStart(6, '0');
}
