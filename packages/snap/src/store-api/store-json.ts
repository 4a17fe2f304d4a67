import { parseChannel } from '../channel.js';
import type { IndexRevision } from '../publication-index.js';

/** A revision as the store's `storeSnap` JSON (snapd store/details_v2.go), its download URL absolute. */
export function storeSnap(r: IndexRevision, downloadBase: string): Record<string, unknown> {
  return {
    architectures: r.architectures,
    base: r.base,
    confinement: r.confinement,
    contact: '',
    'created-at': r['created-at'],
    description: r.description,
    download: { url: `${downloadBase}/${r.files.snap}`, 'sha3-384': r['sha3-384'], size: r.size, deltas: [] },
    epoch: r.epoch,
    license: r.license,
    name: r.name,
    prices: {},
    private: false,
    publisher: { id: r.publisher.id, username: r.publisher.username, 'display-name': r.publisher['display-name'], validation: 'unproven' },
    revision: r.revision,
    'snap-id': r['snap-id'],
    'snap-yaml': r['snap-yaml'],
    summary: r.summary,
    title: r.title,
    type: r.type,
    version: r.version,
    website: '',
    'store-url': '',
    media: [],
    'common-ids': [],
  };
}

/** GET /v2/snaps/info/<name>: the snap and its channel map, sorted by track, risk and architecture. */
export function infoAnswer(revisions: IndexRevision[], architecture: string | undefined, downloadBase: string): Record<string, unknown> | undefined {
  const map: Array<{ r: IndexRevision; channel: string; arch: string; releasedAt: string }> = [];
  for (const r of revisions) for (const c of r.channels) if (!architecture || c.architecture === architecture) map.push({ r, channel: c.channel, arch: c.architecture, releasedAt: c['released-at'] });
  const withoutBranch = map.filter((m) => parseChannel(m.channel)?.branch === '');
  if (withoutBranch.length === 0) return undefined;
  const risks = ['stable', 'candidate', 'beta', 'edge'];
  withoutBranch.sort((a, b) => {
    const ca = parseChannel(a.channel)!;
    const cb = parseChannel(b.channel)!;
    return ca.track.localeCompare(cb.track) || risks.indexOf(ca.risk) - risks.indexOf(cb.risk) || a.arch.localeCompare(b.arch);
  });
  const first = withoutBranch[0]!;
  return {
    name: first.r.name,
    'snap-id': first.r['snap-id'],
    'default-track': null,
    snap: storeSnap(first.r, downloadBase),
    'channel-map': withoutBranch.map((m) => {
      const c = parseChannel(m.channel)!;
      return { ...storeSnap(m.r, downloadBase), channel: { architecture: m.arch, name: c.track === 'latest' ? c.risk : `${c.track}/${c.risk}`, risk: c.risk, track: c.track, 'released-at': m.releasedAt } };
    }),
  };
}
