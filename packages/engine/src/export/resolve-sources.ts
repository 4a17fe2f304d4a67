import { join } from 'node:path';
import {
  AirlockError,
  canonicalJson,
  digestHex,
  sha256Digest,
  writeFileAtomic,
  type Artifact,
  type Digest,
  type Fetcher,
  type PlanGroup,
  type Progress,
  type ResolveWarning,
} from '@airlock/core';
import type { ExportConfig } from '../config.js';
import type { DriverRegistry } from '../registry.js';
import type { ExportMarkBook } from './upstream-marks.js';

export interface ResolvedSource {
  type: string;
  name: string;
  catalog: Artifact;
  artifacts: Artifact[];
  groups?: PlanGroup[];
  warnings?: ResolveWarning[];
}

/** Runs every driver's resolve (online) and stores each catalog as a canonical JSON blob in the cache. */
export async function resolveSources(
  config: ExportConfig,
  registry: DriverRegistry,
  fetcher: Fetcher,
  cacheRoot: string,
  progress: Progress,
  marks: ExportMarkBook,
): Promise<ResolvedSource[]> {
  const resolved: ResolvedSource[] = [];
  for (const source of config.sources) {
    const driver = registry.get(source.type);
    progress.info(`resolving ${source.type}/${source.name}`);
    const result = await driver.resolve(source.spec, {
      sourceName: source.name,
      configDir: config.configDir,
      cacheDir: join(cacheRoot, 'sources', source.type, source.name),
      fetcher,
      progress,
      upstream: marks.forSource(source.type, source.name),
    });
    for (const warning of result.warnings ?? []) progress.warn(`${source.type}/${source.name}: ${warning.message}`);
    const bytes = Buffer.from(canonicalJson(result.catalog));
    const digest = sha256Digest(bytes);
    const path = join(cacheRoot, 'catalogs', `${digestHex(digest)}.json`);
    await writeFileAtomic(path, bytes);
    resolved.push({
      type: source.type,
      name: source.name,
      catalog: { digest, size: bytes.length, source: { kind: 'file', path }, label: `${source.type}/${source.name} catalog` },
      artifacts: result.artifacts,
      ...(result.groups ? { groups: result.groups } : {}),
      ...(result.warnings?.length ? { warnings: result.warnings } : {}),
    });
  }
  return resolved;
}

/** Every distinct blob the sources need (catalogs first), refusing one digest with two sizes. */
export function uniqueBlobs(sources: ResolvedSource[]): Map<Digest, Artifact> {
  const blobs = new Map<Digest, Artifact>();
  const add = (artifact: Artifact): void => {
    const seen = blobs.get(artifact.digest);
    if (seen && seen.size !== artifact.size) {
      throw new AirlockError('UPSTREAM_INVALID', `${artifact.digest} is declared with sizes ${seen.size} (${seen.label}) and ${artifact.size} (${artifact.label})`);
    }
    if (!seen) blobs.set(artifact.digest, artifact);
  };
  for (const source of sources) add(source.catalog);
  for (const source of sources) source.artifacts.forEach(add);
  return blobs;
}
