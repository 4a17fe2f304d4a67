import { describe, expect, it } from 'vitest';
import type { Digest } from '@airlock/core';
import type { Manifest } from '@airlock/bundle';
import type { SiteState } from '@airlock/state';
import { airlockHome } from '../home.js';
import type { FreeSpaceReader } from './free-space.js';
import { importSpaceNeeds } from './import-space.js';

const d = (c: string): Digest => `sha256:${c.repeat(64)}`;
const MiB = 1024 * 1024;

/** Two volumes: volume 1 holds blob a (10 MiB) and the catalog c, volume 2 the two halves of split blob b (2 × 20 MiB). */
const manifest = {
  id: 'site-000001',
  sources: [{ type: 'files', name: 'x', catalog: d('c'), requires: [d('a'), d('b')] }],
  blobs: [
    { digest: d('a'), size: 10 * MiB },
    { digest: d('b'), size: 40 * MiB, parts: [{ index: 0, offset: 0, size: 20 * MiB, digest: d('e') }, { index: 1, offset: 20 * MiB, size: 20 * MiB, digest: d('f') }] },
    { digest: d('c'), size: MiB },
  ],
  volumes: [
    { number: 1, name: 'v1', size: 0, sha256: '', entries: [{ digest: d('a') }, { digest: d('c') }] },
    { number: 2, name: 'v2', size: 0, sha256: '', entries: [{ digest: d('b'), part: 0 }, { digest: d('b'), part: 1 }] },
  ],
} as unknown as Manifest;

const home = airlockHome('/site');
const state = (has: Digest[]): SiteState => ({ heldBlobs: (digests: Iterable<Digest>) => new Set([...digests].filter((d) => has.includes(d))) }) as unknown as SiteState;
const oneDisk: FreeSpaceReader = async () => ({ free: 0, device: 1, measured: '/' });
const twoDisks: FreeSpaceReader = async (path) => ({ free: 0, device: path.startsWith('/site/publish') ? 2 : 1, measured: path });

describe('importSpaceNeeds', () => {
  it('counts the blobs the vault lacks in the volumes at hand, split parts twice, and no staging while volumes are still missing', async () => {
    const needs = await importSpaceNeeds({ home, manifest, state: state([d('a')]), ingest: [{ number: 1 }, { number: 2 }], missingAfter: 1, readFree: oneDisk });
    expect(needs).toEqual([{ where: 'vault', path: '/site/vault', bytes: MiB + 2 * 40 * MiB }]);
  });

  it('adds staging for the run that completes the bundle: republished metadata, and whole blobs when publish is on another disk', async () => {
    const same = await importSpaceNeeds({ home, manifest, state: state([]), ingest: [{ number: 1 }], missingAfter: 0, readFree: oneDisk });
    expect(same).toEqual([
      { where: 'vault', path: '/site/vault', bytes: 11 * MiB },
      { where: 'staging', path: '/site/publish', bytes: 8 * MiB + 2 * MiB },
    ]);
    const other = await importSpaceNeeds({ home, manifest, state: state([]), ingest: [{ number: 1 }], missingAfter: 0, readFree: twoDisks });
    expect(other[1]).toEqual({ where: 'staging', path: '/site/publish', bytes: 8 * MiB + 2 * MiB + 50 * MiB });
  });
});
