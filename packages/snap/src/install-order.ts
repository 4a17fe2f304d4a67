import { fallbackRisks, parseChannel } from './channel.js';
import type { CatalogRevision, SnapCatalog } from './types.js';

const BASE_TYPES = ['base', 'core', 'os'];

/** The revision a device of `architecture` gets for `name` on `channel` (a missing risk falls back to a more stable one). */
export function revisionFor(catalog: SnapCatalog, name: string, channel: string, architecture: string): CatalogRevision | undefined {
  const wanted = parseChannel(channel);
  if (!wanted) return undefined;
  for (const risk of fallbackRisks(wanted.risk)) {
    const full = [wanted.track, risk, ...(risk === wanted.risk && wanted.branch ? [wanted.branch] : [])].join('/');
    const entry = catalog.channels.find((c) => c.name === name && c.architecture === architecture && c.channel === full);
    if (entry) return catalog.revisions.find((r) => r.name === name && r.revision === entry.revision);
  }
  return undefined;
}

/** What a device of `architecture` installs: each snap's current revision (pinned ones when no channel names it). */
export function currentRevisions(catalog: SnapCatalog, architecture: string): CatalogRevision[] {
  const chosen = new Map<string, CatalogRevision>();
  for (const c of catalog.channels) {
    if (c.architecture !== architecture || chosen.has(c.name)) continue;
    const preferred = catalog.channels.filter((o) => o.name === c.name && o.architecture === architecture).sort((a, b) => rank(a.channel) - rank(b.channel))[0];
    const r = preferred && catalog.revisions.find((x) => x.name === preferred.name && x.revision === preferred.revision);
    if (r) chosen.set(c.name, r);
  }
  for (const r of catalog.revisions) {
    if (chosen.has(r.name) || !catalog.requested.includes(r.name)) continue;
    if (!r.architectures.includes('all') && !r.architectures.includes(architecture)) continue;
    const newest = catalog.revisions.filter((x) => x.name === r.name && (x.architectures.includes('all') || x.architectures.includes(architecture))).sort((a, b) => b.revision - a.revision)[0];
    if (newest) chosen.set(r.name, newest);
  }
  return [...chosen.values()];
}

/** snapd first, then bases, then the rest with each snap's prerequisites before it (default providers before their users). */
export function installOrder(revisions: CatalogRevision[]): CatalogRevision[] {
  const byName = new Map(revisions.map((r) => [r.name, r]));
  const order: CatalogRevision[] = [];
  const placed = new Set<string>();
  const visit = (r: CatalogRevision, path: Set<string>): void => {
    if (placed.has(r.name) || path.has(r.name)) return;
    path.add(r.name);
    for (const p of r.prerequisites) {
      const dep = byName.get(p);
      if (dep) visit(dep, path);
    }
    placed.add(r.name);
    order.push(r);
  };
  const sorted = [...revisions].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const snapd = sorted.filter((r) => r.type === 'snapd' || r.name === 'snapd');
  const bases = sorted.filter((r) => !snapd.includes(r) && BASE_TYPES.includes(r.type));
  for (const r of [...snapd, ...bases, ...sorted]) visit(r, new Set());
  return order;
}

/** Default channels first: latest/stable before other tracks and riskier channels. */
function rank(channel: string): number {
  const c = parseChannel(channel);
  if (!c) return 99;
  return (c.track === 'latest' ? 0 : 10) + ['stable', 'candidate', 'beta', 'edge'].indexOf(c.risk) + (c.branch ? 5 : 0);
}
