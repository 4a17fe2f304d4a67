import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AirlockError } from '@airlock/core';
import { tempDir } from '@airlock/test-utils';
import { parseOciSpec } from './parse-spec.js';
import { ociLocalFiles } from './local-files.js';

/** What `kubeadm config images list --kubernetes-version v1.30.2` prints. */
const KUBEADM_LIST = `registry.k8s.io/kube-apiserver:v1.30.2
registry.k8s.io/kube-controller-manager:v1.30.2
registry.k8s.io/kube-scheduler:v1.30.2
registry.k8s.io/kube-proxy:v1.30.2
registry.k8s.io/coredns/coredns:v1.11.1
registry.k8s.io/pause:3.9
registry.k8s.io/etcd:3.5.12-0
`;

function problemsOf(fn: () => unknown): Array<{ path: string; message: string }> {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AirlockError);
    return (err as AirlockError).details?.problems as Array<{ path: string; message: string }>;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('oci images: {fromFile}', () => {
  it('reads an image list file as kubeadm prints it, relative to the config', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'images.txt'), KUBEADM_LIST);
    const spec = parseOciSpec({ type: 'oci', name: 'k8s', images: { fromFile: 'images.txt' } }, 'sources[0]', dir);
    expect(spec.images.map((i) => `${i.location}/${i.repository}:${i.tag}`)).toEqual(KUBEADM_LIST.trim().split('\n'));
    expect(spec.images[5]?.field).toBe(`sources[0].images.fromFile (${join(dir, 'images.txt')} line 6)`);
  });

  it('mixes listed references with fixed ones, skipping comments and blank lines', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'list'), '# cluster images\n\nregistry.k8s.io/pause:3.9   # sandbox\n');
    const spec = parseOciSpec({ type: 'oci', name: 'k8s', images: ['docker.io/calico/node:v3.28.0', { fromFile: 'list' }] }, 's', dir);
    expect(spec.images.map((i) => i.text)).toEqual(['docker.io/calico/node:v3.28.0', 'registry.k8s.io/pause:3.9']);
  });

  it('reports a missing list file and every bad line with the rest of the problems', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'bad.txt'), 'registry.k8s.io/pause:3.9\nNot A Reference\nrepo@sha256:abc\n');
    const problems = problemsOf(() => parseOciSpec({ type: 'oci', name: 'k8s', images: [{ fromFile: 'bad.txt' }, { fromFile: 'absent.txt', extra: 1 }], platforms: ['amd64'] }, 's', dir));
    const paths = problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining([
      `s.images[0].fromFile (${join(dir, 'bad.txt')} line 2)`,
      `s.images[0].fromFile (${join(dir, 'bad.txt')} line 3)`,
      's.images[1].extra',
      's.images[1].fromFile',
      's.platforms[0]',
    ]));
    expect(problems.find((p) => p.path === 's.images[1].fromFile')?.message).toMatch(/absent\.txt does not exist/);
  });

  it('refuses an empty list file and a file far too large to be a list', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'empty'), '# nothing yet\n');
    await writeFile(join(dir, 'huge'), Buffer.alloc((1 << 20) + 1, 0x61));
    expect(problemsOf(() => parseOciSpec({ type: 'oci', name: 'k8s', images: { fromFile: 'empty' } }, 's', dir))[0]?.message).toMatch(/lists no image/);
    expect(problemsOf(() => parseOciSpec({ type: 'oci', name: 'k8s', images: { fromFile: 'huge' } }, 's', dir))[0]?.message).toMatch(/not an image list/);
  });

  it('names local layouts, archives and the auth file for config check', () => {
    const spec = parseOciSpec({ type: 'oci', name: 'x', images: ['oci-layout:./built:v1', 'docker-archive:img.tar', 'busybox:1'], auth: { file: 'auth.json' } }, 'sources[2]', '/cfg');
    expect(ociLocalFiles(spec, 'sources[2]')).toEqual([
      { field: 'sources[2].images[0]', path: '/cfg/built', kind: 'directory' },
      { field: 'sources[2].images[1]', path: '/cfg/img.tar', kind: 'file' },
      { field: 'sources[2].auth.file', path: '/cfg/auth.json', kind: 'file' },
    ]);
  });
});
