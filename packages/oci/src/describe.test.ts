import { describe, expect, it } from 'vitest';
import { sha256Digest } from '@airlock/core';
import { describeOci } from './describe.js';
import { OCI_MANIFEST } from './media-types.js';
import type { CatalogImage, OciCatalog } from './types.js';

const image = (repository: string, tag: string, upstream: string): CatalogImage => ({ repository, tag, digest: sha256Digest(`${repository}:${tag}`), size: 10, mediaType: OCI_MANIFEST, upstream });

function catalog(images: CatalogImage[]): OciCatalog {
  return {
    version: 1,
    images,
    manifests: images.map((i) => ({ digest: i.digest, size: i.size, mediaType: OCI_MANIFEST })),
    blobs: [{ digest: sha256Digest('layer'), size: 1000, mediaType: 'application/vnd.oci.image.layer.v1.tar' }],
  };
}

describe('describeOci', () => {
  it('mirrors each upstream host once, gives renamed images their own registries.conf entry, and skips local layouts', () => {
    const d = describeOci(
      catalog([
        image('library/nginx', '1.25', 'docker.io/library/nginx:1.25'),
        image('pause', '3.9', 'registry.k8s.io/pause:3.9'),
        image('site/coredns', 'v1.11.1', 'registry.k8s.io/coredns/coredns:v1.11.1'),
        image('local/app', '1', 'oci-layout:/srv/app#app:1'),
      ]),
      { sourceName: 'k8s' },
    );
    expect(d.counts).toEqual([{ label: 'images', value: 4 }, { label: 'repositories', value: 4 }, { label: 'blobs', value: 5 }]);
    expect(d.bytes).toBe(1040);
    expect(d.clients.map((c) => c.id)).toEqual(['registries-conf', 'containerd-hosts-docker.io', 'containerd-hosts-registry.k8s.io', 'skopeo-copy', 'podman-pull']);
    const conf = d.clients[0]!;
    expect(conf.file).toBe('/etc/containers/registries.conf.d/airlock-k8s.conf');
    expect(conf.template).toContain('[[registry]]\nprefix = "docker.io"\nlocation = "docker.io"\n\n[[registry.mirror]]\nlocation = "{{host}}"\ninsecure = {{insecure}}\n');
    expect(conf.template).toContain('prefix = "registry.k8s.io/coredns/coredns"\nlocation = "registry.k8s.io/coredns/coredns"\n\n[[registry.mirror]]\nlocation = "{{host}}/site/coredns"\n');
    expect(conf.template).not.toContain('oci-layout');
    expect(d.clients[1]).toMatchObject({ file: '/etc/containerd/certs.d/docker.io/hosts.toml', template: 'server = "https://registry-1.docker.io"\n\n[host."{{origin}}"]\n  capabilities = ["pull", "resolve"]\n' });
    expect(d.clients[3]?.template.split('\n')[0]).toBe(`skopeo copy --src-tls-verify={{tlsVerify}} docker://{{host}}/library/nginx@${sha256Digest('library/nginx:1.25')} oci:nginx:1.25`);
    expect(d.clients[4]?.template).toContain('podman pull --tls-verify={{tlsVerify}} {{host}}/local/app:1\n');
  });

  it('lists at most 50 pull examples and says where the rest are', () => {
    const many = Array.from({ length: 60 }, (_, n) => image(`r/img${n}`, '1', `docker.io/r/img${n}:1`));
    const pull = describeOci(catalog(many), { sourceName: 'big' }).clients.find((c) => c.id === 'podman-pull');
    expect(pull?.template.trim().split('\n')).toHaveLength(50);
    expect(pull?.note).toContain('The first 50 of 60 images; README.md');
  });
});
