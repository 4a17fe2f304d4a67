// One builder per content type (the asynchronous ones first, so they run while oci and snap,
// which call their tools synchronously, block the event loop): builds the fixture upstream with the builder in fixtures/,
// serves it on 127.0.0.1 and returns its airlock.yaml entry and the facts the clients check.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildImage, buildTwoPlatformIndex, remoteDigest, sh, skopeoPush, startRegistry } from '../../fixtures/oci/upstream.js';
import { standardStore } from '../../fixtures/snap/standard-store.js';
import { exec, REPO, serveDir, type Running } from './run-tools.js';

export { hasCommand, type Running } from './run-tools.js';

export interface Built {
  type: string;
  /** One-line description for the demo's output. */
  summary: string;
  /** Lines of the `sources:` list in airlock.yaml (paths relative to the demo directory). */
  config: string[];
  /** What the clients compare what they got against, as the upstream has it. */
  facts: Record<string, unknown>;
}

interface Builder {
  type: string;
  tools: string[];
  build(dir: string, running: Running): Promise<Built>;
}

const fixture = (path: string): string => join(REPO, 'fixtures', path);
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

async function files(dir: string, running: Running): Promise<Built> {
  await exec(process.execPath, [fixture('files/make-payload.mjs'), join(dir, 'payload'), '--big-mib', '3']);
  await mkdir(join(dir, 'http'), { recursive: true });
  const iso = randomBytes(300_000);
  await writeFile(join(dir, 'http', 'installer.iso'), iso);
  const url = await serveDir(join(dir, 'http'), running);
  return {
    type: 'files',
    summary: `a tree with a 3 MiB file (split across volumes) and ${url}installer.iso`,
    config: [
      '  - type: files',
      '    name: tools',
      '    path: ./upstream/files/payload',
      '  - type: files',
      '    name: isos',
      '    urls:',
      `      - url: ${url}installer.iso`,
      `        sha256: ${sha256(iso)}`,
    ],
    facts: { source: 'files/tools, files/isos', tree: { source: 'files/tools', path: join(dir, 'payload') }, iso: { source: 'files/isos', file: 'installer.iso', sha256: sha256(iso) } },
  };
}

async function apt(dir: string, running: Running): Promise<Built> {
  await exec('bash', [fixture('apt/build-upstream.sh'), dir]);
  const url = await serveDir(join(dir, 'archive'), running);
  return {
    type: 'apt',
    summary: `signed archive (dpkg-deb, apt-ftparchive, gpg) at ${url}`,
    config: ['  - type: apt', '    name: example', `    url: ${url}`, '    keyring: ./upstream/apt/keys/archive.gpg', '    suites: [stable]', '    components: [main]', '    architectures: [amd64]', '    packages: [app]        # and its dependency closure'],
    facts: { source: 'apt/example', suite: 'stable', component: 'main', package: 'app' },
  };
}

async function rpm(dir: string, running: Running): Promise<Built> {
  await exec('bash', [fixture('rpm/build-repo.sh'), dir]);
  const url = await serveDir(join(dir, 'repo'), running);
  return {
    type: 'rpm',
    summary: `signed repo (rpmbuild, createrepo_c, gpg) at ${url}`,
    config: ['  - type: rpm', '    name: example', `    url: ${url}`, '    gpgkey: ./upstream/rpm/upstream.asc', '    repoGpgcheck: true', '    arch: [x86_64, noarch]', '    packages: [fx-app]     # and its dependency closure'],
    facts: { source: 'rpm/example', package: 'fx-app' },
  };
}

async function oci(dir: string, running: Running): Promise<Built> {
  const layout = join(dir, 'layout');
  const work = join(dir, 'work');
  await mkdir(work, { recursive: true });
  sh('umoci', ['init', '--layout', layout]);
  buildImage(layout, 'app', [0, 1].map((i) => ({ name: `layer${i}`, bytes: randomBytes(64 * 1024) })), work);
  buildTwoPlatformIndex(layout, 'multi', work);
  const registry = await startRegistry(join(dir, 'registry'));
  running.stops.push(registry.stop);
  skopeoPush(layout, 'app', `${registry.host}/demo/app:1.0`);
  skopeoPush(layout, 'multi', `${registry.host}/demo/multi:1.0`);
  const images = ['demo/app', 'demo/multi'].map((repository) => ({ repository, tag: '1.0', digest: remoteDigest(`${registry.host}/${repository}:1.0`) }));
  return {
    type: 'oci',
    summary: `docker-registry at ${registry.url} with an image and a two-platform index (umoci, skopeo)`,
    config: ['  - type: oci', '    name: images', '    images:', `      - ${registry.host}/demo/app:1.0@${images[0]?.digest}   # pinned by digest`, `      - ${registry.host}/demo/multi:1.0`],
    facts: { source: 'oci/images', images },
  };
}

async function simplestreams(dir: string, running: Running): Promise<Built> {
  await exec(process.execPath, [fixture('simplestreams/build-upstream.mjs'), dir]);
  const url = await serveDir(join(dir, 'mirror'), running);
  return {
    type: 'simplestreams',
    summary: `signed MAAS image stream (mksquashfs, tar, xz, gpg --clearsign) at ${url}`,
    config: ['  - type: simplestreams', '    name: maas', `    url: ${url}`, '    keyring: ./upstream/simplestreams/keys/upstream.gpg', '    filters: [arch=amd64]', '    max: 1                 # newest version of each product; bootloaders too'],
    facts: { source: 'simplestreams/maas' },
  };
}

async function snap(dir: string, running: Running): Promise<Built> {
  await mkdir(join(dir, 'work'), { recursive: true });
  const { store, authority } = await standardStore(join(dir, 'work'));
  running.stops.push(() => store.stop());
  await writeFile(join(dir, 'root.assert'), authority.rootFile());
  const snaps = Object.fromEntries(store.snaps.map((s) => [s.built.meta.name, { revision: s.revision, snapId: s.snapId, sha3: s.built.sha3Hex, snapYaml: s.built.snapYaml }]));
  return {
    type: 'snap',
    summary: `snap store at ${store.url} with ${store.snaps.length} snaps (mksquashfs) and a per-run assertion root`,
    config: ['  - type: snap', '    name: snaps', `    store: ${store.url}`, '    trustedRoots: ./upstream/snap/root.assert', '    snaps:', '      - hello-app          # its base, content provider and snapd come along', '      - { name: tool-classic, channel: 1.0/stable }'],
    facts: { source: 'snap/snaps', install: 'hello-app', rootAssert: join(dir, 'root.assert'), snaps },
  };
}

export const builders: Builder[] = [
  { type: 'files', tools: [], build: files },
  { type: 'apt', tools: ['dpkg-deb', 'apt-ftparchive', 'gpg', 'xz', 'gzip'], build: apt },
  { type: 'rpm', tools: ['rpmbuild', 'createrepo_c', 'modifyrepo_c', 'rpmsign', 'gpg'], build: rpm },
  { type: 'simplestreams', tools: ['mksquashfs', 'tar', 'xz', 'gzip', 'gpg'], build: simplestreams },
  { type: 'oci', tools: ['umoci', 'skopeo', 'docker-registry'], build: oci },
  { type: 'snap', tools: ['mksquashfs'], build: snap },
];
