import { chmod, readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AirlockError, asAirlockError, digestHex, ensureDir, isPlainName, writeFileAtomic, type PublishContext } from '@airlock/core';
import { filelistsOpen, filelistsPackage, FILELISTS_CLOSE, otherOpen, otherPackage, OTHER_CLOSE } from './filelists-other-xml.js';
import { packageMeta, type PackageMeta } from './header-package.js';
import { MetadataWriter } from './metadata-writer.js';
import { parseRpmCatalog } from './parse-catalog.js';
import { primaryOpen, primaryPackage, PRIMARY_CLOSE } from './primary-xml.js';
import { parseRepomd } from './repomd.js';
import { repomdXml, type RepomdData } from './repomd-xml.js';
import { readRpmHeaders } from './rpm-header.js';
import type { CatalogPackage, RpmCatalog } from './types.js';

/**
 * Writes `<staging>/rpm/<source>/`: Packages/*.rpm hardlinked from the vault, repodata generated
 * from each package's own RPM headers, upstream comps/updateinfo/modules carried through, and
 * repomd.xml signed with the site key (repomd.xml.asc).
 */
export async function publishRpm(raw: RpmCatalog, ctx: PublishContext): Promise<void> {
  const catalog = parseRpmCatalog(raw);
  if (!isPlainName(ctx.sourceName)) throw new AirlockError('PUBLISH_FAILED', `source name ${JSON.stringify(ctx.sourceName)} cannot be a directory name`);
  const root = join(ctx.staging, 'rpm', ctx.sourceName);
  const task = ctx.progress.task(`publish rpm/${ctx.sourceName}`, catalog.packages.length, 'items');
  try {
    await rm(root, { recursive: true, force: true });
    await ensureDir(join(root, 'Packages'));
    await ensureDir(join(root, 'repodata'));
    const data = await writePackageMetadata(catalog, ctx, root, () => task.advance(1), catalog.repodataCompression);
    data.push(...(await carryExtras(catalog, ctx, root)));
    const repomd = repomdXml(data, Math.floor(Date.now() / 1000));
    await writeFileAtomic(join(root, 'repodata', 'repomd.xml'), repomd);
    await writeFileAtomic(join(root, 'repodata', 'repomd.xml.asc'), await ctx.siteSigner.signDetachedArmored(repomd));
    await readOnly(root);
  } catch (err) {
    throw asAirlockError(err, 'PUBLISH_FAILED', `cannot publish rpm/${ctx.sourceName}`);
  } finally {
    task.done();
  }
}

/** Packages whose headers are read ahead of the one being written (file I/O overlaps). */
const READ_AHEAD = 64;

/** One pass over the packages feeds primary, filelists and other at once: no package list is kept in memory. */
export async function writePackageMetadata(catalog: Pick<RpmCatalog, 'packages'>, ctx: Pick<PublishContext, 'vault'>, root: string, onPackage: () => void, compression: 'gz' | 'zst' = 'gz'): Promise<RepomdData[]> {
  const repodata = join(root, 'repodata');
  const count = catalog.packages.length;
  const primary = new MetadataWriter(repodata, 'primary', compression);
  const filelists = new MetadataWriter(repodata, 'filelists', compression);
  const other = new MetadataWriter(repodata, 'other', compression);
  await primary.write(primaryOpen(count));
  await filelists.write(filelistsOpen(count));
  await other.write(otherOpen(count));
  const prepare = async (pkg: CatalogPackage): Promise<PackageMeta> => {
    const href = `Packages/${basename(pkg.href)}`;
    const dest = join(root, href);
    await ctx.vault.place(pkg.digest, dest);
    // The placed file is a hardlink to (or a copy of) the verified vault blob.
    const meta = packageMeta(await readRpmHeaders(dest), { digest: pkg.digest, size: pkg.size, href });
    checkIdentity(meta, pkg);
    return meta;
  };
  for await (const meta of inOrder(catalog.packages, prepare, READ_AHEAD)) {
    await primary.write(primaryPackage(meta));
    await filelists.write(filelistsPackage(meta));
    await other.write(otherPackage(meta));
    onPackage();
  }
  await primary.write(PRIMARY_CLOSE);
  await filelists.write(FILELISTS_CLOSE);
  await other.write(OTHER_CLOSE);
  const written = [await primary.finish(), await filelists.finish(), await other.finish()];
  return written.map((w) => ({ ...w, checksumType: 'sha256', openChecksumType: 'sha256' }));
}

/** Maps items through `work` with up to `ahead` in flight, yielding results in input order. */
async function* inOrder<T, R>(items: T[], work: (item: T) => Promise<R>, ahead: number): AsyncGenerator<R> {
  const window: Array<Promise<R>> = [];
  let next = 0;
  const fill = (): void => {
    while (window.length < ahead && next < items.length) {
      const started = work(items[next++]!);
      started.catch(() => undefined); // awaited below in order; a later failure must not surface as unhandled first
      window.push(started);
    }
  };
  fill();
  while (window.length > 0) {
    const result = await window.shift()!;
    fill();
    yield result;
  }
}

/** The header inside the blob must be the package the (signed) upstream metadata named. */
function checkIdentity(meta: PackageMeta, pkg: CatalogPackage): void {
  const header = `${meta.name}-${meta.epoch}:${meta.version}-${meta.release}.${meta.arch}`;
  const upstream = `${pkg.name}-${pkg.epoch}:${pkg.version}-${pkg.release}.${pkg.arch}`;
  if (header !== upstream) {
    throw new AirlockError('UPSTREAM_INVALID', `${pkg.href} contains ${header}, but the upstream metadata says ${upstream}: the package does not match its metadata`, { details: { digest: pkg.digest } });
  }
}

async function carryExtras(catalog: RpmCatalog, ctx: PublishContext, root: string): Promise<RepomdData[]> {
  const upstream = parseRepomd(Buffer.from(catalog.repomd, 'base64').toString('utf8'));
  const out: RepomdData[] = [];
  for (const extra of catalog.metadata.filter((m) => m.type !== 'primary')) {
    const href = `repodata/${basename(extra.href)}`;
    await ctx.vault.place(extra.digest, join(root, href));
    const entry = upstream.find((e) => e.type === extra.type && e.href === extra.href);
    out.push({
      type: extra.type,
      href,
      checksum: digestHex(extra.digest),
      checksumType: 'sha256',
      size: extra.size,
      ...(entry?.openChecksum ? { openChecksum: entry.openChecksum, openChecksumType: entry.checksumType } : {}),
      ...(entry?.openSize !== undefined ? { openSize: entry.openSize } : {}),
    });
  }
  return out;
}

async function readOnly(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await readOnly(join(dir, entry.name));
    else if (entry.isFile() && !entry.name.endsWith('.rpm')) await chmod(join(dir, entry.name), 0o444);
  }
}
