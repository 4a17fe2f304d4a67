import { describe, expect, it } from 'vitest';
import { AirlockError } from '@airlock/core';
import { parseOciSpec } from './parse-spec.js';

describe('parseOciSpec', () => {
  it('parses every image form', () => {
    const spec = parseOciSpec(
      {
        type: 'oci',
        name: 'k8s',
        images: [
          'registry.k8s.io/pause:3.9',
          `docker.io/library/nginx:1.25@sha256:${'a'.repeat(64)}`,
          { image: 'ghcr.io/org/app', tags: 'v1\\..*', prefix: 'gh' },
          'oci-layout:./built:v2',
          { image: 'docker-archive:img.tar', rename: 'team/tool' },
          'busybox',
        ],
        platforms: ['linux/amd64', 'linux/arm64/v8'],
        auth: { file: 'auth.json' },
        insecureRegistries: ['10.0.0.5:5000'],
      },
      'sources[0]',
      '/cfg',
    );
    expect(spec.images.map((i) => [i.kind, i.location, i.repository, i.tag, i.pinned, i.tagPattern])).toEqual([
      ['registry', 'registry.k8s.io', 'pause', '3.9', undefined, undefined],
      ['registry', 'docker.io', 'library/nginx', '1.25', `sha256:${'a'.repeat(64)}`, undefined],
      ['registry', 'ghcr.io', 'org/app', undefined, undefined, 'v1\\..*'],
      ['oci-layout', '/cfg/built', '', 'v2', undefined, undefined],
      ['docker-archive', '/cfg/img.tar', '', undefined, undefined, undefined],
      ['registry', 'docker.io', 'library/busybox', undefined, undefined, undefined],
    ]);
    expect(spec.authFile).toBe('/cfg/auth.json');
  });

  it('lists every bad field at once', () => {
    let error: unknown;
    try {
      parseOciSpec({ type: 'oci', name: '../x', images: ['UPPER/case', 'repo@sha256:abc', { image: 'a/b:1', tags: '(' , extra: 1 }], platforms: ['amd64'], auth: 'file', colour: 1 }, 's', '/');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AirlockError);
    expect((error as AirlockError).code).toBe('CONFIG_INVALID');
    const paths = ((error as AirlockError).details?.problems as Array<{ path: string }>).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['s.colour', 's.name', 's.images[0]', 's.images[1]', 's.images[2].extra', 's.images[2].tags', 's.platforms[0]', 's.auth']));
  });
});
