import { AirlockError, isAirlockError, readFileLimited, type Artifact, type ExportContext, type ResolveResult, type ResolveWarning } from '@airlock/core';
import { AssertionChain, type TrustedRoots } from './assertions/chain.js';
import type { Assertion } from './assertions/model.js';
import { builtinRoots, readRootFile } from './assertions/roots.js';
import { crossCheckSnap } from './assertions/snap-check.js';
import { timeFromDate } from './assertions/time.js';
import { collectChain } from './store/collect-chain.js';
import { downloadSnap } from './store/download-snap.js';
import { AssertionFetcher } from './store/fetch-assertions.js';
import { readDownloadAnswer, type StoreSnap } from './store/refresh-answer.js';
import { postDownloadAction } from './store/refresh-client.js';
import { prerequisitesOf } from './store/snap-yaml.js';
import type { CatalogChannel, CatalogRevision, SnapCatalog, SnapRequest, SnapSpec } from './types.js';

const ROOT_FILE_LIMIT = 1 << 20;

interface Carried {
  revision: CatalogRevision;
  artifact: Artifact;
  chain: Assertion[];
}

/**
 * Online: resolves every snap × architecture through the store's refresh API, follows
 * prerequisites to a fixed point, downloads each .snap (size and SHA3-384 checked), fetches its
 * assertions, and verifies the whole chain before anything ships.
 */
export async function resolveSnap(spec: SnapSpec, ctx: ExportContext): Promise<ResolveResult<SnapCatalog>> {
  const roots = await exporterRoots(spec);
  const fetcher = new AssertionFetcher(spec.store, ctx.fetcher);
  const carried = new Map<string, Carried>();
  const channels: CatalogChannel[] = [];
  const releasedAt = new Date().toISOString();
  for (const architecture of spec.architectures) {
    const queue: SnapRequest[] = [...spec.snaps];
    if (spec.prerequisites && !queue.some((s) => s.name === 'snapd')) queue.push({ name: 'snapd', channel: 'latest/stable' });
    const seen = new Set(queue.map((s) => s.name));
    const neededBy = new Map<string, string>();
    const task = ctx.progress.task(`resolve snap/${ctx.sourceName} (${architecture})`, undefined, 'items');
    try {
      for (let i = 0; i < queue.length; i++) {
        const request = queue[i] as SnapRequest;
        const label = request.revision === undefined ? `${request.name} (${request.channel})` : `${request.name} revision ${request.revision}`;
        const snap = await askStore(spec, request, architecture, label, neededBy.get(request.name));
        if (snap.name !== request.name) throw new AirlockError('UPSTREAM_INVALID', `asked the store for ${request.name}, it answered ${snap.name}`);
        const key = `${snap.snapId}/${snap.revision}`;
        let entry = carried.get(key);
        if (!entry) {
          entry = await carry(snap, roots, fetcher, ctx);
          carried.set(key, entry);
        }
        if (request.channel !== undefined) channels.push({ name: snap.name, channel: request.channel, architecture, revision: snap.revision, releasedAt });
        if (spec.prerequisites) {
          for (const name of entry.revision.prerequisites) {
            if (seen.has(name)) continue;
            seen.add(name);
            neededBy.set(name, snap.name);
            queue.push({ name, channel: 'latest/stable' });
          }
        }
        task.advance(1);
      }
    } finally {
      task.done();
    }
  }
  const assertions = new Map<string, string>();
  for (const entry of carried.values()) for (const a of entry.chain) assertions.set(a.raw.text, a.ref);
  const entries = [...carried.values()];
  const warnings = spec.prerequisites ? [] : missingPrerequisites(entries.map((e) => e.revision));
  return {
    ...(warnings.length > 0 ? { warnings } : {}),
    catalog: {
      version: 1,
      store: spec.store,
      architectures: spec.architectures,
      keepRevisions: spec.keepRevisions,
      requested: spec.snaps.map((s) => s.name).sort(),
      revisions: entries.map((e) => e.revision).sort((a, b) => cmp(a.name, b.name) || a.revision - b.revision),
      channels: channels.sort((a, b) => cmp(a.name, b.name) || cmp(a.architecture, b.architecture) || cmp(a.channel, b.channel)),
      assertions: [...assertions].sort((a, b) => cmp(a[1], b[1]) || cmp(a[0], b[0])).map(([text]) => text),
    },
    artifacts: entries.map((e) => e.artifact),
  };
}

/** The store's answer for one request; a prerequisite that cannot be had says whose it is. */
async function askStore(spec: SnapSpec, request: SnapRequest, architecture: string, label: string, neededBy: string | undefined): Promise<StoreSnap> {
  try {
    return readDownloadAnswer(await postDownloadAction(spec.store, request, architecture), label, architecture);
  } catch (err) {
    if (neededBy === undefined || !isAirlockError(err)) throw err;
    throw new AirlockError(err.code, `prerequisite ${request.name} of ${neededBy} cannot be resolved for ${architecture}, so ${neededBy} would not install offline: ${err.message}`, { cause: err, details: { ...err.details, prerequisite: request.name, neededBy } });
  }
}

/** With prerequisites: false, what the carried snaps need that the bundle does not carry. */
function missingPrerequisites(revisions: CatalogRevision[]): ResolveWarning[] {
  const names = new Set(revisions.map((r) => r.name));
  const warnings: ResolveWarning[] = [];
  for (const revision of revisions) {
    const missing = revision.prerequisites.filter((p) => !names.has(p));
    if (missing.length > 0) {
      warnings.push({ kind: 'PREREQUISITE_MISSING', message: `${revision.name} ${revision.revision} needs ${missing.join(', ')}, which this bundle does not carry (prerequisites: false); the site's machines must have them installed already, or set prerequisites: true` });
    }
  }
  return warnings;
}

async function carry(snap: StoreSnap, roots: TrustedRoots, fetcher: AssertionFetcher, ctx: ExportContext): Promise<Carried> {
  const file = await downloadSnap(snap, ctx);
  const chain = new AssertionChain(roots, await collectChain(file.sha3, snap.snapId, roots, fetcher), timeFromDate(new Date()));
  const ordered = crossCheckSnap(chain, { name: snap.name, snapId: snap.snapId, revision: snap.revision, sha3Hex: file.sha3, size: file.size });
  const declaration = chain.declaration(snap.snapId, snap.name);
  const publisher = chain.account(declaration.publisherId, declaration.label);
  return {
    revision: {
      name: snap.name,
      snapId: snap.snapId,
      revision: snap.revision,
      architectures: snap.architectures.length > 0 ? snap.architectures : ['all'],
      version: snap.version,
      type: snap.type,
      base: snap.base,
      confinement: snap.confinement,
      epoch: snap.epoch,
      summary: snap.summary,
      title: snap.title,
      description: snap.description,
      license: snap.license,
      snapYaml: snap.snapYaml,
      publisher: { id: publisher.accountId, username: publisher.username ?? publisher.accountId, displayName: publisher.displayName },
      createdAt: snap.createdAt,
      digest: file.digest,
      size: file.size,
      sha3: file.sha3,
      prerequisites: prerequisitesOf(snap.type, snap.base, snap.snapYaml),
    },
    artifact: { digest: file.digest, size: file.size, source: { kind: 'file', path: file.path }, label: `${snap.name}_${snap.revision}.snap` },
    chain: ordered,
  };
}

/** The exporter trusts the built-in Canonical root plus the roots the config names. */
async function exporterRoots(spec: SnapSpec): Promise<TrustedRoots> {
  const roots = builtinRoots();
  if (spec.trustedRoots === undefined) return roots;
  const extra = readRootFile(await readFileLimited(spec.trustedRoots, ROOT_FILE_LIMIT, `trustedRoots ${spec.trustedRoots}`), spec.trustedRoots);
  return { keys: [...roots.keys, ...extra.keys], accounts: [...roots.accounts, ...extra.accounts] };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
