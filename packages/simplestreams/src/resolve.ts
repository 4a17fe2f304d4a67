import { AirlockError, hexToDigest, type Artifact, type Digest, type ExportContext, type PlanGroup, type ResolveResult, type ResolveWarning } from '@airlock/core';
import { checkRendered } from './check-rendered.js';
import { resolveCustomImage } from './custom-images.js';
import { fetchStream } from './fetch-stream.js';
import { mirrorUrl } from './safe-path.js';
import { checkSharedPaths, selectVersions } from './select.js';
import type { CarriedVersion, CustomVersion, SimplestreamsCatalog, SimplestreamsSpec } from './types.js';
import { loadUpstreamKeyring } from './upstream-keyring.js';

/**
 * Online side: verified index → verified products files → filter and keep the newest versions →
 * catalog. Signed documents travel as blobs so the site re-verifies them with its own pinned key;
 * items are url artifacts the engine downloads (sha256 and size checked while streaming).
 */
export async function resolveSimplestreams(spec: SimplestreamsSpec, ctx: ExportContext): Promise<ResolveResult<SimplestreamsCatalog>> {
  const label = `simplestreams/${spec.name}`;
  if (spec.insecure) ctx.progress.warn(`${label}: insecure: true — unsigned upstream documents are accepted; nothing proves they came from the image publisher`);
  const upstreamKeys = spec.keyring === undefined ? undefined : await loadUpstreamKeyring(spec.keyring);
  const stream = await fetchStream(spec, upstreamKeys?.keyring, ctx);
  const images = { filters: spec.filters, max: spec.max };
  const bootloaders = spec.bootloaders === false ? false : spec.bootloaders;
  const versions: CarriedVersion[] = [];
  const documents = [stream.index.carried];
  const artifacts: Artifact[] = [{ digest: stream.index.carried.digest, size: stream.index.carried.size, source: { kind: 'file', path: stream.index.file }, label: stream.index.carried.path }];
  for (const doc of stream.products) {
    const chosen = selectVersions(doc.data, doc.carried.digest, doc.carried.contentId!, images, bootloaders, `${label} ${doc.carried.path}`);
    if (chosen.length === 0) continue;
    versions.push(...chosen);
    documents.push(doc.carried);
    artifacts.push({ digest: doc.carried.digest, size: doc.carried.size, source: { kind: 'file', path: doc.file }, label: doc.carried.path });
  }
  const custom: CustomVersion[] = [];
  for (const image of spec.custom) {
    const resolved = await resolveCustomImage(image, ctx);
    custom.push(resolved.version);
    artifacts.push(...resolved.artifacts);
  }
  checkSharedPaths([
    ...versions.flatMap((v) => v.items.map((item) => ({ item, where: `${v.product} ${v.version}` }))),
    ...custom.flatMap((v) => v.items.map((item) => ({ item, where: `${v.product} ${v.version}` }))),
  ]);
  if (versions.length === 0 && custom.length === 0) {
    throw new AirlockError('SOURCE_NOT_FOUND', `${label}: the filters match no image or bootloader in ${spec.index}; check filters (they match flattened items: arch=amd64, release~(jammy|noble))`);
  }
  const catalog: SimplestreamsCatalog = {
    version: 1,
    mirror: spec.mirror,
    keyring: upstreamKeys?.armored ?? null,
    insecure: spec.insecure,
    max: spec.max,
    bootloaderMax: spec.bootloaders === false ? 1 : spec.bootloaders.max,
    documents,
    versions,
    custom,
  };
  const bodies = new Map(stream.products.map((d) => [d.carried.digest, d.data]));
  for (const warning of checkRendered(catalog, (digest) => bodies.get(digest), 'UPSTREAM_INVALID')) ctx.progress.warn(`${label}: ${warning}`);
  artifacts.push(...itemArtifacts(spec.mirror, versions));
  ctx.progress.info(`${label}: ${versions.length} version(s) of ${new Set(versions.map((v) => v.product)).size} product(s), ${custom.length} custom image(s)`);
  const warnings = bootloaderWarnings(spec, versions);
  return { catalog, artifacts, groups: planGroups(versions, custom), ...(warnings.length > 0 ? { warnings } : {}) };
}

/** MAAS boots nothing without bootloaders (grub, pxelinux), and takes them only from a boot source. */
function bootloaderWarnings(spec: SimplestreamsSpec, versions: CarriedVersion[]): ResolveWarning[] {
  if (versions.some((v) => v.kind === 'bootloaders')) return [];
  const why = spec.bootloaders === false
    ? 'bootloaders: false'
    : 'no bootloader product matched (the index lists no bootloader products file, or bootloaders.filters exclude every one)';
  return [{ kind: 'NO_BOOTLOADERS', message: `this mirror carries no bootloaders (${why}): MAAS cannot PXE-boot machines from it unless another boot source provides them; set bootloaders: true (the default)` }];
}

function itemArtifacts(mirror: string, versions: CarriedVersion[]): Artifact[] {
  const byDigest = new Map<Digest, Artifact>();
  for (const v of versions) {
    for (const item of v.items) {
      const digest = hexToDigest(item.sha256);
      const seen = byDigest.get(digest);
      const url = mirrorUrl(mirror, item.path);
      if (seen === undefined) byDigest.set(digest, { digest, size: item.size, source: { kind: 'url', urls: [url] }, label: item.path });
      else if (seen.source.kind === 'url' && !seen.source.urls.includes(url)) seen.source.urls.push(url);
    }
  }
  return [...byDigest.values()];
}

function planGroups(versions: CarriedVersion[], custom: CustomVersion[]): PlanGroup[] {
  return [...versions, ...custom].map((v) => ({ label: `${v.product} ${v.version}`, digests: [...new Set(v.items.map((i) => hexToDigest(i.sha256)))] }));
}
