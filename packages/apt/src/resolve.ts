import { AirlockError, hexToDigest, type Artifact, type ExportContext, type ResolveResult } from '@airlock/core';
import { loadUpstream } from './load-upstream.js';
import { selectPackages } from './select-packages.js';
import type { AptCatalog, AptSpec, CarriedDist } from './types.js';

/**
 * Online side: verified Release → verified Packages → closure → catalog. The catalog carries the
 * signed Release text, the upstream keyring and the chosen stanzas; the Packages files travel as
 * blobs so the site can prove every stanza came from the signed index. The .debs are url blobs
 * the engine downloads (only when it carries them), verified against the Packages SHA256 and Size.
 */
export async function resolveApt(spec: AptSpec, ctx: ExportContext): Promise<ResolveResult<AptCatalog>> {
  const upstream = await loadUpstream(spec, ctx);
  const selected = await selectPackages(spec, upstream.dists, ctx.progress);
  const artifacts: Artifact[] = [];
  const debs = new Map<string, { sha256: string; size: number }>();
  const dists: CarriedDist[] = upstream.dists.map((dist, d) => ({
    suite: dist.suite,
    flat: dist.flat,
    release: dist.release,
    indexes: dist.indexes.map((index, i) => {
      artifacts.push({ digest: index.digest, size: index.size, source: { kind: 'file', path: index.file }, label: `${dist.suite}/${index.path}` });
      const chosen = selected[d]?.[i] ?? { stanzas: [], entries: [] };
      for (const entry of chosen.entries) {
        const seen = debs.get(entry.filename);
        if (seen && (seen.sha256 !== entry.sha256 || seen.size !== entry.size)) {
          throw new AirlockError('UPSTREAM_INVALID', `${entry.filename} is listed with two different SHA256/Size values upstream`, { details: { filename: entry.filename } });
        }
        if (seen) continue;
        debs.set(entry.filename, { sha256: entry.sha256, size: entry.size });
        artifacts.push({ digest: hexToDigest(entry.sha256), size: entry.size, source: { kind: 'url', urls: [poolUrl(entry.filename, spec.url)] }, label: entry.filename });
      }
      return { component: index.component, architecture: index.architecture, path: index.path, digest: index.digest, size: index.size, stanzas: chosen.stanzas };
    }),
  }));
  ctx.progress.info(`apt/${spec.name}: ${debs.size} package files`);
  return { catalog: { version: 1, keyring: upstream.armoredKeyring, byHash: spec.byHash, dists }, artifacts };
}

/** `./` keeps a first segment with a colon (`zeta_1:0.9-1_amd64.deb` in a flat repo) a path, not a URL scheme. */
function poolUrl(filename: string, base: string): string {
  return new URL(`./${filename}`, base).toString();
}
