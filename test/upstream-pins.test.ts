import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools } from '@airlock/test-utils';
import { buildUpstream, serveDir, writeConfig, type Served, type Upstream } from '../fixtures/apt/harness.js';
import { airlock, airlockJson } from './support/cli.js';
import { describeTree } from './support/tree.js';

const TOOLS = ['dpkg-deb', 'apt-ftparchive', 'gpg', 'xz'];

interface Pin {
  source: string;
  fingerprint: string;
  status: 'pinned' | 'pending';
  validity: string;
}

function gpgFingerprint(upstream: Upstream, email: string): string {
  const listing = spawnSync('gpg', ['--batch', '--with-colons', '--fingerprint', email], { env: { ...process.env, GNUPGHOME: upstream.gnupgHome }, encoding: 'utf8' }).stdout;
  const match = /^fpr:(?:[^:]*:){8}([0-9A-F]{40}):/m.exec(listing);
  if (!match?.[1]) throw new Error(`no fingerprint for ${email}`);
  return match[1];
}

/** The vendor rotates its archive key: the same archive, its Release signed by the fixture's other key. */
async function rotatedArchive(upstream: Upstream, dir: string): Promise<string> {
  const archive = join(dir, 'archive');
  await cp(upstream.archive, archive, { recursive: true });
  const dist = join(archive, 'dists', 'stable');
  const env = { ...process.env, GNUPGHOME: upstream.gnupgHome };
  for (const args of [
    ['--clearsign', '-o', join(dist, 'InRelease'), join(dist, 'Release')],
    ['--armor', '--detach-sign', '-o', join(dist, 'Release.gpg'), join(dist, 'Release')],
  ]) {
    const signed = spawnSync('gpg', ['--batch', '--yes', '--local-user', 'wrong@example.invalid', ...args], { env, encoding: 'utf8' });
    if (signed.status !== 0) throw new Error(signed.stderr);
  }
  return archive;
}

const aptSource = (url: string, keyring: string): string[] => [
  '  - type: apt',
  '    name: fixture',
  `    url: ${url}`,
  `    keyring: ${keyring}`,
  '    suites: [stable]',
  '    components: [main]',
  '    architectures: [amd64]',
  '    packages: [libbaz]',
];

describe.skipIf(!requireTools(...TOOLS))('apt: the site pins upstream keys per source, and only the operator changes them', () => {
  let root: string;
  let upstream: Upstream;
  let served: Served;
  let rotated: Served;
  let archiveKey: string;
  let otherKey: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'airlock-upstream-pins-'));
    upstream = buildUpstream(join(root, 'upstream'));
    served = await serveDir(upstream.archive);
    rotated = await serveDir(await rotatedArchive(upstream, join(root, 'rotated')));
    archiveKey = gpgFingerprint(upstream, 'archive@example.invalid');
    otherKey = gpgFingerprint(upstream, 'wrong@example.invalid');
  });
  afterAll(async () => {
    served?.stop();
    rotated?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('regression: a bundle whose catalog carries another upstream key is refused (exit 3, UPSTREAM_KEY_CHANGED) until the operator accepts it', async () => {
    const dir = join(root, 'rotation');
    const { config, exporterPublicKey } = await writeConfig(dir, aptSource(served.url, upstream.keyring));
    const exportHome = ['--home', join(dir, 'export-home')];
    const site = ['--home', join(dir, 'site')];
    expect((await airlock([...exportHome, 'export', '-c', config, '-o', join(dir, 'b1')])).code).toBe(0);
    expect((await airlock([...site, 'trust', 'add', exporterPublicKey])).code).toBe(0);
    const first = await airlock([...site, 'import', join(dir, 'b1')]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(`pinned upstream key ${archiveKey}`);
    const pins = await airlockJson<{ keys: Pin[] }>([...site, 'trust', 'upstream', 'list', 'apt/fixture']);
    expect(pins.json.keys.map((k) => [k.fingerprint, k.status, k.validity])).toEqual([[archiveKey, 'pinned', 'valid']]);

    // The exporter follows the vendor to the new key; the site has not accepted it.
    await writeFile(config, (await readFile(config, 'utf8')).replace(served.url, rotated.url).replace(upstream.keyring, upstream.wrongKeyring));
    expect((await airlock([...exportHome, 'export', '-c', config, '-o', join(dir, 'b2')])).code).toBe(0);
    const live = join(dir, 'site', 'publish', 'current');
    const before = { snapshot: await readlink(live), tree: await describeTree(live) };
    const refused = await airlockJson<{ error: { code: string; details: { unpinned: string[] } } }>([...site, 'import', join(dir, 'b2')]);
    expect(refused.result.code).toBe(3);
    expect(refused.json.error.code).toBe('UPSTREAM_KEY_CHANGED');
    expect(refused.json.error.details.unpinned).toEqual([otherKey]);
    expect({ snapshot: await readlink(live), tree: await describeTree(live) }).toEqual(before);
    const pending = await airlockJson<{ keys: Pin[] }>([...site, 'trust', 'upstream', 'list']);
    expect(pending.json.keys.map((k) => [k.source, k.fingerprint, k.status])).toEqual([['apt/fixture', archiveKey, 'pinned'], ['apt/fixture', otherKey, 'pending']]);

    const accepted = await airlock([...site, 'trust', 'upstream', 'accept', 'apt/fixture']);
    expect(accepted.code, accepted.stderr).toBe(0);
    const rerun = await airlockJson<{ status: string; publication: { snapshot: string } }>([...site, 'import', join(dir, 'b2')]);
    expect(rerun.result.code, rerun.result.stderr).toBe(0);
    expect(rerun.json.status).toBe('published');
    expect(await readlink(live)).not.toBe(before.snapshot);
  });

  it('pins a key before the first import (trust upstream add), refuses a bundle the pin does not cover, and remove and accept repair it', async () => {
    const dir = join(root, 'preset');
    const { config, exporterPublicKey } = await writeConfig(dir, aptSource(served.url, upstream.keyring));
    const site = ['--home', join(dir, 'site')];
    expect((await airlock(['--home', join(dir, 'export-home'), 'export', '-c', config, '-o', join(dir, 'b1')])).code).toBe(0);
    await airlock([...site, 'trust', 'add', exporterPublicKey]);
    // The operator pins the key the vendor publishes, but the archive is signed by another.
    const added = await airlockJson<{ keys: Array<{ fingerprint: string; status: string }> }>([...site, 'trust', 'upstream', 'add', 'apt/fixture', upstream.wrongKeyring]);
    expect(added.result.code, added.result.stderr).toBe(0);
    expect(added.json.keys).toEqual([expect.objectContaining({ fingerprint: otherKey, status: 'pinned' })]);
    expect((await airlock([...site, 'trust', 'upstream', 'add', 'apt/fixture', upstream.wrongKeyring])).stdout).toContain(`present ${otherKey}`);
    const refused = await airlockJson<{ error: { code: string } }>([...site, 'import', join(dir, 'b1')]);
    expect(refused.result.code).toBe(3);
    expect(refused.json.error.code).toBe('UPSTREAM_KEY_CHANGED');
    expect((await airlockJson<{ status: string | null }>([...site, 'status'])).json).toMatchObject({ publication: null });

    expect((await airlock([...site, 'trust', 'upstream', 'remove', 'apt/fixture', otherKey])).code).toBe(0);
    const left = await airlockJson<{ keys: Pin[] }>([...site, 'trust', 'upstream', 'list', 'apt/fixture']);
    expect(left.json.keys.map((k) => [k.fingerprint, k.status])).toEqual([[archiveKey, 'pending']]);
    expect((await airlock([...site, 'trust', 'upstream', 'accept', 'apt/fixture', archiveKey])).code).toBe(0);
    const imported = await airlock([...site, 'import', join(dir, 'b1')]);
    expect(imported.code, imported.stderr).toBe(0);

    const unknown = await airlockJson<{ error: { code: string } }>([...site, 'trust', 'upstream', 'remove', 'apt/fixture', otherKey]);
    expect(unknown.json.error.code).toBe('TRUST_UNKNOWN_KEY');
    const badSource = await airlockJson<{ error: { code: string } }>([...site, 'trust', 'upstream', 'list', 'not-a-source']);
    expect(badSource.result.code).toBe(2);
    const badType = await airlockJson<{ error: { code: string } }>([...site, 'trust', 'upstream', 'add', 'nosuch/x', upstream.wrongKeyring]);
    expect(badType.json.error.code).toBe('DRIVER_UNKNOWN');
  });
});
