import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteDocument } from '@airlock/serve';
import { requireTools } from '@airlock/test-utils';
import { everyTypeSite, EVERY_TYPE_TOOLS, type EveryTypeSite } from './support/every-type-site.js';
import { siteDocument } from './support/site-config.js';

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));

/** Every snippet each content type must offer on the page (containerd's is per upstream host). */
const EXPECTED: Record<string, string[]> = {
  'files/tools': ['files-wget', 'files-curl'],
  'apt/fixture': ['apt-key', 'apt-sources-list', 'apt-deb822'],
  'rpm/fx': ['dnf-repo'],
  'oci/k8s': ['registries-conf', 'containerd-hosts-HOST', 'skopeo-copy', 'podman-pull'],
  'simplestreams/maas': ['maas-keyring', 'maas-boot-source', 'maas-3.8-boot-source', 'gpgv-check'],
  'snap/snaps': ['snap-install', 'snapd-store', 'snapd-store-apply'],
};

/** Debian's chromium, headless, offline (nothing resolves but 127.0.0.1), with a throwaway profile. */
function chromium(profile: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('chromium', [
    '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1', `--user-data-dir=${profile}`, ...args,
  ], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Text as the browser holds it: chromium serializes &, <, > (and " in attributes) and non-breaking spaces as entities. */
function decode(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', nbsp: '\u00a0', '#39': "'" };
  return text.replace(/&(amp|lt|gt|quot|nbsp|#39);/g, (_, name: string) => named[name] ?? '');
}

describe.skipIf(!requireTools('chromium', ...EVERY_TYPE_TOOLS))('the site page in a real headless browser (Debian chromium)', () => {
  let root = '';
  let fixture: EveryTypeSite;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'airlock-site-page-'));
    fixture = await everyTypeSite(root);
  }, 300_000);

  afterAll(async () => {
    await fixture?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('renders the publication and every source\'s client configuration exactly as /airlock.json states it, and saves a screenshot', async () => {
    const url = fixture.site.url;
    const doc: SiteDocument = await siteDocument(url);
    const rendered = chromium(join(root, 'profile-dom'), ['--dump-dom', url]);
    expect(rendered.status, rendered.stderr).toBe(0);
    const dom = rendered.stdout;

    const shown = new Map([...dom.matchAll(/<pre data-snippet="([^"]+)"><code>([\s\S]*?)<\/code><\/pre>/g)].map((m) => [decode(m[1] ?? ''), decode(m[2] ?? '')]));
    const stated = new Map<string, string>(doc.sources.flatMap((s) => s.clients.map((c): [string, string] => [`${s.type}/${s.name}/${c.id}`, c.text])));
    expect([...shown.keys()].sort()).toEqual([...stated.keys()].sort());
    for (const [id, text] of stated) expect(shown.get(id), id).toBe(text);
    for (const [source, ids] of Object.entries(EXPECTED)) {
      for (const id of ids) expect(stated.has(`${source}/${id.replace('HOST', fixture.registryHost)}`), `${source}/${id}`).toBe(true);
    }
    // The snippets name this host, as the browser reached it.
    expect(stated.get('apt/fixture/apt-sources-list')).toContain(`deb [signed-by=/etc/apt/keyrings/airlock-site.gpg] ${url}apt/fixture stable main`);

    const text = decode(dom.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
    const publication = doc.publication!;
    expect(text).toContain(`publication ${publication.snapshot}`);
    for (const c of publication.channels) {
      expect(c.exporterKey).toMatch(/^[0-9A-F]{40}$/);
      for (const fact of [c.channel, c.bundle, c.exporterKey ?? '']) expect(text).toContain(fact);
    }
    for (const s of doc.sources) {
      expect(text).toContain(`${s.type}/${s.name}`);
      for (const c of s.counts) expect(text, `${s.type}/${s.name} ${c.label}`).toContain(`${c.label} ${c.value}`);
      expect(s.bytes).toBeGreaterThan(0);
    }
    expect(dom).not.toMatch(/<script/i);

    await mkdir(ARTIFACTS, { recursive: true });
    const screenshot = join(ARTIFACTS, 'site-page.png');
    await rm(screenshot, { force: true });
    const shot = chromium(join(root, 'profile-shot'), ['--window-size=1280,4800', '--hide-scrollbars', `--screenshot=${screenshot}`, url]);
    expect(shot.status, shot.stderr).toBe(0);
    expect((await readFile(screenshot)).subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect((await stat(screenshot)).size).toBeGreaterThan(20_000);
    console.info(`site page screenshot: ${screenshot}`);
  }, 180_000);
});
