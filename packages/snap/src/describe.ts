import type { DescribeContext, SourceDescription } from '@airlock/core';
import { currentRevisions } from './install-order.js';
import type { CatalogRevision, SnapCatalog } from './types.js';

/** The store-API drop-in the site page names; snapd reads every *.conf of its service's drop-in directory. */
export const SNAPD_DROPIN = '/etc/systemd/system/snapd.service.d/airlock-store.conf';

/** What `snap/<name>/` offers: its snaps, the side-load area with install.sh, and the store API for snapd. */
export function describeSnap(catalog: SnapCatalog, ctx: DescribeContext): SourceDescription {
  const base = `{{url}}snap/${ctx.sourceName}/`;
  // What install.sh installs on some architecture; names and revisions are validated ([a-z0-9-], integers).
  const installed = new Map<string, CatalogRevision>();
  for (const architecture of catalog.architectures) for (const r of currentRevisions(catalog, architecture)) installed.set(`${r.name}_${r.revision}`, r);
  const files = ['install.sh', ...[...installed.keys()].sort().flatMap((b) => [`${b}.assert`, `${b}.snap`])];
  const example = catalog.revisions.find((r) => r.name === catalog.requested[0]) ?? catalog.revisions[0];
  const install = example === undefined ? 'snap install SNAP' : `snap install${example.confinement === 'classic' ? ' --classic' : ''} ${example.name}`;
  return {
    counts: [
      { label: 'snaps', value: new Set(catalog.revisions.map((r) => r.name)).size },
      { label: 'revisions', value: catalog.revisions.length },
      { label: 'architectures', value: catalog.architectures.length },
    ],
    bytes: catalog.revisions.reduce((sum, r) => sum + r.size, 0),
    clients: [
      {
        id: 'snap-install',
        title: 'snapd, any device: side-load with install.sh',
        template: [
          'mkdir -p airlock-snaps && cd airlock-snaps',
          `for f in ${files.join(' ')}; do curl -fsSLO "${base}$f"; done`,
          'sh install.sh',
        ].join('\n'),
        note: 'As root. install.sh acknowledges each snap\'s assertions and installs snapd, the bases, the default providers and then the snaps for this device\'s architecture (AIRLOCK_SNAP_ARCH overrides it).',
      },
      {
        id: 'snapd-store',
        title: 'snapd: use this site as its store (drop-in)',
        file: SNAPD_DROPIN,
        template: `[Service]\nEnvironment=SNAPPY_FORCE_API_URL=${base}\n`,
        note: 'SNAPPY_FORCE_API_URL is a snapd testing override, not a route Canonical supports (that is the Enterprise Store). Apply it with the commands below.',
      },
      {
        id: 'snapd-store-apply',
        title: 'snapd: apply the drop-in',
        template: `systemctl daemon-reload\nsystemctl restart snapd\n${install}`,
      },
    ],
  };
}
