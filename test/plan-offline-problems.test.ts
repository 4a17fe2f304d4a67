import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools, run } from '@airlock/test-utils';
import { buildUpstream, serveDir, type Served } from '../fixtures/apt/harness.js';
import { buildTwoPlatformIndex, sh } from '../fixtures/oci/upstream.js';
import { buildStream } from '../fixtures/simplestreams/harness.js';
import { standardStore } from '../fixtures/snap/standard-store.js';
import { airlock, airlockJson } from './support/cli.js';
import { writeExporterKey } from './support/exporter-key.js';

const BUILD_RPM_REPO = fileURLToPath(new URL('../fixtures/rpm/build-repo.sh', import.meta.url));
const TOOLS = ['dpkg-deb', 'apt-ftparchive', 'gpg', 'gpgv', 'rpmbuild', 'createrepo_c', 'mksquashfs', 'tar', 'xz', 'gzip'];

interface PlanJson {
  problems: Array<{ source: string; severity: string; code: string; message: string }>;
  sources: Array<{ type: string; name: string }>;
  volumes: number;
}

describe.skipIf(!requireTools(...TOOLS))('airlock plan: what would not install offline, before anything is downloaded', () => {
  let root: string;
  const servers: Served[] = [];
  let config: string;
  let home: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'airlock-plan-problems-'));
    const apt = buildUpstream(join(root, 'apt'));
    const built = run('bash', [BUILD_RPM_REPO, join(root, 'rpm')]);
    if (built.status !== 0) throw new Error(`build-repo.sh failed: ${built.stderr}`);
    const stream = buildStream(join(root, 'ss'));
    const [aptUrl, rpmUrl, ssUrl] = await Promise.all([serveDir(apt.archive), serveDir(join(root, 'rpm', 'repo')), serveDir(stream.mirror)]);
    servers.push(aptUrl!, rpmUrl!, ssUrl!);
    await writeExporterKey(join(root, 'keys'));
    await writeFile(join(root, 'note.txt'), 'fine\n');
    config = join(root, 'airlock.yaml');
    home = join(root, 'home');
    await writeFile(config, [
      'channel: plan-problems',
      'signing: {key: keys/exporter.key}',
      'sources:',
      `  - {type: apt, name: ubuntu, url: "${aptUrl!.url}", keyring: ${apt.keyring}, suites: [stable], components: [main], architectures: [amd64], packages: [broken]}`,
      // fx-lib needs fx-base, which is noarch: an x86_64-only selection leaves it out.
      `  - {type: rpm, name: base, url: "${rpmUrl!.url}", gpgkey: rpm/upstream.asc, packages: [fx-lib], arch: [x86_64]}`,
      `  - {type: simplestreams, name: maas, url: "${ssUrl!.url}", keyring: ${stream.keyring}, filters: [arch=amd64], bootloaders: false}`,
      '  - {type: files, name: notes, path: note.txt}',
      '',
    ].join('\n'));
  });
  afterAll(async () => {
    for (const s of servers) s.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('lists every source problem at once: an unsatisfiable apt closure, an rpm requirement nothing provides, a MAAS mirror without bootloaders', async () => {
    const plan = await airlockJson<PlanJson>(['--home', home, 'plan', '-c', config]);
    expect(plan.result.code, plan.result.stderr).toBe(3);
    const bySource = Object.fromEntries(plan.json.problems.map((p) => [p.source, p]));
    expect(bySource['apt/ubuntu']).toMatchObject({ severity: 'error', code: 'UPSTREAM_INVALID' });
    expect(bySource['apt/ubuntu']?.message).toContain('broken 1.0-1 needs does-not-exist (>= 3)');
    expect(bySource['rpm/base']).toMatchObject({ severity: 'warning', code: 'DEPENDENCY_UNSATISFIED' });
    expect(bySource['rpm/base']?.message).toContain('"fx-base", required by fx-lib');
    expect(bySource['simplestreams/maas']).toMatchObject({ severity: 'warning', code: 'NO_BOOTLOADERS' });
    expect(plan.json.problems).toHaveLength(3);
    // The sources that resolved are still planned.
    expect(plan.json.sources.map((s) => `${s.type}/${s.name}`)).toEqual(['rpm/base', 'simplestreams/maas', 'files/notes']);
    const human = await airlock(['--home', home, 'plan', '-c', config]);
    expect(human.stdout).toMatch(/would not install offline at the site \(2\):\n {2}- rpm\/base: \[DEPENDENCY_UNSATISFIED\]/);
    expect(human.stderr).toMatch(/apt\/ubuntu cannot be exported: \[UPSTREAM_INVALID\]/);
  });

  it('downloads no package, image or boot file to find them', async () => {
    const cache = join(home, 'cache');
    const blobs = await readdir(join(cache, 'blobs')).catch(() => []);
    expect(blobs).toEqual([]);
  });
});

describe.skipIf(!requireTools('umoci'))('airlock plan: images whose platforms the filter leaves empty', () => {
  it('names every such image of the source at once, read from an image list file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'airlock-plan-oci-'));
    try {
      const layout = join(root, 'layout');
      sh('umoci', ['init', '--layout', layout]);
      buildTwoPlatformIndex(layout, 'multi', root);
      buildTwoPlatformIndex(layout, 'other', root);
      await writeExporterKey(join(root, 'keys'));
      await writeFile(join(root, 'images.txt'), `# as kubeadm config images list prints them\noci-layout:${layout}:multi\noci-layout:${layout}:other\n`);
      const config = join(root, 'airlock.yaml');
      await writeFile(config, 'channel: oci-plan\nsigning: {key: keys/exporter.key}\nsources:\n  - {type: oci, name: cluster, images: {fromFile: images.txt}, platforms: [linux/s390x]}\n');
      const plan = await airlockJson<PlanJson>(['--home', join(root, 'home'), 'plan', '-c', config]);
      expect(plan.result.code, plan.result.stderr).toBe(1);
      expect(plan.json.problems).toHaveLength(1);
      expect(plan.json.problems[0]).toMatchObject({ source: 'oci/cluster', severity: 'error', code: 'SOURCE_NOT_FOUND' });
      expect(plan.json.problems[0]?.message).toContain('2 image(s) offer none of the platforms linux/s390x');

      await writeFile(config, (await readFile(config, 'utf8')).replace('linux/s390x', 'linux/arm64'));
      const fixed = await airlockJson<PlanJson>(['--home', join(root, 'home'), 'plan', '-c', config]);
      expect(fixed.result.code, fixed.result.stderr).toBe(0);
      expect(fixed.json.problems).toEqual([]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!requireTools('mksquashfs'))('airlock plan: snaps carried without their prerequisites', () => {
  it('warns that hello-app needs its base and content provider, which the bundle would not carry', async () => {
    const root = await mkdtemp(join(tmpdir(), 'airlock-plan-snap-'));
    await mkdir(join(root, 'work'));
    const { store, authority } = await standardStore(join(root, 'work'));
    try {
      await writeFile(join(root, 'root.assert'), authority.rootFile());
      await writeExporterKey(join(root, 'keys'));
      const config = join(root, 'airlock.yaml');
      const source = (prerequisites: boolean): string =>
        `channel: snap-plan\nsigning: {key: keys/exporter.key}\nsources:\n  - {type: snap, name: snaps, store: "${store.url}", trustedRoots: ./root.assert, snaps: [hello-app], prerequisites: ${prerequisites}}\n`;
      await writeFile(config, source(false));
      const plan = await airlockJson<PlanJson>(['--home', join(root, 'home'), 'plan', '-c', config]);
      expect(plan.result.code, plan.result.stderr).toBe(0);
      expect(plan.json.problems).toHaveLength(1);
      expect(plan.json.problems[0]).toMatchObject({ source: 'snap/snaps', severity: 'warning', code: 'PREREQUISITE_MISSING' });
      expect(plan.json.problems[0]?.message).toMatch(/^hello-app 10 needs content-provider, core22, which this bundle does not carry/);
      await writeFile(config, source(true));
      const whole = await airlockJson<PlanJson>(['--home', join(root, 'home'), 'plan', '-c', config]);
      expect(whole.json.problems).toEqual([]);

      // A base the store does not have: named as the prerequisite of the snap that needs it.
      store.release({ meta: { name: 'needs-core24', version: '1.0', base: 'core24' }, revision: 1, channels: { 'latest/stable': ['amd64'] } });
      await writeFile(config, source(true).replace('snaps: [hello-app]', 'snaps: [needs-core24]'));
      const unresolvable = await airlockJson<PlanJson>(['--home', join(root, 'home'), 'plan', '-c', config]);
      expect(unresolvable.result.code).toBe(1);
      expect(unresolvable.json.problems).toEqual([
        expect.objectContaining({ source: 'snap/snaps', severity: 'error', code: 'SOURCE_NOT_FOUND', message: expect.stringMatching(/^prerequisite core24 of needs-core24 cannot be resolved for amd64, so needs-core24 would not install offline/) }),
      ]);
    } finally {
      await store.stop();
      await rm(root, { recursive: true, force: true });
    }
  });
});
