import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools, run, suiteDir } from '@airlock/test-utils';
import { freePort } from '../fixtures/oci/upstream.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
/** Every builder tool and client the demo uses: under CI all must be there and every client must pass. */
const TOOLS = ['gpg', 'gpgv', 'sha256sum', 'curl', 'dpkg-deb', 'apt-ftparchive', 'apt-get', 'dpkg-query', 'rpmbuild', 'createrepo_c', 'rpmsign', 'dnf', 'rpm', 'umoci', 'skopeo', 'docker-registry', 'mksquashfs', 'unsquashfs', 'xz'];
const CLIENTS = ['apt-get', 'dnf', 'skopeo', 'gpgv', 'unsquashfs', 'curl'];

interface Summary {
  bundle: { id: string; volumes: number; files: Array<{ name: string; size: number }> };
  crossed: Array<{ source: string; items: number; bytes: number }>;
  consumed: Array<{ client: string; source: string; result: string; detail: string }>;
}

function npmRunDemo(demoDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'demo'], { cwd: REPO, env: { ...process.env, AIRLOCK_DEMO_DIR: demoDir, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe.skipIf(!requireTools(...TOOLS))('npm run demo (the README quickstart): every content type crosses and every client consumes it', () => {
  let dir: { path: string; remove(): Promise<void> };
  let demo = '';
  let result: { code: number | null; output: string };
  let summary: Summary;

  beforeAll(async () => {
    dir = await suiteDir('airlock-demo-');
    demo = join(dir.path, 'demo');
    result = await npmRunDemo(demo);
    summary = JSON.parse(await readFile(join(demo, 'summary.json'), 'utf8')) as Summary;
  }, 600_000);
  afterAll(async () => {
    await dir?.remove();
  });

  it('finishes with exit code 0 and every client ok', () => {
    expect(result.code, result.output).toBe(0);
    expect(summary.consumed.map((c) => [c.client, c.result])).toEqual(CLIENTS.map((c) => [c, 'ok']));
    expect(result.output).toMatch(/^What crossed: bundle demo-site-000001 /m);
    expect(result.output).toMatch(/^Who consumed it:$/m);
  });

  it('carried one bundle of several volumes holding a source of each content type', () => {
    expect(summary.bundle.volumes).toBeGreaterThan(1);
    expect(new Set(summary.crossed.map((c) => c.source.split('/')[0]))).toEqual(new Set(['files', 'apt', 'rpm', 'oci', 'simplestreams', 'snap']));
    for (const c of summary.crossed) expect(c.items, c.source).toBeGreaterThan(0);
    const check = run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: join(demo, 'bundle') });
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout.match(/\.vol-\d+\.tar\.zst: OK$/gm)).toHaveLength(summary.bundle.volumes);
  });

  it('left what the clients installed in their roots: the apt package and the rpm with their dependencies', () => {
    const apt = run('dpkg-query', [`--admindir=${join(demo, 'clients/apt-get/var/lib/dpkg')}`, '-W', '-f=${Package} ${Status}\n']);
    expect(apt.stdout).toMatch(/^app install ok installed$/m);
    expect(apt.stdout.trim().split('\n').length).toBeGreaterThan(1);
    const rpm = run('rpm', ['--root', join(demo, 'clients/dnf'), '-qa', '--qf', '%{NAME}\n']);
    expect(rpm.stdout.split('\n')).toContain('fx-app');
    expect(rpm.stdout.trim().split('\n').length).toBeGreaterThan(1);
  });

  it('the serve instructions it prints start a server on the demo home', async () => {
    const shown = /^ {2}(bin\/airlock --home \S+ serve --listen 127\.0\.0\.1:8080)$/m.exec(result.output)?.[1];
    expect(shown).toBeDefined();
    const port = await freePort();
    const args = (shown as string).replace('127.0.0.1:8080', `127.0.0.1:${port}`).split(' ');
    const server = spawn(join(REPO, args[0] as string), args.slice(1), { cwd: REPO, stdio: 'ignore' });
    try {
      let status = 0;
      for (let i = 0; i < 100 && status === 0; i++) {
        status = await fetch(`http://127.0.0.1:${port}/keys/site.asc`).then((r) => r.status, () => 0);
        if (status === 0) await new Promise((r) => setTimeout(r, 100));
      }
      expect(status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
    } finally {
      server.kill('SIGTERM');
    }
  });
});
