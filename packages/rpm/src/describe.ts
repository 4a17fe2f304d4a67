import type { DescribeContext, SourceDescription } from '@airlock/core';
import type { RpmCatalog } from './types.js';

/** What `rpm/<name>/` offers: its packages, and the dnf/yum repo file that uses it with the site key. */
export function describeRpm(catalog: RpmCatalog, ctx: DescribeContext): SourceDescription {
  const id = `airlock-${ctx.sourceName}`;
  const repo = [
    `[${id}]`,
    `name=${ctx.sourceName} (airlock)`,
    `baseurl={{url}}rpm/${ctx.sourceName}/`,
    'enabled=1',
    'repo_gpgcheck=1',
    'gpgcheck=0',
    'gpgkey={{url}}keys/site.asc',
    '',
  ].join('\n');
  const packageSignatures = catalog.gpgcheck === true
    ? ' airlock checked every package\'s own vendor signature at export and again on import; to have dnf check it too, set gpgcheck=1 and add the vendor\'s key as a second gpgkey line.'
    : '';
  return {
    counts: [
      { label: 'packages', value: catalog.packages.length },
      ...(catalog.unsatisfied.length > 0 ? [{ label: 'requirements left to the OS', value: catalog.unsatisfied.length }] : []),
    ],
    bytes: catalog.packages.reduce((sum, p) => sum + p.size, 0),
    clients: [
      {
        id: 'dnf-repo',
        title: 'dnf / yum: repository file',
        file: `/etc/yum.repos.d/${id}.repo`,
        template: repo,
        note: `repo_gpgcheck=1 checks repodata/repomd.xml against the site key, and with it the sha256 of every package dnf downloads.${packageSignatures} dnf asks to import the site key on first use (-y accepts it).`,
      },
    ],
  };
}
