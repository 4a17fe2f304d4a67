import { AirlockError, type AnyDriver, type Digest, type Progress } from '@airlock/core';
import type { Manifest, ManifestSource } from '@airlock/bundle';
import type { PublicationSource, SiteState } from '@airlock/state';
import type { Vault } from '@airlock/vault';
import type { DriverRegistry } from '../registry.js';
import { mergeCatalogs, readCatalog } from './site-catalogs.js';
import { sourceUpstreamTrust, type SourceUpstreamTrust } from './upstream-trust.js';

export interface PlannedSource {
  /** What the publication records: effective catalog digest and the bundle it came from. */
  record: PublicationSource;
  catalog: unknown;
  upstream: SourceUpstreamTrust;
}

export interface PlanInputs {
  state: SiteState;
  vault: Vault;
  registry: DriverRegistry;
  progress: Progress;
  bundle: { manifest: Manifest; sha256: string };
}

const keyOf = (s: { type: string; name: string }): string => `${s.type}/${s.name}`;

/**
 * Every source of the next publication: the other channels' sources exactly as they are live,
 * and the new bundle's sources, merged with their live history when the driver keeps history.
 */
export async function planSources(inputs: PlanInputs, live: PublicationSource[]): Promise<PlannedSource[]> {
  const { manifest } = inputs.bundle;
  const owners = new Map<string, string>();
  const claim = (key: string, channel: string): void => {
    const other = owners.get(key);
    if (other !== undefined) throw new AirlockError('PUBLISH_FAILED', `channels ${other} and ${channel} both publish ${key}; rename one of the sources`);
    owners.set(key, channel);
  };
  const planned: PlannedSource[] = [];
  for (const source of live.filter((s) => s.channel !== manifest.channel)) {
    claim(keyOf(source), source.channel);
    planned.push(await carried(inputs, source));
  }
  const history = new Map(live.filter((s) => s.channel === manifest.channel).map((s) => [keyOf(s), s]));
  for (const source of manifest.sources) {
    claim(keyOf(source), manifest.channel);
    planned.push(await fromBundle(inputs, source, history.get(keyOf(source))));
  }
  return planned.sort((a, b) => compare(order(a.record), order(b.record)));
}

const order = (s: PublicationSource): string => `${s.channel}\u0000${s.type}\u0000${s.name}`;
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A source of another channel, rebuilt from its effective catalog as it is live. Its upstream
 * dates were accepted when it was first published, so a rollback that made an older catalog
 * live again is not an upstream replay; its signatures are still checked against the pins.
 */
async function carried(inputs: PlanInputs, source: PublicationSource): Promise<PlannedSource> {
  const key = keyOf(source);
  const catalog = await readCatalog(inputs.vault, inputs.registry.get(source.type), source.catalog, key);
  const trust = sourceUpstreamTrust(inputs.state, key, inputs.progress);
  const upstream: SourceUpstreamTrust = { ...trust, notOlderThanSeen: () => undefined, commit: () => undefined };
  return { record: source, catalog, upstream };
}

async function fromBundle(inputs: PlanInputs, source: ManifestSource, previous: PublicationSource | undefined): Promise<PlannedSource> {
  const { manifest, sha256 } = inputs.bundle;
  const key = keyOf(source);
  const driver = inputs.registry.get(source.type);
  let catalog: unknown;
  let effective: Digest = source.catalog;
  if (previous !== undefined && previous.manifestSha256 === sha256) {
    // Published from this very bundle already (a re-run): the live effective catalog stands.
    effective = previous.catalog;
    catalog = await readCatalog(inputs.vault, driver, effective, key);
  } else if (hasMerge(driver) && previous !== undefined) {
    const before = await readCatalog(inputs.vault, driver, previous.catalog, `${key} (history up to ${previous.bundleId})`);
    const next = await readCatalog(inputs.vault, driver, source.catalog, key);
    ({ digest: effective, catalog } = await mergeCatalogs(inputs, driver, before, next, key));
  } else {
    catalog = await readCatalog(inputs.vault, driver, source.catalog, key);
  }
  const record: PublicationSource = {
    channel: manifest.channel,
    type: source.type,
    name: source.name,
    catalog: effective,
    bundleCatalog: source.catalog,
    manifestSha256: sha256,
    bundleId: manifest.id,
    sequence: manifest.sequence,
  };
  return { record, catalog, upstream: sourceUpstreamTrust(inputs.state, key, inputs.progress) };
}

function hasMerge(driver: AnyDriver): driver is AnyDriver & { merge: NonNullable<AnyDriver['merge']> } {
  return typeof driver.merge === 'function';
}
