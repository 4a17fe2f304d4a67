import { describe, expect, it } from 'vitest';
import { expectCodeSync } from '@airlock/test-utils';
import { parseSnapSpec } from './parse-spec.js';

describe('snap source config', () => {
  it('applies the defaults of the issue: api.snapcraft.io, amd64, latest/stable, prerequisites on, 2 revisions kept', () => {
    const spec = parseSnapSpec({ type: 'snap', name: 'snaps', snaps: ['lxd', { name: 'maas', channel: '3.5/stable' }, { name: 'hello-world', revision: 29 }, { name: 'x1', channel: 'edge' }], trustedRoots: './root.assert' }, 'sources[0]', '/etc/airlock');
    expect(spec).toEqual({
      type: 'snap',
      name: 'snaps',
      store: 'https://api.snapcraft.io',
      architectures: ['amd64'],
      snaps: [{ name: 'lxd', channel: 'latest/stable' }, { name: 'maas', channel: '3.5/stable' }, { name: 'hello-world', revision: 29 }, { name: 'x1', channel: 'latest/edge' }],
      prerequisites: true,
      trustedRoots: '/etc/airlock/root.assert',
      keepRevisions: 2,
    });
  });

  it('lists every bad field at once', () => {
    const err = expectCodeSync(
      () => parseSnapSpec({ type: 'snap', name: 'snaps', store: 'ftp://x', architectures: ['vax'], snaps: [{ name: 'Bad_Name' }, { name: 'a', channel: 'x/y/z/w' }, { name: 'b', channel: 'stable', revision: 3 }, { name: 'c', revision: 0 }], prerequisites: 'yes', keepRevisions: 0, extra: 1 }, 'sources[0]', '/'),
      'CONFIG_INVALID',
    );
    const paths = (err.details?.problems as Array<{ path: string }>).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['sources[0].extra', 'sources[0].store', 'sources[0].architectures', 'sources[0].snaps[0].name', 'sources[0].snaps[1].channel', 'sources[0].snaps[2]', 'sources[0].snaps[3].revision', 'sources[0].prerequisites', 'sources[0].keepRevisions']));
  });
});
