import { createReadStream } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeExporterKey } from './support/exporter-key.js';
import { requireTools, run } from '@airlock/test-utils';
import { airlockJson } from './support/cli.js';

const BUILD_REPO = fileURLToPath(new URL('../fixtures/rpm/build-repo.sh', import.meta.url));
const VERIFICATION_EXIT = 3;

/** Serves `<root>/<variant>/…` on 127.0.0.1: each hostile upstream is one directory. */
async function serveVariants(root: string): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (path.includes('..')) return void res.writeHead(400).end();
    const file = join(root, path);
    stat(file).then(
      (info) => {
        if (!info.isFile()) return void res.writeHead(404).end();
        res.writeHead(200, { 'content-length': info.size });
        createReadStream(file).pipe(res);
      },
      () => void res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, base: `http://127.0.0.1:${address.port}/` };
}

describe.skipIf(!requireTools('rpmbuild', 'createrepo_c', 'gpg'))('rpm: hostile upstreams are refused with coded errors and nothing is exported', () => {
  let root: string;
  let variants: string;
  let served: { server: Server; base: string };
  let n = 0;

  /** A copy of the signed fixture repo, changed by `mutate`. */
  async function variant(mutate: (repo: string) => Promise<void>): Promise<string> {
    const name = `v${++n}`;
    await cp(join(root, 'upstream', 'repo'), join(variants, name), { recursive: true });
    await mutate(join(variants, name));
    return `${served.base}${name}/`;
  }

  async function exportFrom(url: string): Promise<{ exit: number | null; code: string | undefined; bundle: string }> {
    const dir = join(root, `case-${++n}`);
    await mkdir(dir);
    await writeFile(join(dir, 'airlock.yaml'), [
      'channel: hostile', 'signing:', `  key: ${join(root, 'exporter.key')}`, 'sources:',
      '  - type: rpm', '    name: fx', `    url: ${url}`, `    gpgkey: ${join(root, 'upstream', 'upstream.asc')}`, '    repoGpgcheck: true', '    packages: [fx-app]', '',
    ].join('\n'));
    const bundle = join(dir, 'bundle');
    const { result, json } = await airlockJson<{ error?: { code: string } }>(['--home', join(dir, 'home'), 'export', '-c', join(dir, 'airlock.yaml'), '-o', bundle]);
    return { exit: result.code, code: json.error?.code, bundle };
  }

  async function expectNoBundle(bundle: string): Promise<void> {
    const files = await readdir(bundle).catch(() => [] as string[]);
    expect(files.filter((f) => f.endsWith('.manifest.json'))).toEqual([]);
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'airlock-rpm-hostile-'));
    const built = run('bash', [BUILD_REPO, join(root, 'upstream')]);
    if (built.status !== 0) throw new Error(`build-repo.sh failed: ${built.stderr}`);
    variants = join(root, 'variants');
    await mkdir(variants);
    served = await serveVariants(variants);
    await writeExporterKey(root, 'hostile test exporter');
  });

  afterAll(async () => {
    served.server.close();
    await rm(root, { recursive: true, force: true });
  });

  it('exports the untouched fixture (the baseline the other cases alter)', async () => {
    const r = await exportFrom(await variant(async () => undefined));
    expect(r.exit).toBe(0);
  });

  it('refuses a tampered repomd.xml (SIGNATURE_INVALID)', async () => {
    const url = await variant(async (repo) => {
      const path = join(repo, 'repodata', 'repomd.xml');
      await writeFile(path, (await readFile(path, 'utf8')).replace(/<revision>\d+<\/revision>/, '<revision>1</revision>'));
    });
    const r = await exportFrom(url);
    expect(r.exit).toBe(VERIFICATION_EXIT);
    expect(r.code).toBe('SIGNATURE_INVALID');
    await expectNoBundle(r.bundle);
  });

  it('refuses a repomd.xml.asc made by a key that is not the configured gpgkey (SIGNER_UNTRUSTED)', async () => {
    const url = await variant(async (repo) => {
      const gnupg = join(root, `stranger-${n}`);
      await mkdir(gnupg, { mode: 0o700 });
      const env = { ...process.env, GNUPGHOME: gnupg };
      run('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'stranger <s@fixture.invalid>', 'rsa2048', 'sign', 'never'], { env });
      const signed = run('gpg', ['--batch', '--yes', '--armor', '--detach-sign', '-o', join(repo, 'repodata', 'repomd.xml.asc'), join(repo, 'repodata', 'repomd.xml')], { env });
      expect(signed.status, signed.stderr).toBe(0);
    });
    const r = await exportFrom(url);
    expect(r.exit).toBe(VERIFICATION_EXIT);
    expect(r.code).toBe('SIGNER_UNTRUSTED');
    await expectNoBundle(r.bundle);
  });

  it('refuses a missing repomd.xml.asc when repoGpgcheck is on (SIGNATURE_MISSING)', async () => {
    const url = await variant((repo) => rm(join(repo, 'repodata', 'repomd.xml.asc')));
    const r = await exportFrom(url);
    expect(r.exit).toBe(VERIFICATION_EXIT);
    expect(r.code).toBe('SIGNATURE_MISSING');
    await expectNoBundle(r.bundle);
  });

  it('refuses a primary.xml.gz whose checksum does not match repomd.xml (DIGEST_MISMATCH)', async () => {
    const url = await variant(async (repo) => {
      const name = (await readdir(join(repo, 'repodata'))).find((f) => f.endsWith('-primary.xml.gz'))!;
      const path = join(repo, 'repodata', name);
      const original = await readFile(path);
      const forged = gzipSync(Buffer.from('<?xml version="1.0"?><metadata packages="0"></metadata>'));
      await writeFile(path, Buffer.concat([forged, Buffer.alloc(Math.max(0, original.length - forged.length))]).subarray(0, original.length));
    });
    const r = await exportFrom(url);
    expect(r.exit).toBe(VERIFICATION_EXIT);
    expect(r.code).toBe('DIGEST_MISMATCH');
    await expectNoBundle(r.bundle);
  });

  it('refuses an .rpm whose bytes do not match its pkgid (DIGEST_MISMATCH)', async () => {
    const url = await variant(async (repo) => {
      const path = join(repo, 'Packages', 'fx-base-1.0-1.noarch.rpm');
      const bytes = await readFile(path);
      bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
      await writeFile(path, bytes);
    });
    const r = await exportFrom(url);
    expect(r.exit).toBe(VERIFICATION_EXIT);
    expect(r.code).toBe('DIGEST_MISMATCH');
    await expectNoBundle(r.bundle);
  });
});
