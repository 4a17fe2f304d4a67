import type { ClientSnippet, DescribeContext, SourceDescription } from '@airlock/core';
import { readPackageEntry } from './package-entry.js';
import type { AptCatalog, CarriedDist } from './types.js';

/** Where the site page tells clients to keep the site key: outside trusted.gpg.d, trusted for these sources only. */
export const APT_SITE_KEYRING = '/etc/apt/keyrings/airlock-site.gpg';

/** What `apt/<name>/` offers: its packages and suites, and the apt configuration that uses it. */
export function describeApt(catalog: AptCatalog, ctx: DescribeContext): SourceDescription {
  const packages = new Map<string, number>();
  const components = new Set<string>();
  const architectures = new Set<string>();
  for (const dist of catalog.dists) {
    for (const index of dist.indexes) {
      if (!dist.flat) components.add(index.component);
      architectures.add(index.architecture);
      for (const stanza of index.stanzas) {
        const entry = readPackageEntry(stanza, `apt/${ctx.sourceName}`);
        packages.set(entry.filename, entry.size);
      }
    }
  }
  const base = `{{url}}apt/${ctx.sourceName}`;
  return {
    counts: [
      { label: 'packages', value: packages.size },
      { label: 'suites', value: catalog.dists.length },
      ...(components.size > 0 ? [{ label: 'components', value: components.size }] : []),
      { label: 'architectures', value: architectures.size },
    ],
    bytes: [...packages.values()].reduce((a, b) => a + b, 0),
    clients: [keySnippet(), listSnippet(catalog.dists, base, ctx.sourceName), deb822Snippet(catalog.dists, base, ctx.sourceName)],
  };
}

function keySnippet(): ClientSnippet {
  return {
    id: 'apt-key',
    title: 'apt: fetch the site key',
    template: `install -d -m 0755 /etc/apt/keyrings\ncurl -fsSLo ${APT_SITE_KEYRING} {{url}}keys/site.gpg`,
    note: 'As root, once per machine. The key is kept outside trusted.gpg.d, so apt trusts it only for the sources that name it in signed-by.',
  };
}

/** Components of a dist, in the order its indexes list them. */
const componentsOf = (dist: CarriedDist): string[] => [...new Set(dist.indexes.map((i) => i.component))];

function listSnippet(dists: CarriedDist[], base: string, name: string): ClientSnippet {
  const lines = dists.map((d) => `deb [signed-by=${APT_SITE_KEYRING}] ${base} ${d.suite}${d.flat ? '' : ` ${componentsOf(d).join(' ')}`}`);
  return { id: 'apt-sources-list', title: 'apt: one-line sources.list entries', file: `/etc/apt/sources.list.d/airlock-${name}.list`, template: `${lines.join('\n')}\n`, note: 'Then apt-get update. Use this file or the deb822 one below, not both.' };
}

function deb822Snippet(dists: CarriedDist[], base: string, name: string): ClientSnippet {
  const stanzas: string[] = [];
  // Suites that share their components share one stanza, as sources.list.d/*.sources files usually do.
  const groups = new Map<string, string[]>();
  for (const d of dists.filter((x) => !x.flat)) {
    const key = componentsOf(d).join(' ');
    groups.set(key, [...(groups.get(key) ?? []), d.suite]);
  }
  for (const [components, suites] of groups) stanzas.push(stanza(base, suites.join(' '), components));
  for (const d of dists.filter((x) => x.flat)) stanzas.push(stanza(base, d.suite, undefined));
  return { id: 'apt-deb822', title: 'apt: deb822 sources file', file: `/etc/apt/sources.list.d/airlock-${name}.sources`, template: `${stanzas.join('\n')}`, note: 'The same sources in the deb822 format (apt 1.1 and later).' };
}

function stanza(base: string, suites: string, components: string | undefined): string {
  return ['Types: deb', `URIs: ${base}`, `Suites: ${suites}`, ...(components === undefined ? [] : [`Components: ${components}`]), `Signed-By: ${APT_SITE_KEYRING}`, ''].join('\n');
}
