import { createServer, type Server } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools } from '@airlock/test-utils';
import { buildImage, remoteDigest, sh, startRegistry, type RunningRegistry } from '../fixtures/oci/upstream.js';
import { airlock, airlockJson } from './support/cli.js';
import { writeExporterKey } from './support/exporter-key.js';

const USER = 'pusher';
const PASSWORD = randomBytes(8).toString('hex');

/**
 * A front for the site registry that wants Basic credentials (as Harbor or a distribution with
 * htpasswd does) and records who pushed, then forwards to the real docker-registry.
 */
async function basicAuthFront(target: string, seen: string[]): Promise<{ host: string; close(): Promise<void> }> {
  const expected = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
  const server: Server = createServer((req, res) => {
    void (async () => {
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="site"', 'content-type': 'application/json' });
        res.end('{"errors":[{"code":"UNAUTHORIZED","message":"auth"}]}');
        return;
      }
      seen.push(`${req.method} ${req.url}`);
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'authorization' && k !== 'connection') headers[k] = v;
      const answer = await fetch(`${target}${req.url ?? '/'}`, { method: req.method, headers, body: chunks.length > 0 ? Buffer.concat(chunks) : undefined, redirect: 'manual' });
      const out: Record<string, string> = {};
      answer.headers.forEach((v, k) => {
        if (k !== 'content-length' && k !== 'transfer-encoding' && k !== 'content-encoding' && k !== 'connection') out[k] = v;
      });
      const body = Buffer.from(await answer.arrayBuffer());
      res.writeHead(answer.status, { ...out, 'content-length': String(body.length) });
      res.end(req.method === 'HEAD' ? undefined : body);
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { host: `127.0.0.1:${(server.address() as { port: number }).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

describe.skipIf(!requireTools('docker-registry', 'umoci', 'skopeo'))('import pushes to the registry of the site config (publish.registry)', () => {
  let root: string;
  let registry: RunningRegistry;
  let front: { host: string; close(): Promise<void> };
  const pushes: string[] = [];
  let bundle: string;
  let publicKey: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'airlock-site-push-'));
    const layout = join(root, 'layout');
    await mkdir(join(root, 'work'));
    sh('umoci', ['init', '--layout', layout]);
    buildImage(layout, 'installer', [{ name: 'bin', bytes: randomBytes(64 * 1024) }], join(root, 'work'));
    registry = await startRegistry(join(root, 'registry'));
    front = await basicAuthFront(registry.url, pushes);
    ({ publicKey } = await writeExporterKey(join(root, 'keys')));
    await writeFile(join(root, 'airlock.yaml'), `channel: pcg\nsigning: {key: keys/exporter.key}\nsources:\n  - {type: oci, name: pcg, images: [{image: "oci-layout:${layout}:installer", rename: spectro/installer}]}\n`);
    bundle = join(root, 'bundle');
    const exported = await airlock(['--home', join(root, 'export-home'), 'export', '-c', join(root, 'airlock.yaml'), '-o', bundle]);
    expect(exported.code, exported.stderr).toBe(0);
  });
  afterAll(async () => {
    await front?.close();
    await registry?.stop();
    await rm(root, { recursive: true, force: true });
  });

  async function site(name: string, siteYaml: string): Promise<string> {
    const home = join(root, name);
    await mkdir(home, { recursive: true });
    await writeFile(join(home, 'site.yaml'), siteYaml);
    expect((await airlock(['--home', home, 'trust', 'add', publicKey])).code).toBe(0);
    return home;
  }

  it('refuses before importing when the credentials variable the site config names is not set', async () => {
    const home = await site('site-noenv', `publish:\n  registry:\n    url: ${front.host}/mirror\n    credentials: {env: AIRLOCK_TEST_REGISTRY_CREDS}\n`);
    const run = await airlockJson<{ error: { code: string; message: string } }>(['--home', home, 'import', bundle], { env: { AIRLOCK_TEST_REGISTRY_CREDS: '' } });
    expect(run.result.code).toBe(2);
    expect(run.json.error.code).toBe('CONFIG_INVALID');
    expect(run.json.error.message).toContain('AIRLOCK_TEST_REGISTRY_CREDS');
    expect((await airlockJson<{ publication: unknown }>(['--home', home, 'status'])).json.publication).toBeNull();
  });

  it('pushes every published image with credentials from the variable, keeping digests', async () => {
    const home = await site('site-env', `publish:\n  registry:\n    url: ${front.host}/mirror\n    credentials: {env: AIRLOCK_TEST_REGISTRY_CREDS}\n`);
    const run = await airlockJson<{ status: string; pushed: { repositories: number; registry: string } }>(['--home', home, 'import', bundle], { env: { AIRLOCK_TEST_REGISTRY_CREDS: `${USER}:${PASSWORD}` } });
    expect(run.result.code, run.result.stderr).toBe(0);
    expect(run.json.pushed.repositories).toBe(1);
    expect(pushes.some((p) => p.startsWith('PUT /v2/mirror/spectro/installer/manifests/'))).toBe(true);
    const upstream = createHash('sha256').update(sh('skopeo', ['inspect', '--raw', `oci:${join(root, 'layout')}:installer`])).digest('hex');
    expect(remoteDigest(`${registry.host}/mirror/spectro/installer:installer`)).toBe(`sha256:${upstream}`);
  });

  it('takes credentials from an auth file, and --registry overrides the url without sending the config credentials elsewhere', async () => {
    await writeFile(join(root, 'auth.json'), JSON.stringify({ auths: { [front.host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } } }));
    const home = await site('site-file', `publish:\n  registry:\n    url: ${front.host}/byfile\n    credentials: {file: ${join(root, 'auth.json')}}\n`);
    const byConfig = await airlockJson<{ pushed: { repositories: number } }>(['--home', home, 'import', bundle]);
    expect(byConfig.result.code, byConfig.result.stderr).toBe(0);
    expect(pushes.some((p) => p.startsWith('PUT /v2/byfile/spectro/installer/manifests/'))).toBe(true);

    const other = await site('site-override', `publish:\n  registry:\n    url: ${front.host}/never\n    credentials: {file: ${join(root, 'auth.json')}}\n`);
    const overridden = await airlockJson<{ pushed: { registry: string } }>(['--home', other, 'import', bundle, '--registry', `${registry.host}/direct`]);
    expect(overridden.result.code, overridden.result.stderr).toBe(0);
    expect(overridden.json.pushed.registry).toBe(`http://${registry.host}`);
    expect(remoteDigest(`${registry.host}/direct/spectro/installer:installer`)).toBe(remoteDigest(`${registry.host}/byfile/spectro/installer:installer`));
    expect(pushes.some((p) => p.includes('/v2/never/'))).toBe(false);
  });
});
