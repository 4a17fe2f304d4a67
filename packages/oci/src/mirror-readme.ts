import { apiHost } from './reference.js';
import type { OciCatalog } from './types.js';

/** Operator notes written next to the layout: what is here and how runtimes reach it, per upstream host. */
export function mirrorReadme(sourceName: string, catalog: OciCatalog): string {
  const images = catalog.images.map((i) => `- \`${i.repository}:${i.tag}\` = \`${i.digest}\` (from \`${i.upstream}\`)`);
  const hosts = [...new Set(catalog.images.map((i) => upstreamHost(i.upstream)).filter((h): h is string => h !== undefined))].sort();
  return [
    `# oci/${sourceName}`,
    '',
    'An OCI image layout. `airlock serve` answers the registry pull API (`/v2/`) for these images;',
    'replace `SITE:PORT` below with the address it listens on (or the registry they were pushed to).',
    'Digests are the upstream digests. Repository names drop the upstream host (plus any prefix/rename).',
    '',
    '## Images',
    '',
    ...images,
    '',
    ...hosts.flatMap((host) => [
      `## containerd: \`/etc/containerd/certs.d/${host}/hosts.toml\``,
      '',
      '```toml',
      `server = "https://${apiHost(host)}"`,
      '',
      '[host."http://SITE:PORT"]',
      '  capabilities = ["pull", "resolve"]',
      '```',
      '',
    ]),
    '## CRI-O / podman: `/etc/containers/registries.conf.d/airlock.conf`',
    '',
    '```toml',
    ...hosts.flatMap((host) => ['[[registry]]', `prefix = "${host}"`, `location = "${host}"`, '', '[[registry.mirror]]', 'location = "SITE:PORT"', 'insecure = true', '']),
    '```',
    '',
    ...(hosts.includes('docker.io')
      ? ['## docker: `/etc/docker/daemon.json` (Docker Hub images only)', '', '```json', '{ "registry-mirrors": ["http://SITE:PORT"], "insecure-registries": ["SITE:PORT"] }', '```', '']
      : []),
    'Copy an image elsewhere with `skopeo copy oci:<this dir>:<repository>:<tag> docker://…`.',
    '',
  ].join('\n');
}

/** The registry host of an upstream reference; undefined for local layouts and archives. */
function upstreamHost(upstream: string): string | undefined {
  if (upstream.startsWith('oci-layout:') || upstream.startsWith('docker-archive:')) return undefined;
  const host = upstream.split('/')[0] ?? '';
  return /^[A-Za-z0-9.\-:[\]]+$/.test(host) ? host : undefined;
}
