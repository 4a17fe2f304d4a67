import { rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AirlockError, asAirlockError, ensureDir, hexToDigest, isPlainName, type PublishContext } from '@airlock/core';
import { mapConcurrent } from '@airlock/fetch';
import { Keyring } from '@airlock/pgp';
import { linkByHash, writePackagesFiles, type WrittenIndex } from './index-files.js';
import { readPackageEntry } from './package-entry.js';
import { parseAptCatalog, publishedDir } from './parse-catalog.js';
import { releaseText } from './release-text.js';
import type { AptCatalog, CarriedDist } from './types.js';
import { verifyRelease } from './verify-release.js';

const PLACE_CONCURRENCY = 16;

/**
 * Writes `<staging>/apt/<source>/`: the pool (hardlinks from the vault, at upstream's Filename),
 * then per suite the Packages indexes, a Release with SHA256 (and by-hash when asked), and
 * InRelease plus Release.gpg signed by the site key. Flat upstreams are republished flat.
 */
export async function publishApt(catalog: AptCatalog, ctx: PublishContext): Promise<void> {
  const parsed = parseAptCatalog(catalog);
  if (!isPlainName(ctx.sourceName)) throw new AirlockError('PUBLISH_FAILED', `source name ${JSON.stringify(ctx.sourceName)} cannot be a directory name`);
  const root = join(ctx.staging, 'apt', ctx.sourceName);
  const keyring = await Keyring.fromKeys([parsed.keyring]);
  const date = new Date();
  try {
    await rm(root, { recursive: true, force: true });
    await ensureDir(root);
    await placePool(parsed, root, ctx);
    for (const dist of parsed.dists) await publishDist(dist, root, parsed.byHash, keyring, date, ctx);
  } catch (err) {
    throw asAirlockError(err, 'PUBLISH_FAILED', `cannot publish apt/${ctx.sourceName}`);
  }
}

async function placePool(catalog: AptCatalog, root: string, ctx: PublishContext): Promise<void> {
  const files = new Map<string, string>();
  for (const dist of catalog.dists) {
    for (const index of dist.indexes) {
      for (const stanza of index.stanzas) {
        const entry = readPackageEntry(stanza, `apt/${ctx.sourceName}`);
        files.set(entry.filename, entry.sha256);
      }
    }
  }
  const task = ctx.progress.task(`publish apt/${ctx.sourceName} pool`, files.size, 'items');
  try {
    // Directories first (many files share one), then the links, several in flight.
    for (const dir of new Set([...files.keys()].map((f) => dirname(join(root, f))))) await ensureDir(dir);
    await mapConcurrent([...files], PLACE_CONCURRENCY, async ([filename, sha256]) => {
      await ctx.vault.place(hexToDigest(sha256), join(root, filename));
      task.advance(1);
    });
  } finally {
    task.done();
  }
}

async function publishDist(dist: CarriedDist, root: string, byHash: boolean, keyring: Keyring, date: Date, ctx: PublishContext): Promise<void> {
  const upstream = await verifyRelease(dist.release, keyring, `apt/${ctx.sourceName} ${dist.suite} Release`);
  const dir = join(root, publishedDir(dist.suite));
  const files: WrittenIndex[] = [];
  for (const index of dist.indexes) {
    const base = dist.flat ? 'Packages' : `${index.component}/binary-${index.architecture}/Packages`;
    files.push(...(await writePackagesFiles(dir, base, index.stanzas)));
  }
  if (byHash) await linkByHash(dir, files);
  const unique = (values: string[]): string[] => [...new Set(values.filter((v) => v !== ''))];
  const text = releaseText(
    {
      upstream,
      sourceName: ctx.sourceName,
      suite: dist.suite,
      flat: dist.flat,
      components: unique(dist.indexes.map((i) => i.component)),
      architectures: unique(dist.indexes.map((i) => i.architecture)),
      byHash,
      date,
    },
    files,
  );
  await writeFile(join(dir, 'Release'), text, { flag: 'wx' });
  await writeFile(join(dir, 'InRelease'), await ctx.siteSigner.clearsign(text), { flag: 'wx' });
  await writeFile(join(dir, 'Release.gpg'), await ctx.siteSigner.signDetachedArmored(text), { flag: 'wx' });
}
