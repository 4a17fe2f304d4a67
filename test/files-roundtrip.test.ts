import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTools, tempDir } from '@airlock/test-utils';
import { serveSite } from '../fixtures/apt/harness.js';
import { airlock, airlockJson } from './support/cli.js';
import { makeScenario } from './support/scenario.js';
import { describeTree, type TreeEntry } from './support/tree.js';
import { runSnippet, siteDocument, snippet } from './support/site-config.js';

interface ImportJson {
  status: string;
  missing: string[];
  publication: { snapshot: string } | null;
}

describe('files: export → import in reverse volume order → publish (real CLI)', () => {
  it('round-trips a tree byte for byte through several volumes imported over several runs', async () => {
    const s = await makeScenario(await tempDir(), { bigMiB: 2, maxSize: '512KiB' });
    const exported = await airlockJson<{ volumes: Array<{ name: string; size: number }> }>(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(1)]);
    expect(exported.result.code, exported.result.stderr).toBe(0);
    const volumes = exported.json.volumes.map((v) => v.name);
    expect(volumes.length).toBeGreaterThanOrEqual(4);
    for (const v of exported.json.volumes) expect((await stat(join(s.bundle(1), v.name))).size).toBeLessThanOrEqual(512 * 1024);

    const site = ['--home', s.siteHome];
    expect((await airlock([...site, 'trust', 'add', s.exporterPublicKey])).code).toBe(0);

    const reversed = [...volumes].reverse();
    for (const [i, name] of reversed.entries()) {
      const run = await airlockJson<ImportJson>([...site, 'import', s.bundle(1), '--volume', join(s.bundle(1), name)]);
      const last = i === reversed.length - 1;
      expect(run.result.code, run.result.stderr).toBe(last ? 0 : 4);
      expect(run.json.status).toBe(last ? 'published' : 'incomplete');
      expect(run.json.missing).toEqual(last ? [] : [...volumes].slice(0, reversed.length - 1 - i));
      if (!last) {
        const status = await airlockJson<{ waiting: Array<{ missing: string[] }>; publication: unknown }>([...site, 'status']);
        expect(status.json.waiting[0]?.missing).toEqual(run.json.missing);
        expect(status.json.publication).toBeNull();
      }
    }
    const published = join(s.siteHome, 'publish', 'current', 'files', 'tools');
    expect(await describeTree(published)).toEqual(await describeTree(s.payload));
    expect((await readdir(join(s.siteHome, 'publish', 'current', 'keys'))).sort()).toEqual(['site.asc', 'site.gpg']);
  });

  it('ships nothing new for unchanged sources, only new blobs for a change, and rolls back', async () => {
    const s = await makeScenario(await tempDir(), { bigMiB: 1, maxSize: '4MiB' });
    const site = ['--home', s.siteHome];
    const exp = (n: number, extra: string[] = []) => airlockJson<{ carried: { blobs: number }; volumes: unknown[]; base: unknown }>(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(n), ...extra]);
    const first = await exp(1);
    expect(first.result.code, first.result.stderr).toBe(0);
    expect(first.json.base).toBeNull();
    await airlock([...site, 'trust', 'add', s.exporterPublicKey]);
    expect((await airlock([...site, 'import', s.bundle(1)])).code).toBe(0);

    const unchanged = await exp(2);
    expect(unchanged.json.carried.blobs).toBe(0);
    expect(unchanged.json.volumes).toHaveLength(0);
    const plan = await airlockJson<{ carried: { blobs: number } }>(['--home', s.exportHome, 'plan', '-c', s.config]);
    expect(plan.json.carried.blobs).toBe(0);
    expect((await airlock([...site, 'import', s.bundle(2)])).code).toBe(0);

    await writeFile(join(s.payload, 'README.txt'), 'changed upstream\n');
    const changed = await exp(3);
    expect(changed.json.carried.blobs).toBe(2); // the new file and the new catalog
    const imported = await airlockJson<ImportJson>([...site, 'import', s.bundle(3)]);
    expect(imported.result.code, imported.result.stderr).toBe(0);
    expect(await describeTree(join(s.siteHome, 'publish', 'current', 'files', 'tools'))).toEqual(await describeTree(s.payload));

    const rolled = await airlockJson<{ to: string }>([...site, 'rollback']);
    expect(rolled.result.code, rolled.result.stderr).toBe(0);
    const readme = await import('node:fs/promises').then((fs) => fs.readFile(join(s.siteHome, 'publish', 'current', 'files', 'tools', 'README.txt'), 'utf8'));
    expect(readme).toMatch(/^Example payload/);
  });

  it('serves the publication over HTTP', async () => {
    const s = await makeScenario(await tempDir(), { bigMiB: 1, maxSize: '4MiB' });
    await airlock(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(1)]);
    await airlock(['--home', s.siteHome, 'trust', 'add', s.exporterPublicKey]);
    expect((await airlock(['--home', s.siteHome, 'import', s.bundle(1)])).code).toBe(0);
    const { spawn } = await import('node:child_process');
    const { AIRLOCK_BIN } = await import('./support/cli.js');
    const server = spawn(process.execPath, [AIRLOCK_BIN, '--home', s.siteHome, 'serve', '--listen', '127.0.0.1:0', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        server.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const match = /"url": "([^"]+)"/.exec(out);
          if (match?.[1]) resolve(match[1]);
        });
        server.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
      });
      const response = await fetch(new URL('files/tools/docs/notes/Gr%C3%BC%C3%9Fe%20und%20na%C3%AFve%20Dateien.txt', url));
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('unicode and spaces survive the trip\n');
      const key = await fetch(new URL('keys/site.asc', url));
      expect(await key.text()).toMatch(/BEGIN PGP PUBLIC KEY BLOCK/);

    } finally {
      server.kill('SIGTERM');
    }
  });

  it.skipIf(!requireTools('wget', 'curl'))('the site page\'s wget and curl commands copy the published files', async () => {
    const s = await makeScenario(await tempDir(), { bigMiB: 1, maxSize: '4MiB' });
    await airlock(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(1)]);
    await airlock(['--home', s.siteHome, 'trust', 'add', s.exporterPublicKey]);
    expect((await airlock(['--home', s.siteHome, 'import', s.bundle(1)])).code).toBe(0);
    const site = await serveSite(s.siteHome);
    try {
      // The site page's wget command copies every file, names with spaces and umlauts included.
      const doc = await siteDocument(site.url);
      const copy = join(s.root, 'wget-copy');
      await mkdir(copy, { recursive: true });
      const mirrored = runSnippet(snippet(doc, 'files/tools', 'files-wget').text, copy);
      expect(mirrored.status, mirrored.stderr).toBe(0);
      const files = (tree: Record<string, TreeEntry>) => Object.entries(tree).filter(([, e]) => e.kind === 'file').map(([path, e]) => [path, e.sha256]);
      const upstream = await describeTree(s.payload);
      const copied = await describeTree(join(copy, 'files', 'tools'));
      expect(files(copied)).toEqual(expect.arrayContaining(files(upstream)));
      // Symbolic links arrive as copies of their targets, as the snippet's note says.
      const links = Object.entries(upstream).filter(([, e]) => e.kind === 'symlink').map(([path]) => path);
      expect(links.length).toBeGreaterThan(0);
      for (const path of links) expect(copied[path]?.kind, path).not.toBe('symlink');

      const curl = snippet(doc, 'files/tools', 'files-curl').text;
      const [, out, remote] = /^curl -fsSLo (\S+) (\S+)$/.exec(curl) ?? [];
      const one = runSnippet(curl, copy);
      expect(one.status, one.stderr).toBe(0);
      const path = decodeURIComponent((remote ?? '').slice(`${site.url}files/tools/`.length));
      expect(await readFile(join(copy, out ?? ''))).toEqual(await readFile(join(s.payload, path)));
    } finally {
      site.stop();
    }
  });
});
