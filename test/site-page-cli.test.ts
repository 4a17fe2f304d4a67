import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { SiteDocument } from '@airlock/serve';
import { tempDir } from '@airlock/test-utils';
import { AIRLOCK_BIN, airlock } from './support/cli.js';
import { makeScenario } from './support/scenario.js';

/** `airlock serve` as docs/serve.md shows it, on a free port; resolves with the URL it listens on. */
async function serve(home: string, extra: string[]): Promise<string> {
  const child = spawn(process.execPath, [AIRLOCK_BIN, '--home', home, 'serve', '--listen', '127.0.0.1:0', '--json', ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
  onTestFinished(() => void child.kill('SIGTERM'));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /"url": "([^"]+)"/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
}

describe('airlock serve: the site page from the command line', () => {
  it('writes --public-url into every snippet instead of the address it listens on', async () => {
    const s = await makeScenario(await tempDir(), { bigMiB: 1, maxSize: '4MiB' });
    expect((await airlock(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(1)])).code).toBe(0);
    await airlock(['--home', s.siteHome, 'trust', 'add', s.exporterPublicKey]);
    expect((await airlock(['--home', s.siteHome, 'import', s.bundle(1)])).code).toBe(0);
    // The two forms docs/serve.md shows: a DNS name with a port, and https behind a proxy at a path.
    for (const publicUrl of ['http://mirror.example.internal:8080/', 'https://mirror.example.internal/airlock/']) {
      const url = await serve(s.siteHome, ['--public-url', publicUrl]);
      const doc = (await (await fetch(new URL('airlock.json', url))).json()) as SiteDocument;
      expect(doc.url).toBe(publicUrl);
      expect(doc.sources.map((x) => `${x.type}/${x.name}`)).toEqual(['files/tools']);
      expect(doc.sources[0]?.clients.find((c) => c.id === 'files-wget')?.text).toContain(` ${publicUrl}files/tools/`);
      expect(doc.publication?.channels[0]?.exporterKey).toMatch(/^[0-9A-F]{40}$/);
      expect(await (await fetch(url)).text()).toContain(`${publicUrl}files/tools/`);
    }
  });

  it('answers 503 with what to do on a site that published nothing, and refuses a bad --public-url (exit 2)', async () => {
    const home = join(await tempDir(), 'site');
    const url = await serve(home, []);
    const page = await fetch(url);
    expect(page.status).toBe(503);
    expect(await page.text()).toContain('Nothing is published yet');
    const refused = await airlock(['--home', home, 'serve', '--listen', '127.0.0.1:0', '--public-url', 'ftp://mirror/']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--public-url ftp://mirror/ is not usable: use http:// or https://');
  });
});
