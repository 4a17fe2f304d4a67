import { AirlockError, readFileLimited, type ExportContext } from '@airlock/core';
import { Keyring, readPublicKeys } from '@airlock/pgp';
import { distUrl, fetchRelease } from './fetch-release.js';
import { choosePackagesPath, fetchIndex, type FetchedIndex } from './fetch-index.js';
import { isFlat } from './parse-spec.js';
import { checkNotExpired, checkSuite } from './release.js';
import type { AptSpec, CarriedRelease } from './types.js';
import { verifyRelease } from './verify-release.js';

export interface LoadedDist {
  suite: string;
  flat: boolean;
  release: CarriedRelease;
  indexes: FetchedIndex[];
}

export interface LoadedUpstream {
  armoredKeyring: string;
  dists: LoadedDist[];
}

/** Reads the pinned keyring, then fetches and verifies every suite's Release and Packages indexes. */
export async function loadUpstream(spec: AptSpec, ctx: ExportContext): Promise<LoadedUpstream> {
  const keyBytes = await readFileLimited(spec.keyring, 16 << 20, `keyring ${spec.keyring}`);
  const keyring = await Keyring.fromKeys([keyBytes]);
  const armoredKeyring = (await readPublicKeys(keyBytes)).map((k) => k.armored.trim()).join('\n') + '\n';
  const dists: LoadedDist[] = [];
  for (const suite of spec.suites) {
    const dir = distUrl(spec.url, suite);
    const label = `${dir}InRelease`;
    const release = await fetchRelease(ctx.fetcher, dir);
    const parsed = await verifyRelease(release, keyring, label).catch((err: unknown) => {
      if (err instanceof AirlockError) throw new AirlockError(err.code, `${dir}: ${err.message}`, { cause: err, details: err.details });
      throw err;
    });
    checkNotExpired(parsed, `${dir} Release`, spec.allowExpired);
    ctx.upstream.notOlderThanSeen(`release:${suite}`, parsed.date, `${dir} Release`);
    const flat = isFlat(suite);
    if (!flat) checkSuite(parsed, suite, `${dir} Release`);
    const indexes: FetchedIndex[] = [];
    const pairs = flat ? [['', '']] : spec.components.flatMap((c) => spec.architectures.map((a) => [c, a]));
    for (const [component = '', architecture = ''] of pairs) {
      const path = choosePackagesPath(parsed, component, architecture, `${dir} Release`);
      ctx.progress.info(`apt/${spec.name}: ${suite} ${path}`);
      indexes.push({ component, architecture, ...(await fetchIndex(ctx.fetcher, dir, parsed, path, ctx.cacheDir)) });
    }
    dists.push({ suite, flat, release, indexes });
  }
  return { armoredKeyring, dists };
}
