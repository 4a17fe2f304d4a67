import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AirlockError, isRecord, readFileLimited } from '@airlock/core';
import { REF_NAME } from './layout-source.js';
import { MANIFEST_LIMIT } from './media-types.js';
import type { OciCatalog } from './types.js';

/**
 * The registry API serves every `oci/<source>/` layout of a publication under one /v2 namespace,
 * so two sources publishing the same `repository:tag` would silently shadow each other. Refuses
 * that, naming both sources, before this source writes anything (the other is already in staging).
 */
export async function refuseTagCollisions(catalog: OciCatalog, staging: string, sourceName: string): Promise<void> {
  const mine = new Set(catalog.images.map((image) => `${image.repository}:${image.tag}`));
  const ociRoot = join(staging, 'oci');
  const others = (await readdir(ociRoot, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory() && d.name !== sourceName);
  for (const other of others.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const clash = (await layoutRefs(join(ociRoot, other.name))).filter((ref) => mine.has(ref)).sort();
    if (clash.length === 0) continue;
    const more = clash.length > 1 ? ` and ${clash.length - 1} more` : '';
    throw new AirlockError('PUBLISH_FAILED', `oci sources ${JSON.stringify(other.name)} and ${JSON.stringify(sourceName)} both publish ${clash[0]}${more} on the registry API, where a client would get one or the other: give one of them another name (rename: or prefix: in the export config) and export again`, {
      details: { sources: [other.name, sourceName], references: clash },
    });
  }
}

async function layoutRefs(layout: string): Promise<string[]> {
  let doc: unknown;
  try {
    doc = JSON.parse((await readFileLimited(join(layout, 'index.json'), MANIFEST_LIMIT)).toString('utf8'));
  } catch {
    return [];
  }
  const entries = isRecord(doc) && Array.isArray(doc.manifests) ? doc.manifests : [];
  return entries.flatMap((e: unknown) => {
    const ref = isRecord(e) && isRecord(e.annotations) ? e.annotations[REF_NAME] : undefined;
    return typeof ref === 'string' ? [ref] : [];
  });
}
