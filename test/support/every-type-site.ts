import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildUpstream, serveDir, serveSite, type Served } from '../../fixtures/apt/harness.js';
import { buildImage, sh, skopeoPush, startRegistry } from '../../fixtures/oci/upstream.js';
import { buildStream } from '../../fixtures/simplestreams/harness.js';
import { standardStore } from '../../fixtures/snap/standard-store.js';
import { airlock } from './cli.js';
import { writeExporterKey } from './exporter-key.js';

const BUILD_RPM = fileURLToPath(new URL('../../fixtures/rpm/build-repo.sh', import.meta.url));
const MAKE_PAYLOAD = fileURLToPath(new URL('../../fixtures/files/make-payload.mjs', import.meta.url));

/** The tools the fixture upstreams of every content type are built and served with. */
export const EVERY_TYPE_TOOLS = ['dpkg-deb', 'apt-ftparchive', 'gpg', 'rpmbuild', 'createrepo_c', 'docker-registry', 'umoci', 'skopeo', 'mksquashfs', 'xz', 'gzip', 'tar'];

export interface EveryTypeSite {
  siteHome: string;
  /** `airlock serve` of the site, with a trailing slash. */
  site: Served;
  /** The OCI fixture registry's host:port (the upstream the mirror entries name). */
  registryHost: string;
  stop(): Promise<void>;
}

function run(command: string, args: string[]): void {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}`);
}

/** Starts fixtures/serve-dir.mjs on `dir` (127.0.0.1, free port). */
async function serveStatic(dir: string, stops: Array<() => Promise<void>>): Promise<string> {
  const served = await serveDir(dir);
  stops.push(async () => served.stop());
  return served.url;
}

/**
 * One site that published one bundle holding a source of every content type, each built from its
 * fixture upstream with real tools: files, apt, rpm, oci (from a real docker-registry),
 * simplestreams and snap (from the fixture store). Served by `airlock serve`.
 */
export async function everyTypeSite(root: string): Promise<EveryTypeSite> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    run(process.execPath, [MAKE_PAYLOAD, join(root, 'payload'), '--big-mib', '1']);
    const apt = buildUpstream(join(root, 'apt'));
    const aptUrl = await serveStatic(apt.archive, stops);
    run('bash', [BUILD_RPM, join(root, 'rpm')]);
    const rpmUrl = await serveStatic(join(root, 'rpm', 'repo'), stops);
    const stream = buildStream(join(root, 'simplestreams'));
    const streamUrl = await serveStatic(stream.mirror, stops);
    const registry = await startRegistry(join(root, 'registry'));
    stops.push(registry.stop);
    const layout = join(root, 'layout');
    await mkdir(join(root, 'oci-work'), { recursive: true });
    sh('umoci', ['init', '--layout', layout]);
    buildImage(layout, 'app', [{ name: 'layer0', bytes: randomBytes(16 * 1024) }], join(root, 'oci-work'));
    skopeoPush(layout, 'app', `${registry.host}/acc/app:1`);
    await mkdir(join(root, 'snap-work'), { recursive: true });
    const { store, authority } = await standardStore(join(root, 'snap-work'));
    stops.push(() => store.stop());
    await writeFile(join(root, 'root.assert'), authority.rootFile());

    const { publicKey } = await writeExporterKey(join(root, 'keys'), 'site page exporter');
    const config = join(root, 'airlock.yaml');
    await writeFile(config, [
      'channel: every-type',
      'signing:',
      '  key: keys/exporter.key',
      'volumes:',
      '  maxSize: 64MiB',
      'sources:',
      '  - type: files', '    name: tools', '    path: ./payload',
      '  - type: apt', '    name: fixture', `    url: ${aptUrl}`, `    keyring: ${apt.keyring}`, '    architectures: [amd64]', '    suites: [stable]', '    components: [main]', '    packages: [app]',
      '  - type: rpm', '    name: fx', `    url: ${rpmUrl}`, '    gpgkey: rpm/upstream.asc', '    packages: [fx-app]', '    arch: [x86_64, noarch]',
      '  - type: oci', '    name: k8s', '    images:', `      - ${registry.host}/acc/app:1`,
      '  - type: simplestreams', '    name: maas', `    url: ${streamUrl}`, `    keyring: ${stream.keyring}`, '    filters: [arch=amd64, release=noble]', '    max: 1',
      '  - type: snap', '    name: snaps', `    store: ${store.url}`, '    trustedRoots: ./root.assert', '    snaps:', '      - { name: hello-app }',
      '',
    ].join('\n'));
    const siteHome = join(root, 'site');
    const exported = await airlock(['--home', join(root, 'export-home'), 'export', '-c', config, '-o', join(root, 'bundle')]);
    if (exported.code !== 0) throw new Error(`export failed: ${exported.stderr}`);
    for (const trusted of [publicKey, join(root, 'root.assert')]) {
      const added = await airlock(['--home', siteHome, 'trust', 'add', trusted]);
      if (added.code !== 0) throw new Error(`trust add ${trusted} failed: ${added.stderr}`);
    }
    const imported = await airlock(['--home', siteHome, 'import', join(root, 'bundle')]);
    if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr}`);
    const site = await serveSite(siteHome);
    stops.push(async () => site.stop());
    return { siteHome, site, registryHost: registry.host, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

