import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AirlockError, asAirlockError, ensureDir, isPlainName, writeFileAtomic, type PublishContext } from '@airlock/core';
import { encodeStream } from './assertions/decode.js';
import { crossCheckSnap } from './assertions/snap-check.js';
import { installScript } from './install-script.js';
import { parseSnapCatalog } from './parse-catalog.js';
import { publicationIndex } from './publication-index.js';
import { siteChain } from './reverify.js';
import type { SnapCatalog } from './types.js';

/**
 * Writes `<staging>/snap/<source>/`: per revision `<name>_<rev>.snap` (a hardlink into the vault)
 * and `<name>_<rev>.assert` as `snap download` writes it (the original assertion bytes, one empty
 * line apart), then index.json and install.sh. Assertions are carried, never re-signed.
 */
export async function publishSnap(raw: SnapCatalog, ctx: PublishContext): Promise<void> {
  const catalog = parseSnapCatalog(raw);
  if (!isPlainName(ctx.sourceName)) throw new AirlockError('PUBLISH_FAILED', `source name ${JSON.stringify(ctx.sourceName)} cannot be a directory name`);
  const root = join(ctx.staging, 'snap', ctx.sourceName);
  const chain = await siteChain(catalog, ctx);
  const task = ctx.progress.task(`publish snap/${ctx.sourceName}`, catalog.revisions.length, 'items');
  try {
    await rm(root, { recursive: true, force: true });
    await ensureDir(root);
    for (const r of catalog.revisions) {
      const assertions = crossCheckSnap(chain, { name: r.name, snapId: r.snapId, revision: r.revision, sha3Hex: r.sha3, size: r.size });
      const base = `${r.name}_${r.revision}`;
      await ctx.vault.place(r.digest, join(root, `${base}.snap`));
      await writeFileAtomic(join(root, `${base}.assert`), encodeStream(assertions.map((a) => a.raw.text)));
      task.advance(1);
    }
    await writeFileAtomic(join(root, 'index.json'), `${JSON.stringify(publicationIndex(catalog, ctx.sourceName), null, 2)}\n`);
    await writeFileAtomic(join(root, 'install.sh'), installScript(catalog, ctx.sourceName), 0o755);
  } catch (err) {
    throw asAirlockError(err, 'PUBLISH_FAILED', `cannot publish snap/${ctx.sourceName}`);
  } finally {
    task.done();
  }
}
