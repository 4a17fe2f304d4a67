import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools } from '@airlock/test-utils';
import { buildUpstream, serveDir, writeConfig, type Upstream } from '../fixtures/apt/harness.js';
import { airlockJson } from './support/cli.js';

const TOOLS = ['dpkg-deb', 'apt-ftparchive', 'gpg', 'xz'];

async function listing(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

function flipByte(data: Buffer, at: number): Buffer {
  const copy = Buffer.from(data);
  copy[at] = (copy[at] ?? 0) ^ 0xff;
  return copy;
}

describe.skipIf(!requireTools(...TOOLS))('apt: hostile upstreams are refused with coded errors and nothing is exported', () => {
  let root: string;
  let upstream: Upstream;
  let counter = 0;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'airlock-apt-attack-'));
    upstream = buildUpstream(join(root, 'upstream'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Copies the archive, lets `tamper` change it, serves it and runs an export of `app`. */
  async function exportTampered(tamper: (archive: string) => Promise<void>, options: { keyring?: string; extra?: string[] } = {}) {
    const dir = join(root, `case-${++counter}`);
    const archive = join(dir, 'archive');
    await cp(upstream.archive, archive, { recursive: true });
    await tamper(archive);
    const served = await serveDir(archive);
    try {
      const { config } = await writeConfig(dir, [
        '  - type: apt',
        '    name: fixture',
        `    url: ${served.url}`,
        `    keyring: ${options.keyring ?? upstream.keyring}`,
        '    suites: [stable]',
        '    components: [main]',
        '    architectures: [amd64]',
        '    packages: [app]',
        ...(options.extra ?? []).map((l) => `    ${l}`),
      ]);
      const out = join(dir, 'bundle');
      const run = await airlockJson<{ error?: { code: string } }>(['--home', join(dir, 'home'), 'export', '-c', config, '-o', out]);
      return { code: run.result.code, error: run.json.error?.code, written: await listing(out), stderr: run.result.stderr };
    } finally {
      served.stop();
    }
  }

  const dist = (archive: string) => join(archive, 'dists', 'stable');

  it('refuses a tampered InRelease (SIGNATURE_INVALID)', async () => {
    const r = await exportTampered(async (archive) => {
      const path = join(dist(archive), 'InRelease');
      const text = await readFile(path, 'utf8');
      await writeFile(path, text.replace(/^ ([0-9a-f])/m, (_m, c: string) => ` ${c === '0' ? '1' : '0'}`));
    });
    expect(r).toMatchObject({ code: 3, error: 'SIGNATURE_INVALID', written: [] });
  });

  it('refuses a Packages file whose hash does not match Release (DIGEST_MISMATCH)', async () => {
    const r = await exportTampered(async (archive) => {
      const path = join(dist(archive), 'main/binary-amd64/Packages.gz');
      const data = await readFile(path);
      await writeFile(path, flipByte(data, data.length - 12));
    });
    expect(r).toMatchObject({ code: 3, error: 'DIGEST_MISMATCH', written: [] });
  });

  it('refuses a .deb whose hash does not match Packages (DIGEST_MISMATCH)', async () => {
    const r = await exportTampered(async (archive) => {
      const path = join(archive, 'pool/main/l/libbaz/libbaz_1.0-1_amd64.deb');
      const data = await readFile(path);
      await writeFile(path, flipByte(data, data.length - 20));
    });
    expect(r.error).toBe('DIGEST_MISMATCH');
    expect(r.code).toBe(3);
    expect(r.written.filter((f) => !f.startsWith('.'))).toEqual([]);
  });

  it('refuses a Release signed by a key outside the configured keyring (SIGNER_UNTRUSTED)', async () => {
    const r = await exportTampered(async () => undefined, { keyring: upstream.wrongKeyring });
    expect(r).toMatchObject({ code: 3, error: 'SIGNER_UNTRUSTED', written: [] });
  });

  it('refuses an unsigned Release (SIGNATURE_MISSING) and accepts Release + Release.gpg without InRelease', async () => {
    const unsigned = await exportTampered(async (archive) => {
      await unlink(join(dist(archive), 'InRelease'));
      await unlink(join(dist(archive), 'Release.gpg'));
    });
    expect(unsigned).toMatchObject({ code: 3, error: 'SIGNATURE_MISSING', written: [] });
    const detached = await exportTampered(async (archive) => unlink(join(dist(archive), 'InRelease')));
    expect(detached.code, detached.stderr).toBe(0);
  });

  it('refuses an expired Release unless allowExpired is set (UPSTREAM_INVALID)', async () => {
    const expire = async (archive: string): Promise<void> => {
      const release = join(dist(archive), 'Release');
      const text = await readFile(release, 'utf8');
      await writeFile(release, text.replace(/^Date: .*$/m, (d) => `${d}\nValid-Until: Thu, 01 Jan 2015 00:00:00 UTC`));
      const signed = spawnSync('gpg', ['--batch', '--yes', '--local-user', 'archive@example.invalid', '--clearsign', '-o', join(dist(archive), 'InRelease'), release], {
        env: { ...process.env, GNUPGHOME: upstream.gnupgHome },
        encoding: 'utf8',
      });
      if (signed.status !== 0) throw new Error(signed.stderr);
    };
    const expired = await exportTampered(expire);
    expect(expired).toMatchObject({ code: 3, error: 'UPSTREAM_INVALID', written: [] });
    const allowed = await exportTampered(expire, { extra: ['allowExpired: true'] });
    expect(allowed.code, allowed.stderr).toBe(0);
  });
});
