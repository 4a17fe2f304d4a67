import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPublishedMirror } from '@airlock/simplestreams';
import { requireTools, run } from '@airlock/test-utils';
import { buildStream, copyMirror, resign, serveDir, serveSite, writeConfig, type Served, type StreamFixture } from '../fixtures/simplestreams/harness.js';
import { airlock, airlockJson } from './support/cli.js';
import { relocate, runSnippet, siteDocument, snippet } from './support/site-config.js';

const TOOLS = ['gpg', 'gpgv', 'mksquashfs', 'tar', 'xz', 'gzip'];
const V3 = 'com.ubuntu.maas:stable:v3:download';
const BOOTLOADERS = 'com.ubuntu.maas:stable:1:bootloader-download';
const CENTOS = 'com.ubuntu.maas:stable:centos-bases-download';
const CUSTOM = 'com.ubuntu.maas:airlock:custom-bases-download';

type Doc = { products: Record<string, Record<string, any>>; updated?: string };

function source(name: string, url: string, extra: string[]): string[] {
  return [`  - type: simplestreams`, `    name: ${name}`, `    url: ${url}`, ...extra.map((l) => `    ${l}`)];
}

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) if (entry.isFile()) out.push(relative(dir, join(entry.parentPath, entry.name)));
  return out.sort();
}

async function noBundleWritten(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  expect(names.filter((n) => n.endsWith('.manifest.json'))).toEqual([]);
}

/** What sstream-mirror's filters + --max=1 pick, computed here from the fixture's own upstream files. */
async function expectedItems(mirror: string, keep: (product: Record<string, any>) => boolean): Promise<Map<string, string>> {
  const items = new Map<string, string>();
  for (const id of [V3, BOOTLOADERS, CENTOS]) {
    const doc = JSON.parse(await readFile(join(mirror, 'streams/v1', `${id}.json`), 'utf8')) as Doc;
    for (const product of Object.values(doc.products)) {
      if (!keep(product)) continue;
      const newest = Object.keys(product.versions).sort().at(-1)!;
      for (const item of Object.values(product.versions[newest].items) as Array<{ path: string; sha256: string }>) items.set(item.path, item.sha256);
    }
  }
  return items;
}

describe.skipIf(!requireTools(...TOOLS))('simplestreams: fixture stream → export → import → serve → MAAS-conformant mirror', () => {
  let root: string;
  let fixture: StreamFixture;
  let served: Served;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'airlock-ss-'));
    fixture = buildStream(join(root, 'upstream'));
    served = await serveDir(fixture.mirror);
  });
  afterAll(async () => {
    served?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('round-trips a filtered stream with bootloaders and a custom image; the mirror holds exactly what was selected, site-signed', async () => {
    const dir = join(root, 'roundtrip');
    const { config, exporterPublicKey } = await writeConfig(dir, [
      ...source('maas', served.url, [`keyring: ${fixture.keyring}`, 'filters: [arch=amd64, "release~(jammy|noble)"]', 'max: 1']),
      '    custom:',
      '      - name: rhel/9',
      '        title: RHEL 9 (site build)',
      '        arch: amd64',
      `        file: ${fixture.rhelTarball}`,
      '        version: "20250101_01"',
    ]);
    const exportHome = join(dir, 'export-home');
    const siteHome = join(dir, 'site');

    const plan = await airlock(['--home', exportHome, 'plan', '-c', config]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/^ {4}com\.ubuntu\.maas\.stable:v3:boot:22\.04:amd64:ga-22\.04 20250701: 4 file\(s\), [\d.]+ [KM]i?B; new: 4/m);
    expect(plan.stdout).toMatch(/^ {4}com\.ubuntu\.maas\.stable:1:grub-efi-signed:uefi:amd64 20231004\.0: 2 file\(s\)/m);
    expect(plan.stdout).not.toMatch(/20250601|arm64:ga|centos-bases/);

    const exported = await airlockJson<{ carried: { blobs: number } }>(['--home', exportHome, 'export', '-c', config, '-o', join(dir, 'bundle-1')]);
    expect(exported.result.code, exported.result.stderr).toBe(0);
    expect((await airlock(['--home', siteHome, 'trust', 'add', exporterPublicKey])).code).toBe(0);
    const imported = await airlock(['--home', siteHome, 'import', join(dir, 'bundle-1')]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toMatch(/pinned upstream key/);

    const publication = join(siteHome, 'publish', 'current');
    const mirror = join(publication, 'simplestreams', 'maas');
    const report = await checkPublishedMirror(mirror, { digests: true });
    expect(report.problems).toEqual([]);
    expect([...report.products.keys()].sort()).toEqual([BOOTLOADERS, CUSTOM, V3].sort());
    expect(report.products.get(CUSTOM)?.report.shape).toBe('single-file');

    const expected = await expectedItems(fixture.mirror, (p) => (p.arch === 'amd64' && /(jammy|noble)/.test(p.release ?? '')) || 'bootloader-type' in p);
    const customItems = [...report.items].filter(([path]) => path.startsWith('rhel/'));
    expect(customItems.map(([path]) => path).sort()).toEqual(['rhel/9/amd64/20250101_01/root-tgz', 'rhel/9/amd64/20250101_01/root-tgz.manifest']);
    const upstreamItems = new Map([...report.items].filter(([path]) => !path.startsWith('rhel/')).map(([path, i]) => [path, i.sha256]));
    expect(upstreamItems).toEqual(expected);
    for (const [path, sha256] of expected) {
      expect(createHash('sha256').update(await readFile(join(mirror, path))).digest('hex')).toBe(sha256);
    }
    const onDisk = (await files(mirror)).filter((f) => !f.startsWith('streams/'));
    expect(onDisk).toEqual([...expected.keys(), ...customItems.map(([p]) => p)].sort());

    // gpgv accepts every .sjson with the published binary site keyring (absolute path), and refuses another key.
    const siteKeyring = join(publication, 'keys', 'site.gpg');
    const signed = (await files(join(mirror, 'streams'))).filter((f) => f.endsWith('.sjson'));
    expect(signed).toHaveLength(4);
    for (const file of signed) {
      const good = run('gpgv', ['--keyring', siteKeyring, join(mirror, 'streams', file)]);
      expect(good.status, `${file}: ${good.stderr}`).toBe(0);
      expect(run('gpgv', ['--keyring', fixture.wrongKeyring, join(mirror, 'streams', file)]).status).not.toBe(0);
    }
    // docs/maas.md: MAAS 3.8 takes keyring_data as `base64 -w0 site.gpg`.
    const b64 = run('base64', ['-w0', siteKeyring]);
    expect(Buffer.from(b64.stdout, 'base64').equals(await readFile(siteKeyring))).toBe(true);
    const index = JSON.parse(await readFile(join(mirror, 'streams/v1/index.json'), 'utf8'));
    expect(Object.keys(index.index).sort()).toEqual([BOOTLOADERS, CUSTOM, V3].sort());

    // Served as MAAS reads a boot source: base URL + streams/v1/index.sjson, products paths, item paths.
    const site = await serveSite(siteHome);
    try {
      const base = `${site.url}simplestreams/maas/`;
      const sjson = await fetch(`${base}streams/v1/index.sjson`);
      expect(sjson.status).toBe(200);
      expect(await sjson.text()).toBe(await readFile(join(mirror, 'streams/v1/index.sjson'), 'utf8'));
      const products = await fetch(`${base}streams/v1/${V3}.sjson`);
      expect(products.status).toBe(200);
      const [path, sha256] = [...expected][0]!;
      const item = Buffer.from(await (await fetch(`${base}${path}`)).arrayBuffer());
      expect(createHash('sha256').update(item).digest('hex')).toBe(sha256);
      const keyring = Buffer.from(await (await fetch(`${site.url}keys/site.gpg`)).arrayBuffer());
      expect(keyring.equals(await readFile(siteKeyring))).toBe(true);

      // The site page's MAAS snippets: the keyring download and gpgv check run as shown (/etc/maas
      // moved into the test), the boot source URL is where MAAS finds streams/v1/index.sjson, and
      // the 3.8 request body carries the binary keyring as base64.
      const doc = await siteDocument(site.url);
      const maasDir = join(dir, 'maas');
      await mkdir(maasDir, { recursive: true });
      const local = (text: string): string => relocate(text, { '/etc/maas': maasDir });
      const fetched = runSnippet(local(snippet(doc, 'simplestreams/maas', 'maas-keyring').text), dir);
      expect(fetched.status, fetched.stderr).toBe(0);
      expect((await readFile(join(maasDir, 'airlock-site.gpg'))).equals(keyring)).toBe(true);
      const checked = runSnippet(local(snippet(doc, 'simplestreams/maas', 'gpgv-check').text), dir);
      expect(checked.status, checked.stderr).toBe(0);
      expect(checked.stderr).toContain('Good signature');
      const create = snippet(doc, 'simplestreams/maas', 'maas-boot-source').text;
      expect(create).toBe(`maas $PROFILE boot-sources create url=${base} keyring_filename=/etc/maas/airlock-site.gpg`);
      const bootSource = /url=(\S+)/.exec(create)?.[1] ?? '';
      expect(await (await fetch(`${bootSource}streams/v1/index.sjson`)).text()).toBe(await readFile(join(mirror, 'streams/v1/index.sjson'), 'utf8'));
      const v38 = runSnippet(snippet(doc, 'simplestreams/maas', 'maas-3.8-boot-source').text, dir);
      expect(v38.status, v38.stderr).toBe(0);
      const body = JSON.parse(await readFile(join(dir, 'airlock-boot-source.json'), 'utf8')) as { url: string; keyring_data: string; priority: number };
      expect(body.url).toBe(bootSource);
      expect(Buffer.from(body.keyring_data, 'base64').equals(keyring)).toBe(true);
      expect(doc.sources.find((s) => s.type === 'simplestreams')?.counts.find((c) => c.label === 'custom images')?.value).toBe(1);
    } finally {
      site.stop();
    }
  });

  it('refuses a stream re-signed by another key at import (UPSTREAM_KEY_CHANGED) and leaves the publication as it was', async () => {
    const dir = join(root, 'rekeyed');
    const { config, exporterPublicKey } = await writeConfig(dir, source('maas', served.url, [`keyring: ${fixture.keyring}`, 'filters: [arch=arm64, release=noble]', 'bootloaders: false']));
    const exportHome = join(dir, 'export-home');
    const siteHome = join(dir, 'site');
    expect((await airlock(['--home', exportHome, 'export', '-c', config, '-o', join(dir, 'b1')])).code).toBe(0);
    await airlock(['--home', siteHome, 'trust', 'add', exporterPublicKey]);
    expect((await airlock(['--home', siteHome, 'import', join(dir, 'b1')])).code).toBe(0);
    const before = await readFile(join(siteHome, 'publish/current/simplestreams/maas/streams/v1/index.sjson'), 'utf8');

    const other = await copyMirror(fixture, join(dir, 'other-mirror'));
    for (const id of [V3, BOOTLOADERS, CENTOS]) await resign(fixture, other, id, () => undefined, 'else@example.invalid');
    const index = JSON.parse(await readFile(join(other, 'streams/v1/index.json'), 'utf8'));
    for (const entry of Object.values(index.index) as Array<{ path: string }>) entry.path = entry.path.replace(/\.json$/, '.sjson');
    await writeFile(join(other, 'streams/v1/index.json'), `${JSON.stringify(index, null, 1)}\n`);
    expect(run('gpg', ['--homedir', fixture.gnupg, '--batch', '--yes', '--local-user', 'else@example.invalid', '--clearsign', '--output', join(other, 'streams/v1/index.sjson'), join(other, 'streams/v1/index.json')]).status).toBe(0);
    const otherServed = await serveDir(other);
    try {
      await writeFile(config, (await readFile(config, 'utf8')).replace(served.url, otherServed.url).replace(fixture.keyring, fixture.wrongKeyring));
      expect((await airlock(['--home', exportHome, 'export', '-c', config, '-o', join(dir, 'b2')])).code).toBe(0);
    } finally {
      otherServed.stop();
    }
    const refused = await airlockJson<{ error: { code: string } }>(['--home', siteHome, 'import', join(dir, 'b2')]);
    expect(refused.result.code).toBe(3);
    expect(refused.json.error.code).toBe('UPSTREAM_KEY_CHANGED');
    expect(await readFile(join(siteHome, 'publish/current/simplestreams/maas/streams/v1/index.sjson'), 'utf8')).toBe(before);
  });

  it('keeps the older version across bundles when upstream withdraws it, also when the merging import is killed', async () => {
    const dir = join(root, 'history');
    const product = 'com.ubuntu.maas.stable:v3:boot:24.04:amd64:ga-24.04';
    const older = await copyMirror(fixture, join(dir, 'mirror-1'));
    await resign(fixture, older, V3, (doc: Doc) => {
      for (const p of Object.values(doc.products)) delete p.versions['20250701'];
    });
    const { config, exporterPublicKey } = await writeConfig(dir, source('maas', 'URL', [`keyring: ${fixture.keyring}`, 'filters: [arch=amd64, release=noble]', 'max: 2', 'bootloaders: false']));
    const template = await readFile(config, 'utf8');
    const exportHome = join(dir, 'export-home');
    const siteHome = join(dir, 'site');
    await airlock(['--home', siteHome, 'trust', 'add', exporterPublicKey]);
    const exportFrom = async (mirror: string, bundle: string, beforeImport?: (bundleDir: string) => Promise<void>): Promise<void> => {
      const s = await serveDir(mirror);
      try {
        await writeFile(config, template.replace('URL', s.url));
        const done = await airlock(['--home', exportHome, 'export', '-c', config, '-o', join(dir, bundle)]);
        expect(done.code, done.stderr).toBe(0);
      } finally {
        s.stop();
      }
      await beforeImport?.(join(dir, bundle));
      const imported = await airlock(['--home', siteHome, 'import', join(dir, bundle)]);
      expect(imported.code, imported.stderr).toBe(0);
    };
    await exportFrom(older, 'b1');
    // Upstream moves on: 20250701 appears, 20250601 is withdrawn, and the products file is newer.
    const newer = await copyMirror(fixture, join(dir, 'mirror-2'));
    await resign(fixture, newer, V3, (doc: Doc) => {
      doc.updated = 'Fri, 01 Aug 2025 00:00:00 +0000';
      for (const p of Object.values(doc.products)) delete p.versions['20250601'];
    });
    // A kill -9 right after the merged catalog is stored leaves the first mirror live and whole; the re-run finishes.
    await exportFrom(newer, 'b2', async (bundleDir) => {
      const killed = await airlock(['--home', siteHome, 'import', bundleDir], { env: { AIRLOCK_FAILPOINT: 'publish:after-merge-stored' } });
      expect(killed.signal).toBe('SIGKILL');
      const live = await checkPublishedMirror(join(siteHome, 'publish/current/simplestreams/maas'), { digests: true });
      expect(live.problems).toEqual([]);
      expect(Object.keys((live.products.get(V3)?.data as Doc | undefined)?.products[product]?.versions ?? {})).toEqual(['20250601']);
    });
    const report = await checkPublishedMirror(join(siteHome, 'publish/current/simplestreams/maas'), { digests: true });
    expect(report.problems).toEqual([]);
    const versions = (report.products.get(V3)?.data as Doc | undefined)?.products[product]?.versions ?? {};
    expect(Object.keys(versions)).toEqual(['20250601', '20250701']);
  });

  describe('export refusals: a verification failure (exit 3) and no bundle written', () => {
    async function refused(name: string, mirror: string, extra: string[], code: string): Promise<string> {
      const dir = join(root, name);
      const mirrorServed = await serveDir(mirror);
      try {
        const { config } = await writeConfig(dir, source('maas', mirrorServed.url, extra));
        const run = await airlockJson<{ error: { code: string; message: string } }>(['--home', join(dir, 'home'), 'export', '-c', config, '-o', join(dir, 'bundle')]);
        expect(run.json.error?.code, run.result.stderr).toBe(code);
        expect(run.result.code).toBe(code === 'CONFIG_INVALID' ? 2 : 3);
        await noBundleWritten(join(dir, 'bundle'));
        return run.json.error.message;
      } finally {
        mirrorServed.stop();
      }
    }

    it('an unsigned upstream (UPSTREAM_UNSIGNED); insecure: true without a keyring exports it, warning loudly', async () => {
      const mirror = await copyMirror(fixture, join(root, 'unsigned-mirror'));
      for (const name of await readdir(join(mirror, 'streams/v1'))) {
        if (name.endsWith('.json')) await writeFile(join(mirror, 'streams/v1', name.replace(/\.json$/, '.sjson')), (await readFile(join(mirror, 'streams/v1', name), 'utf8')).replaceAll('.json"', '.sjson"'));
      }
      await refused('unsigned', mirror, [`keyring: ${fixture.keyring}`], 'UPSTREAM_UNSIGNED');
      const dir = join(root, 'insecure');
      const mirrorServed = await serveDir(mirror);
      try {
        const { config } = await writeConfig(dir, source('maas', mirrorServed.url, ['insecure: true', 'filters: [release=noble]']));
        const ok = await airlock(['--home', join(dir, 'home'), 'export', '-c', config, '-o', join(dir, 'bundle')]);
        expect(ok.code, ok.stderr).toBe(0);
        expect(ok.stderr).toMatch(/insecure: true/);
      } finally {
        mirrorServed.stop();
      }
    });

    it('a products .sjson altered after signing (SIGNATURE_INVALID)', async () => {
      const mirror = await copyMirror(fixture, join(root, 'tampered-mirror'));
      const path = join(mirror, 'streams/v1', `${V3}.sjson`);
      await writeFile(path, (await readFile(path, 'utf8')).replace('"arch": "arm64"', '"arch": "amd64"'));
      await refused('tampered', mirror, [`keyring: ${fixture.keyring}`], 'SIGNATURE_INVALID');
    });

    it('a stream signed by a key outside the keyring (SIGNER_UNTRUSTED)', async () => {
      await refused('wrong-key', fixture.mirror, [`keyring: ${fixture.wrongKeyring}`], 'SIGNER_UNTRUSTED');
    });

    it('an item whose bytes differ from the signed sha256 (DIGEST_MISMATCH)', async () => {
      const mirror = await copyMirror(fixture, join(root, 'corrupt-mirror'));
      const kernel = join(mirror, 'noble/amd64/20250701/ga-24.04/generic/boot-kernel');
      const bytes = await readFile(kernel);
      bytes[0] = (bytes[0] ?? 0) ^ 0xff;
      await writeFile(kernel, bytes);
      expect((await stat(kernel)).size).toBe(bytes.length);
      await refused('corrupt', mirror, [`keyring: ${fixture.keyring}`, 'filters: [release=noble]'], 'DIGEST_MISMATCH');
    });

    it('an unsafe item path, even when properly signed (UPSTREAM_INVALID)', async () => {
      const mirror = await copyMirror(fixture, join(root, 'unsafe-mirror'));
      await resign(fixture, mirror, CENTOS, (doc: Doc) => {
        doc.products['com.ubuntu.maas.stable:centos-bases:8:amd64']!.versions['20211104_01'].items['root-tgz'].path = '../../../../etc/passwd';
      });
      expect(await refused('unsafe', mirror, [`keyring: ${fixture.keyring}`], 'UPSTREAM_INVALID')).toMatch(/unsafe item path/);
    });

    it('one path listed with two different sha256 values (UPSTREAM_INVALID)', async () => {
      const mirror = await copyMirror(fixture, join(root, 'clash-mirror'));
      await resign(fixture, mirror, V3, (doc: Doc) => {
        const jammy = doc.products['com.ubuntu.maas.stable:v3:boot:22.04:amd64:ga-22.04']!.versions['20250701'].items;
        doc.products['com.ubuntu.maas.stable:v3:boot:24.04:amd64:ga-24.04']!.versions['20250701'].items['boot-kernel'].path = jammy['boot-kernel'].path;
      });
      expect(await refused('clash', mirror, [`keyring: ${fixture.keyring}`, 'filters: [arch=amd64]'], 'UPSTREAM_INVALID')).toMatch(/two different sha256/);
    });

    it('a custom dd image instead of a root tarball (CONFIG_INVALID, pointing at boot-resources create)', async () => {
      const message = await refused('dd', fixture.mirror, [`keyring: ${fixture.keyring}`, 'custom:', '  - name: rhel/9', '    arch: amd64', `    file: ${fixture.ddImage}`], 'CONFIG_INVALID');
      expect(message).toMatch(/boot-resources create/);
    });
  });
});
