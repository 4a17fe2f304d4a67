import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AirlockError, asAirlockError, ensureDir, type Artifact, type ExportContext, type ResolveResult } from '@airlock/core';
import { Keyring } from '@airlock/pgp';
import { checkFileAgainstRepomd, isCarriedExtra } from './metadata-file.js';
import { openDecompressed } from './decompress.js';
import { packageArtifacts } from './package-artifacts.js';
import { insecureWarning } from './insecure.js';
import { keyData } from './upstream-keys.js';
import { findFileOwners } from './parse-filelists.js';
import { parsePrimary } from './parse-primary.js';
import { parseRepomd, type RepomdEntry } from './repomd.js';
import { closureOf, RepoUniverse } from './repo-universe.js';
import type { CarriedMetadata, CatalogPackage, PrimaryPackage, RpmCatalog, RpmSpec, UnsatisfiedRequirement } from './types.js';

const MAX_REPOMD_BYTES = 16 * 1024 * 1024;

/**
 * Online: repomd.xml (signature checked when configured) → primary (checked against repomd,
 * streamed) → the requested packages and their closure → catalog + artifacts.
 */
export async function resolveRpm(spec: RpmSpec, ctx: ExportContext): Promise<ResolveResult<RpmCatalog>> {
  if (spec.insecure) ctx.progress.warn(insecureWarning(spec.name));
  const gpgkeys = await readKeys(spec);
  const repomd = await ctx.fetcher.getBytes(new URL('repodata/repomd.xml', spec.url).toString(), { maxBytes: MAX_REPOMD_BYTES });
  const keyring = await Keyring.fromKeys(gpgkeys.map(keyData));
  const repomdAsc = spec.repoGpgcheck ? await fetchSignature(spec, ctx) : null;
  if (repomdAsc) await keyring.verifyDetached(repomd, repomdAsc);
  const entries = parseRepomd(repomd.toString('utf8'));

  const primaryEntry = entries.find((e) => e.type === 'primary');
  if (!primaryEntry) throw new AirlockError('UPSTREAM_INVALID', `${spec.url}repodata/repomd.xml lists no primary metadata: check the repo URL`);
  const metadataFiles: Array<{ carried: CarriedMetadata; path: string }> = [];
  for (const entry of [primaryEntry, ...entries.filter((e) => isCarriedExtra(e.type))]) metadataFiles.push(await fetchMetadata(entry, spec, ctx));

  const primaryPath = metadataFiles[0]!.path;
  const all: PrimaryPackage[] = [];
  await parsePrimary(openDecompressed(primaryPath, primaryEntry.href, primaryEntry.openSize), (pkg) => {
    if (!spec.arch || spec.arch.includes(pkg.arch)) all.push(pkg);
  });

  const fileOwners = async (missing: Set<string>): Promise<Map<string, Set<string>>> => {
    const entry = entries.find((e) => e.type === 'filelists');
    if (!entry) return new Map();
    const { path } = await fetchMetadata(entry, spec, ctx);
    return findFileOwners(openDecompressed(path, entry.href, entry.openSize), missing);
  };
  const { packages, unsatisfied } = await choosePackages(spec, all, fileOwners);
  const warnings = unsatisfied.map((u) => ({ kind: 'DEPENDENCY_UNSATISFIED', message: `nothing in the repo provides "${u.requires}", required by ${u.package}: dnf on the site cannot install ${u.package} unless another repo there provides it` }));
  const chosen = packages.map(toCatalogPackage).sort((a, b) => (a.href < b.href ? -1 : a.href > b.href ? 1 : 0));
  checkUniqueFileNames(chosen);

  const catalog: RpmCatalog = {
    version: 1,
    url: spec.url,
    gpgkeys: spec.repoGpgcheck || spec.gpgcheck ? gpgkeys : [],
    repoGpgcheck: spec.repoGpgcheck,
    gpgcheck: spec.gpgcheck,
    repomd: repomd.toString('base64'),
    repomdAsc: repomdAsc ? Buffer.from(repomdAsc).toString('base64') : null,
    metadata: metadataFiles.map((m) => m.carried),
    packages: chosen,
    unsatisfied,
    repodataCompression: spec.repodataCompression,
  };
  const artifacts: Artifact[] = [
    ...metadataFiles.map((m) => ({ digest: m.carried.digest, size: m.carried.size, source: { kind: 'file' as const, path: m.path }, label: `rpm/${spec.name}/${m.carried.href}` })),
    ...packageArtifacts(chosen, spec.url, ctx, spec.gpgcheck ? keyring : null),
  ];
  return { catalog, artifacts, ...(warnings.length > 0 ? { warnings } : {}) };
}

type FileOwnerLookup = (missing: Set<string>) => Promise<Map<string, Set<string>>>;

/**
 * Roots, then the closure. File requirements that primary.xml's (partial) file list cannot satisfy
 * are looked up in filelists.xml, as dnf does, and the closure is walked again with those owners.
 */
async function choosePackages(spec: RpmSpec, all: PrimaryPackage[], fileOwners: FileOwnerLookup): Promise<{ packages: PrimaryPackage[]; unsatisfied: UnsatisfiedRequirement[] }> {
  if (!spec.packages) return { packages: all, unsatisfied: [] };
  const universe = new RepoUniverse(all, spec.arch);
  const roots: PrimaryPackage[] = [];
  const missing: string[] = [];
  for (const request of spec.packages) {
    const candidates = universe.candidates(request.dependency);
    const byName = candidates.filter((p) => p.name === request.dependency.name);
    const best = (byName.length > 0 ? byName : candidates)[0];
    if (best) roots.push(best);
    else missing.push(request.text);
  }
  if (missing.length > 0) {
    throw new AirlockError('SOURCE_NOT_FOUND', `rpm/${spec.name}: no package in ${spec.url} matches ${missing.map((m) => JSON.stringify(m)).join(', ')}${spec.arch ? ` for arch ${spec.arch.join(', ')}` : ''}: check the names and constraints in packages`, {
      details: { missing },
    });
  }
  if (!spec.dependencies) return { packages: roots, unsatisfied: [] };
  const first = closureOf(roots, universe);
  if (first.missingFiles.size === 0) return first;
  universe.addFileOwners(await fileOwners(first.missingFiles), all);
  return closureOf(roots, universe);
}

function toCatalogPackage(pkg: PrimaryPackage): CatalogPackage {
  if (pkg.checksumType !== 'sha256') {
    throw new AirlockError('UPSTREAM_INVALID', `${pkg.href} is identified by a ${pkg.checksumType} checksum; airlock needs sha256 package checksums (createrepo_c's default): ask the repo owner to regenerate with sha256`);
  }
  return { name: pkg.name, arch: pkg.arch, epoch: pkg.epoch, version: pkg.version, release: pkg.release, href: pkg.href, digest: `sha256:${pkg.checksum}`, size: pkg.size };
}

function checkUniqueFileNames(packages: CatalogPackage[]): void {
  const seen = new Map<string, string>();
  for (const p of packages) {
    const name = basename(p.href);
    const other = seen.get(name);
    if (other !== undefined && other !== p.href) throw new AirlockError('UPSTREAM_INVALID', `${other} and ${p.href} share a file name; airlock publishes every package under Packages/ and cannot hold both`);
    seen.set(name, p.href);
  }
}

async function readKeys(spec: RpmSpec): Promise<string[]> {
  const keys: string[] = [];
  for (const path of spec.gpgkey) {
    try {
      const bytes = await readFile(path);
      keys.push(bytes.includes('-----BEGIN PGP') ? bytes.toString('utf8') : `base64:${bytes.toString('base64')}`);
    } catch (err) {
      throw asAirlockError(err, 'KEY_NOT_FOUND', `rpm/${spec.name}: cannot read gpgkey ${path}`);
    }
  }
  return keys;
}

async function fetchSignature(spec: RpmSpec, ctx: ExportContext): Promise<Uint8Array> {
  const url = new URL('repodata/repomd.xml.asc', spec.url).toString();
  try {
    return await ctx.fetcher.getBytes(url, { maxBytes: 1024 * 1024 });
  } catch (err) {
    throw new AirlockError('SIGNATURE_MISSING', `rpm/${spec.name}: repoGpgcheck is on but ${url} cannot be fetched; the repo is unsigned or the URL is wrong`, { cause: err });
  }
}

async function fetchMetadata(entry: RepomdEntry, spec: RpmSpec, ctx: ExportContext): Promise<{ carried: CarriedMetadata; path: string }> {
  const dir = join(ctx.cacheDir, 'rpm', spec.name);
  await ensureDir(dir);
  const path = join(dir, `${entry.checksum}-${basename(entry.href)}`);
  await ctx.fetcher.download(new URL(entry.href, spec.url).toString(), path, {
    label: entry.href,
    ...(entry.checksumType === 'sha256' ? { expected: { digest: `sha256:${entry.checksum}` as const, ...(entry.size !== undefined ? { size: entry.size } : {}) } } : {}),
  });
  const { digest, size } = await checkFileAgainstRepomd(path, entry);
  return { carried: { type: entry.type, href: entry.href, digest, size }, path };
}
