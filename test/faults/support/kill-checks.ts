import { createHash } from 'node:crypto';
import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { expect } from 'vitest';
import { airlockHome, siteStatus } from '@airlock/engine';
import { ExportState, SiteState } from '@airlock/state';
import { airlock } from '../../support/cli.js';
import { describeTree } from '../../support/tree.js';
import type { KillWorld } from './kill-world.js';
import { fetchText, serveSite } from './served.js';
import { vaultDigests } from './site-files.js';

export interface Live {
  snapshot: string;
  version: number;
}

/**
 * What clients see must be one whole publication: `current` names a snapshot that has its
 * airlock-publication.json and keys/, its files are exactly one bundle's (never a mix), the
 * publication's own record names that bundle's sequence, and the server answers with that content.
 */
export async function expectWholePublication(world: KillWorld, site: string, why: string): Promise<Live> {
  const target = await readlink(join(site, 'publish', 'current'));
  expect(target, why).toMatch(/^snapshots\/[^/]+$/);
  const snapshot = join(site, 'publish', target);
  const record = JSON.parse(await readFile(join(snapshot, 'airlock-publication.json'), 'utf8')) as { snapshot: string; channels: Array<{ sequence: number }> };
  for (const key of ['site.asc', 'site.gpg']) expect((await stat(join(snapshot, 'keys', key))).size, `${why}: keys/${key}`).toBeGreaterThan(0);
  const version = world.versionOf.get(JSON.stringify(await describeTree(join(snapshot, 'files', 'tools'))));
  expect(version, `${why}: the published tree is no bundle's content`).toBeDefined();
  expect(record.channels[0]?.sequence, `${why}: airlock-publication.json disagrees with the content`).toBe(version);
  expect(record.snapshot).toBe(basename(target));
  const server = await serveSite(site);
  try {
    expect(await fetchText(server, 'files/tools/README.txt'), why).toEqual({ status: 200, body: world.readme.get(version as number) });
    expect((await fetchText(server, 'files/tools/docs/v5.txt')).status, why).toBe(version === 5 ? 200 : 404);
  } finally {
    await server.close();
  }
  return { snapshot: basename(target), version: version as number };
}

/** After the re-run: state and status say what `current` shows, nothing waits, no leftovers, the index is the vault. */
export async function expectSiteSettled(site: string, live: Live, why: string): Promise<void> {
  const status = await siteStatus(airlockHome(site));
  expect(status.publication?.snapshot, `${why}: status names another publication`).toBe(live.snapshot);
  expect(status.waiting, why).toEqual([]);
  expect(await readdir(join(site, 'vault', 'tmp')), `${why}: vault temp leftovers`).toEqual([]);
  expect(await readdir(join(site, 'publish', 'staging')).catch(() => []), `${why}: staging leftovers`).toEqual([]);
  const state = SiteState.open(join(site, 'state.db'));
  try {
    expect([...state.indexedBlobs()].map((b) => b.digest), `${why}: the blob index disagrees with the vault`).toEqual(await vaultDigests(site));
  } finally {
    state.close();
  }
}

/** The channel's sequence as the site's state has it, and whether bundle `sequence` is published. */
export function siteChannel(site: string): { lastSequence: number; current: string | null } {
  const state = SiteState.open(join(site, 'state.db'));
  try {
    return { lastSequence: state.channels()[0]?.lastSequence ?? 0, current: state.currentPublication()?.snapshot ?? null };
  } finally {
    state.close();
  }
}

/**
 * An export killed anywhere: a directory with a manifest holds a whole bundle that verifies, and
 * the exporter recorded the bundle only if the directory holds exactly that bundle. Returns whether it was recorded.
 */
export async function expectExportConsistent(world: KillWorld, home: string, out: string, why: string): Promise<boolean> {
  const names = await readdir(out).catch(() => [] as string[]);
  const manifest = names.find((n) => n.endsWith('.manifest.json'));
  const state = ExportState.open(join(home, 'export.db'));
  const last = (() => {
    try {
      return state.lastBundle('test-site');
    } finally {
      state.close();
    }
  })();
  const recorded = last?.sequence === 5;
  if (recorded) {
    expect(manifest, `${why}: recorded but no manifest`).toBeDefined();
    const sha = createHash('sha256').update(await readFile(join(out, manifest as string))).digest('hex');
    expect(sha, `${why}: recorded a manifest other than the one written`).toBe(last?.manifestSha256);
  } else {
    expect(last?.sequence, why).toBe(4);
  }
  if (manifest) {
    const verified = await airlock(['verify', out, '--trust', world.s.exporterPublicKey]);
    expect(verified.code, `${why}: a directory with a manifest must hold a whole bundle: ${verified.stderr}`).toBe(0);
  }
  return recorded;
}
