import type { ClientSnippet, DescribeContext, SourceDescription } from '@airlock/core';
import { apiHost, REPO_RE } from './reference.js';
import type { CatalogImage, OciCatalog } from './types.js';

/** Pull examples list at most this many images; the source's README.md lists them all. */
const MAX_EXAMPLES = 50;

/** An upstream registry image the site mirrors: its host and repository path there. */
interface Mirrored {
  host: string;
  path: string;
  image: CatalogImage;
}

/**
 * What `oci/<name>/` offers through `airlock serve`'s registry API: its images, mirror entries for
 * CRI-O/podman (registries.conf) and containerd (hosts.toml), and pull examples. An image whose
 * site name is its upstream path minus the host is covered by one mirror entry per upstream host;
 * a renamed or prefixed one needs an entry of its own, which only registries.conf can express.
 */
export function describeOci(catalog: OciCatalog, ctx: DescribeContext): SourceDescription {
  const mirrored = catalog.images.map(mirroredOf).filter((m): m is Mirrored => m !== undefined);
  const wholeHosts = [...new Set(mirrored.filter((m) => m.path === m.image.repository).map((m) => m.host))].sort();
  const renamed = dedupe(mirrored.filter((m) => m.path !== m.image.repository).map((m) => ({ prefix: `${m.host}/${m.path}`, location: m.image.repository })));
  const blobs = new Map([...catalog.manifests, ...catalog.blobs].map((b) => [b.digest, b.size]));
  const clients: ClientSnippet[] = [];
  if (wholeHosts.length + renamed.length > 0) clients.push(registriesConf(ctx.sourceName, wholeHosts, renamed));
  for (const host of wholeHosts) clients.push(containerdHosts(host));
  if (catalog.images.length > 0) clients.push(skopeoCopy(catalog.images), podmanPull(catalog.images));
  return {
    counts: [
      { label: 'images', value: catalog.images.length },
      { label: 'repositories', value: new Set(catalog.images.map((i) => i.repository)).size },
      { label: 'blobs', value: blobs.size },
    ],
    bytes: [...blobs.values()].reduce((a, b) => a + b, 0),
    clients,
  };
}

function registriesConf(name: string, hosts: string[], renamed: Array<{ prefix: string; location: string }>): ClientSnippet {
  const entry = (prefix: string, location: string): string =>
    ['[[registry]]', `prefix = "${prefix}"`, `location = "${prefix}"`, '', '[[registry.mirror]]', `location = "${location}"`, 'insecure = {{insecure}}', ''].join('\n');
  return {
    id: 'registries-conf',
    title: 'CRI-O, podman, skopeo, buildah: registries.conf mirror entries',
    file: `/etc/containers/registries.conf.d/airlock-${name}.conf`,
    template: [...hosts.map((h) => entry(h, '{{host}}')), ...renamed.map((r) => entry(r.prefix, `{{host}}/${r.location}`))].join('\n'),
    note: 'Pulls of the upstream names (by tag or digest) then come from this site; the upstream stays the fallback.',
  };
}

function containerdHosts(host: string): ClientSnippet {
  return {
    id: `containerd-hosts-${host}`,
    title: `containerd: mirror for ${host}`,
    file: `/etc/containerd/certs.d/${host}/hosts.toml`,
    template: [`server = "https://${apiHost(host)}"`, '', '[host."{{origin}}"]', '  capabilities = ["pull", "resolve"]', ''].join('\n'),
    note: 'containerd reads it when its CRI registry config_path is /etc/containerd/certs.d (the default of containerd 2; set it in config.toml for 1.x).',
  };
}

function skopeoCopy(images: CatalogImage[]): ClientSnippet {
  const lines = images.slice(0, MAX_EXAMPLES).map((i) => `skopeo copy --src-tls-verify={{tlsVerify}} docker://{{host}}/${i.repository}@${i.digest} oci:${lastSegment(i.repository)}:${i.tag}`);
  return { id: 'skopeo-copy', title: 'skopeo: copy images by digest', template: `${lines.join('\n')}\n`, note: more(images, 'Each writes an OCI layout directory in the current directory.') };
}

function podmanPull(images: CatalogImage[]): ClientSnippet {
  const lines = images.slice(0, MAX_EXAMPLES).map((i) => `podman pull --tls-verify={{tlsVerify}} {{host}}/${i.repository}:${i.tag}`);
  return { id: 'podman-pull', title: 'podman: pull from this site', template: `${lines.join('\n')}\n`, note: more(images, 'With the registries.conf entries above, the upstream names work too.') };
}

function more(images: CatalogImage[], text: string): string {
  return images.length > MAX_EXAMPLES ? `${text} The first ${MAX_EXAMPLES} of ${images.length} images; README.md in this source's directory lists them all.` : text;
}

/** `host/path:tag` of a registry upstream; undefined for local layouts and archives. */
function mirroredOf(image: CatalogImage): Mirrored | undefined {
  if (image.upstream.startsWith('oci-layout:') || image.upstream.startsWith('docker-archive:')) return undefined;
  const slash = image.upstream.indexOf('/');
  const host = image.upstream.slice(0, slash);
  const rest = image.upstream.slice(slash + 1).split('@')[0] ?? '';
  const path = rest.includes(':') ? rest.slice(0, rest.lastIndexOf(':')) : rest;
  if (slash <= 0 || !/^[A-Za-z0-9.-]+(?::\d{1,5})?$/.test(host) || !REPO_RE.test(path)) return undefined;
  return { host, path, image };
}

function dedupe(entries: Array<{ prefix: string; location: string }>): Array<{ prefix: string; location: string }> {
  return [...new Map(entries.map((e) => [e.prefix, e])).values()].sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0));
}

const lastSegment = (repository: string): string => repository.split('/').pop() ?? repository;
