import { readFile, readlink, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools, suiteDir } from '@airlock/test-utils';
import { aptRoot, buildUpstream, serveDir, serveSite, writeConfig, type Served } from '../../fixtures/apt/harness.js';
import { AIRLOCK_BIN, airlock } from '../support/cli.js';
import { expectSiteSettled, siteChannel } from './support/kill-checks.js';
import { seededRandom } from './support/limit.js';
import { spawnNode } from './support/spawned.js';
import { copyTree } from './support/tmpfs.js';
import { packagesOf } from '../support/apt-packages.js';

const TOOLS = ['dpkg-deb', 'apt-ftparchive', 'gpg', 'apt-get', 'xz'];
const SEED = Number(process.env.AIRLOCK_FAULT_SEED ?? Date.now() % 1_000_000);
const CONTENT: Record<number, string[]> = {
  1: ['libbaz 1.0-1'],
  2: ['app 1.0-1', 'base-tool 2.0-1', 'data-common 1.0-1', 'editor-b 1.0-1', 'libbar 1.0-1', 'libbaz 1.0-1', 'libfoo 1:0.9-1', 'postfix-lite 3.0-1', 'shell-a 1.0-1'],
};

describe.skipIf(!requireTools(...TOOLS))('kill -9 while an apt bundle is imported: apt-get always finds one whole, signed repository', () => {
  let suite: { path: string; remove(): Promise<void> };
  let upstream: Served;
  let bundle2: string;
  let template: string;
  let cases = 0;

  beforeAll(async () => {
    suite = await suiteDir('airlock-kill9-apt-');
    const up = buildUpstream(join(suite.path, 'upstream'));
    upstream = await serveDir(up.archive);
    const source = (packages: string) => [`  - type: apt`, `    name: fixture`, `    url: ${upstream.url}`, `    keyring: ${up.keyring}`, `    architectures: [amd64]`, `    suites: [stable]`, `    components: [main]`, `    packages: [${packages}]`];
    const { config, exporterPublicKey } = await writeConfig(suite.path, source('libbaz'));
    const exportHome = join(suite.path, 'export-home');
    template = join(suite.path, 'site-template');
    const must = async (args: string[]) => {
      const r = await airlock(args);
      if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
    };
    await must(['--home', exportHome, 'export', '-c', config, '-o', join(suite.path, 'bundle-1')]);
    await writeFile(config, (await readFile(config, 'utf8')).replace('packages: [libbaz]', 'packages: [app]'));
    bundle2 = join(suite.path, 'bundle-2');
    await must(['--home', exportHome, 'export', '-c', config, '-o', bundle2]);
    await must(['--home', template, 'trust', 'add', exporterPublicKey]);
    await must(['--home', template, 'import', join(suite.path, 'bundle-1')]);
  }, 180_000);
  afterAll(async () => {
    upstream?.stop();
    await suite?.remove();
  });

  /** The live tree is one bundle's repository, signed by the site key, and a real apt-get reads it without a warning. */
  async function expectAptSeesOneRepository(site: string, why: string): Promise<{ snapshot: string; version: number }> {
    const snapshot = join(site, 'publish', await readlink(join(site, 'publish', 'current')));
    const record = JSON.parse(await readFile(join(snapshot, 'airlock-publication.json'), 'utf8')) as { snapshot: string; channels: Array<{ sequence: number }> };
    const version = record.channels[0]?.sequence as number;
    expect((await stat(join(snapshot, 'keys', 'site.gpg'))).size).toBeGreaterThan(0);
    expect(packagesOf(await readFile(join(snapshot, 'apt/fixture/dists/stable/main/binary-amd64/Packages'), 'utf8')), why).toEqual(CONTENT[version]);
    // `airlock serve` in its own process: apt-get runs synchronously here and would block an in-process server.
    const server = await serveSite(site);
    try {
      const key = join(site, '..', `site-${Date.now()}.gpg`);
      await writeFile(key, Buffer.from(await (await fetch(new URL('keys/site.gpg', server.url))).arrayBuffer()));
      expect((await fetch(new URL('airlock-publication.json', server.url))).status).toBe(200);
      const apt = await aptRoot(join(site, '..', `apt-${Date.now()}`), `deb [signed-by=${key}] ${server.url}apt/fixture stable main\n`);
      const update = apt.aptGet(['update']);
      expect(update.status, `${why}: ${update.stderr}`).toBe(0);
      expect(`${update.stdout}\n${update.stderr}`, why).not.toMatch(/^(W|E):/m);
      const target = version === 2 ? 'app' : 'libbaz';
      const download = apt.aptGet(['install', '--download-only', '-y', target]);
      expect(download.status, `${why}: ${download.stderr}`).toBe(0);
    } finally {
      server.stop();
    }
    return { snapshot: record.snapshot, version };
  }

  async function killCase(how: { failpoint: string } | { afterMs: number }): Promise<void> {
    const why = `apt import killed ${'failpoint' in how ? `at ${how.failpoint}` : `after ${how.afterMs} ms`}`;
    const site = join(suite.path, `case-${++cases}`, 'site');
    copyTree(template, site);
    const args = ['--home', site, 'import', bundle2];
    const run = spawnNode([AIRLOCK_BIN, ...args], 'failpoint' in how ? { AIRLOCK_FAILPOINT: how.failpoint } : {});
    const timer = 'afterMs' in how ? setTimeout(() => run.child.kill('SIGKILL'), how.afterMs) : undefined;
    const killed = await run.finished;
    clearTimeout(timer);
    if ('failpoint' in how) expect(killed.signal, why).toBe('SIGKILL');
    await expectAptSeesOneRepository(site, `${why}, before the re-run`);
    if (siteChannel(site).lastSequence !== 2) {
      const rerun = await airlock(args);
      expect(rerun.code, `${why}, re-run: ${rerun.stderr}`).toBe(0);
    }
    const settled = await expectAptSeesOneRepository(site, `${why}, after the re-run`);
    expect(settled.version).toBe(2);
    await expectSiteSettled(site, settled, why);
  }

  for (const failpoint of ['import:entry-stored:3', 'vault:before-commit', 'vault:renamed:5', 'import:before-switch', 'import:after-switch']) {
    it(`kill -9 at ${failpoint}, then re-run`, () => killCase({ failpoint }), 120_000);
  }
  const afterMs = 900 + Math.round(seededRandom(SEED)() * 1200);
  it(`kill -9 at a random moment (${afterMs} ms, seed ${SEED}), then re-run`, () => killCase({ afterMs }), 120_000);
});
