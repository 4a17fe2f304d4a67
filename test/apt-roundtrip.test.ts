import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools } from '@airlock/test-utils';
import { aptRoot, buildUpstream, serveDir, serveSite, simulatedInstalls, writeConfig, type Served, type Upstream } from '../fixtures/apt/harness.js';
import { airlock, airlockJson } from './support/cli.js';
import { relocate, runSnippet, siteDocument, snippet } from './support/site-config.js';
import { packagesOf } from './support/apt-packages.js';

const TOOLS = ['dpkg-deb', 'apt-ftparchive', 'gpg', 'apt-get', 'xz', 'curl', 'jq'];

/** What apt-get itself picks for `app` (Install-Recommends off), and so what airlock must carry. */
const APP_CLOSURE = ['app 1.0-1', 'base-tool 2.0-1', 'data-common 1.0-1', 'editor-b 1.0-1', 'libbar 1.0-1', 'libbaz 1.0-1', 'libfoo 1:0.9-1', 'postfix-lite 3.0-1', 'shell-a 1.0-1'];

function source(name: string, url: string, keyring: string, extra: string[]): string[] {
  return [`  - type: apt`, `    name: ${name}`, `    url: ${url}`, `    keyring: ${keyring}`, `    architectures: [amd64]`, ...extra.map((l) => `    ${l}`)];
}

describe.skipIf(!requireTools(...TOOLS))('apt: fixture archive → export → import → serve → real apt-get', () => {
  let root: string;
  let upstream: Upstream;
  let served: Served;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'airlock-apt-'));
    upstream = buildUpstream(join(root, 'upstream'));
    served = await serveDir(upstream.archive);
  });
  afterAll(async () => {
    served?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('closure equals what apt-get install --simulate picks against the upstream archive', async () => {
    const apt = await aptRoot(join(root, 'apt-upstream'), `deb [signed-by=${upstream.keyring}] ${served.url} stable main\n`);
    const update = apt.aptGet(['update']);
    expect(update.status, update.stderr).toBe(0);
    const simulated = apt.aptGet(['install', '--simulate', '-y', 'app']);
    expect(simulated.status, simulated.stderr).toBe(0);
    expect(simulatedInstalls(simulated.stdout)).toEqual(APP_CLOSURE);
  });

  it('round-trips a filtered closure and a whole flat repository that apt-get updates from without warnings and downloads', async () => {
    const dir = join(root, 'roundtrip');
    const { config, exporterPublicKey } = await writeConfig(dir, [
      ...source('fixture', served.url, upstream.keyring, ['suites: [stable]', 'components: [main]', 'packages: [app]', 'byHash: true']),
      // No `packages`: the whole flat repository, minus the architecture that was not asked for.
      ...source('fixture-flat', served.url, upstream.armoredKeyring, ['suites: ["flat/"]']),
    ]);
    const exportHome = join(dir, 'export-home');
    const siteHome = join(dir, 'site');
    const exported = await airlockJson<{ carried: { blobs: number } }>(['--home', exportHome, 'export', '-c', config, '-o', join(dir, 'bundle-1')]);
    expect(exported.result.code, exported.result.stderr).toBe(0);
    // 16 distinct .debs (both sources point at the same pool files), 2 Packages indexes, 2 catalogs.
    expect(exported.json.carried.blobs).toBe(20);
    expect((await airlock(['--home', siteHome, 'trust', 'add', exporterPublicKey])).code).toBe(0);
    const imported = await airlock(['--home', siteHome, 'import', join(dir, 'bundle-1')]);
    expect(imported.code, imported.stderr).toBe(0);

    const published = join(siteHome, 'publish', 'current', 'apt', 'fixture');
    const packages = await readFile(join(published, 'dists/stable/main/binary-amd64/Packages'), 'utf8');
    expect(packagesOf(packages)).toEqual(APP_CLOSURE);
    const release = await readFile(join(published, 'dists/stable/Release'), 'utf8');
    expect(release).toMatch(/^Origin: Fixture$/m);
    expect(release).toMatch(/^Codename: fixture$/m);
    expect(release).toMatch(/^Acquire-By-Hash: yes$/m);
    expect(release).not.toMatch(/Valid-Until/);
    expect(release).toMatch(/^Date: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} UTC$/m);
    for (const name of ['Packages', 'Packages.gz', 'Packages.xz']) expect(release).toContain(`main/binary-amd64/${name}\n`);
    expect((await readdir(join(published, 'dists/stable/main/binary-amd64/by-hash/SHA256'))).length).toBe(3);
    const flat = packagesOf(await readFile(join(siteHome, 'publish', 'current', 'apt', 'fixture-flat', 'flat', 'Packages'), 'utf8'));
    expect(flat).toHaveLength(16);
    expect(flat).toEqual(expect.arrayContaining([...APP_CLOSURE, 'broken 1.0-1', 'libfoo 1.1-1', 'libbar 1.0~rc1-1']));
    expect(flat.some((p) => p.startsWith('other-arch'))).toBe(false);

    const site = await serveSite(siteHome);
    try {
      // The client configuration is the site page's (/airlock.json), with /etc/apt/keyrings moved into the test.
      const doc = await siteDocument(site.url);
      const local = (text: string): string => relocate(text, { '/etc/apt/keyrings': join(dir, 'keyrings') });
      const fetchKey = runSnippet(local(snippet(doc, 'apt/fixture', 'apt-key').text), dir);
      expect(fetchKey.status, fetchKey.stderr).toBe(0);
      expect((await readFile(join(dir, 'keyrings', 'airlock-site.gpg'))).equals(await readFile(join(siteHome, 'publish', 'current', 'keys', 'site.gpg')))).toBe(true);
      expect(snippet(doc, 'apt/fixture-flat', 'apt-key').text).toBe(snippet(doc, 'apt/fixture', 'apt-key').text);

      const oneLine = await aptRoot(join(dir, 'apt-site'), ['apt/fixture', 'apt/fixture-flat'].map((s) => local(snippet(doc, s, 'apt-sources-list').text)).join(''));
      const deb822 = await aptRoot(join(dir, 'apt-site-deb822'), '');
      for (const source of ['apt/fixture', 'apt/fixture-flat']) {
        const file = snippet(doc, source, 'apt-deb822');
        await writeFile(join(deb822.root, 'etc/apt/sources.list.d', basename(file.file ?? '')), local(file.text));
      }
      for (const apt of [oneLine, deb822]) {
        const update = apt.aptGet(['update']);
        expect(update.status, update.stderr).toBe(0);
        expect(`${update.stdout}\n${update.stderr}`).not.toMatch(/^(W|E):/m);
        const install = apt.aptGet(['install', '--download-only', '-y', 'app']);
        expect(install.status, install.stderr).toBe(0);
        expect(`${install.stdout}\n${install.stderr}`).not.toMatch(/^(W|E):/m);
        const debs = (await readdir(join(apt.root, 'var/cache/apt/archives'))).filter((f) => f.endsWith('.deb'));
        expect(debs.map((f) => f.split('_')[0]).sort()).toEqual(APP_CLOSURE.map((p) => p.split(' ')[0]));
      }
      // docs/serve.md: every apt source's one-line entries, from /airlock.json with curl and jq.
      const lists = runSnippet(`curl -fsS ${site.url}airlock.json | jq -r '.sources[] | .clients[] | select(.id == "apt-sources-list") | .text'`, dir);
      expect(lists.status, lists.stderr).toBe(0);
      expect(lists.stdout).toBe(['apt/fixture', 'apt/fixture-flat'].map((s) => `${snippet(doc, s, 'apt-sources-list').text}\n`).join(''));
      const fixture = doc.sources.find((s) => s.name === 'fixture');
      expect(fixture?.counts).toEqual([{ label: 'packages', value: 9 }, { label: 'suites', value: 1 }, { label: 'components', value: 1 }, { label: 'architectures', value: 1 }]);
    } finally {
      site.stop();
    }

    // Incremental: a newly requested package whose .deb already crossed (in the flat mirror) ships
    // nothing but the new catalog; the publication still lists the full desired set.
    await writeFile(config, (await readFile(config, 'utf8')).replace('packages: [app]', 'packages: [app, extra-tool]'));
    const second = await airlockJson<{ carried: { blobs: number } }>(['--home', exportHome, 'export', '-c', config, '-o', join(dir, 'bundle-2')]);
    expect(second.result.code, second.result.stderr).toBe(0);
    expect(second.json.carried.blobs).toBe(1);
    expect((await airlock(['--home', siteHome, 'import', join(dir, 'bundle-2')])).code).toBe(0);
    const after = await readFile(join(published, 'dists/stable/main/binary-amd64/Packages'), 'utf8');
    expect(packagesOf(after)).toEqual([...APP_CLOSURE, 'extra-tool 1.0-1'].sort());
    const release2 = await readFile(join(published, 'dists/stable/Release'), 'utf8');
    for (const field of ['Origin', 'Label', 'Suite', 'Codename']) expect(new RegExp(`^${field}: .*$`, 'm').exec(release2)?.[0]).toBe(new RegExp(`^${field}: .*$`, 'm').exec(release)?.[0]);
  });

  it('ships only new .debs in the next bundle, and publishes the full desired set', async () => {
    const dir = join(root, 'incremental');
    const { config, exporterPublicKey } = await writeConfig(dir, source('fixture', served.url, upstream.keyring, ['suites: [stable]', 'components: [main]', 'packages: [libbaz]']));
    const exportHome = join(dir, 'export-home');
    const siteHome = join(dir, 'site');
    const first = await airlockJson<{ carried: { blobs: number } }>(['--home', exportHome, 'export', '-c', config, '-o', join(dir, 'b1')]);
    expect(first.json.carried.blobs).toBe(3); // libbaz, the Packages index, the catalog
    await airlock(['--home', siteHome, 'trust', 'add', exporterPublicKey]);
    expect((await airlock(['--home', siteHome, 'import', join(dir, 'b1')])).code).toBe(0);
    await writeFile(config, (await readFile(config, 'utf8')).replace('packages: [libbaz]', 'packages: [extra-tool]'));
    const second = await airlockJson<{ carried: { blobs: number } }>(['--home', exportHome, 'export', '-c', config, '-o', join(dir, 'b2')]);
    expect(second.json.carried.blobs).toBe(2); // extra-tool and the catalog; libbaz and the index already crossed
    expect((await airlock(['--home', siteHome, 'import', join(dir, 'b2')])).code).toBe(0);
    const published = await readFile(join(siteHome, 'publish/current/apt/fixture/dists/stable/main/binary-amd64/Packages'), 'utf8');
    expect(packagesOf(published)).toEqual(['extra-tool 1.0-1', 'libbaz 1.0-1']);
  });

  it('names unsatisfiable dependencies and missing packages instead of dropping them', async () => {
    const dir = join(root, 'unsat');
    const { config } = await writeConfig(dir, source('fixture', served.url, upstream.keyring, ['suites: [stable]', 'components: [main]', 'packages: [broken, app]']));
    const run = await airlockJson<{ error: { code: string; details: { unsatisfied: string[] } } }>(['--home', join(dir, 'home'), 'export', '-c', config, '-o', join(dir, 'bundle')]);
    expect(run.result.code).toBe(3);
    expect(run.json.error.code).toBe('UPSTREAM_INVALID');
    expect(run.json.error.details.unsatisfied).toEqual(['broken 1.0-1 needs does-not-exist (>= 3)']);

    await writeFile(config, (await readFile(config, 'utf8')).replace('packages: [broken, app]', 'packages: [app, "libbaz (>= 5)", nothere]'));
    const missing = await airlockJson<{ error: { code: string; details: { missing: string[] } } }>(['--home', join(dir, 'home'), 'export', '-c', config, '-o', join(dir, 'bundle')]);
    expect(missing.json.error.code).toBe('SOURCE_NOT_FOUND');
    expect(missing.json.error.details.missing).toEqual(['libbaz (>= 5)', 'nothere']);
  });
});
