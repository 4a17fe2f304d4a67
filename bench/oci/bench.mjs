// Usage: node bench/oci/bench.mjs [images=4] [layerMiB=64]   (4 layers per image; default 1 GiB in total)
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { pushPublication } from '../../packages/oci/dist/index.js';
import { generateKey } from '../../packages/pgp/dist/index.js';

const IMAGES = Number(process.argv[2] ?? 4);
const LAYER_MIB = Number(process.argv[3] ?? 64);
const LAYERS = 4;
const BIN = fileURLToPath(new URL('../../bin/airlock', import.meta.url));
const RESULTS = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'airlock-oci-bench-'));
const children = [];

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const airlock = (args) => sh(process.execPath, [BIN, ...args]);
const sha = (b) => createHash('sha256').update(b).digest('hex');
const time = async (fn) => {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
};

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(url) {
  for (let i = 0; i < 200; i++) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

async function registry(name) {
  const dir = join(work, name);
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const port = await freePort();
  writeFileSync(join(dir, 'config.yml'), `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'storage')}\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  children.push(spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' }));
  await waitFor(`http://127.0.0.1:${port}/v2/`);
  return `127.0.0.1:${port}`;
}

/** An OCI layout with IMAGES images of LAYERS gzip layers of random (incompressible) bytes. */
function buildLayout(dir) {
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  const put = (bytes) => {
    const hex = sha(bytes);
    writeFileSync(join(dir, 'blobs', 'sha256', hex), bytes);
    return { digest: `sha256:${hex}`, size: bytes.length };
  };
  const manifests = [];
  for (let i = 0; i < IMAGES; i++) {
    const layers = [];
    const diffIds = [];
    for (let l = 0; l < LAYERS; l++) {
      const raw = randomBytes(LAYER_MIB << 20);
      diffIds.push(`sha256:${sha(raw)}`);
      layers.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...put(gzipSync(raw, { level: 1 })) });
    }
    const config = put(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: diffIds } })));
    const manifest = put(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config }, layers })));
    manifests.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': `img${i}` } });
  }
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
}

const mib = (bytes) => bytes / (1 << 20);
const totalBytes = IMAGES * LAYERS * (LAYER_MIB << 20);

try {
  console.log(`building ${IMAGES} images x ${LAYERS} layers x ${LAYER_MIB} MiB in ${work}`);
  buildLayout(join(work, 'src'));
  const upstream = await registry('upstream');
  for (let i = 0; i < IMAGES; i++) sh('skopeo', ['copy', '--preserve-digests', '--dest-tls-verify=false', `oci:${join(work, 'src')}:img${i}`, `docker://${upstream}/bench/img${i}:1`]);

  const key = await generateKey({ name: 'bench exporter' });
  writeFileSync(join(work, 'exporter.key'), key.armoredPrivateKey, { mode: 0o600 });
  writeFileSync(join(work, 'exporter.pub.asc'), key.armoredPublicKey);
  writeFileSync(join(work, 'airlock.yaml'), ['channel: bench', 'signing:', '  key: exporter.key', 'volumes:', '  maxSize: 4GiB', '  compression: none', 'sources:', '  - type: oci', '    name: bench', '    images:', `      - {image: "${upstream}/bench/img0", tags: ".*"}`, ...Array.from({ length: IMAGES - 1 }, (_, i) => `      - ${upstream}/bench/img${i + 1}:1`), ''].join('\n'));
  const exportSeconds = await time(() => airlock(['--home', join(work, 'export-home'), 'export', '-c', join(work, 'airlock.yaml'), '-o', join(work, 'bundle')]));
  airlock(['--home', join(work, 'site'), 'trust', 'add', join(work, 'exporter.pub.asc')]);
  const importSeconds = await time(() => airlock(['--home', join(work, 'site'), 'import', join(work, 'bundle')]));
  const current = join(work, 'site', 'publish', 'current');
  const layout = join(current, 'oci', 'bench');

  // Push: airlock's pusher vs skopeo copy oci:… docker://… of the same layout, each into a fresh registry.
  const pushTarget = await registry('push-airlock');
  const skopeoTarget = await registry('push-skopeo');
  const airlockPush = await time(() => pushPublication(current, pushTarget));
  const skopeoPush = await time(async () => {
    for (let i = 0; i < IMAGES; i++) sh('skopeo', ['copy', '--preserve-digests', '--dest-tls-verify=false', `oci:${layout}:bench/img${i}:1`, `docker://${skopeoTarget}/bench/img${i}:1`]);
  });

  // Pull: skopeo copy docker://… → dir: from airlock serve and from docker-registry holding the same images.
  const servePort = await freePort();
  children.push(spawn(process.execPath, [BIN, '--home', join(work, 'site'), 'serve', '--listen', `127.0.0.1:${servePort}`], { stdio: 'ignore' }));
  await waitFor(`http://127.0.0.1:${servePort}/v2/`);
  const pull = async (host, label) =>
    time(async () => {
      for (let i = 0; i < IMAGES; i++) {
        const out = join(work, `pull-${label}-${i}`);
        sh('skopeo', ['copy', '--src-tls-verify=false', `docker://${host}/bench/img${i}:1`, `dir:${out}`]);
        rmSync(out, { recursive: true, force: true });
      }
    });
  const pullRegistry1 = await pull(upstream, 'registry');
  const pullServe1 = await pull(`127.0.0.1:${servePort}`, 'serve');
  const pullRegistry2 = await pull(upstream, 'registry');
  const pullServe2 = await pull(`127.0.0.1:${servePort}`, 'serve');
  const pullRegistry = Math.min(pullRegistry1, pullRegistry2);
  const pullServe = Math.min(pullServe1, pullServe2);

  const rows = [
    `# OCI benchmark results`,
    '',
    `Run on ${new Date().toISOString().slice(0, 10)}: ${IMAGES} images x ${LAYERS} layers x ${LAYER_MIB} MiB of incompressible data = ${mib(totalBytes).toFixed(0)} MiB of layer payload (gzip level 1, so slightly more on the wire). Loopback only; ${spawnSync('nproc').stdout.toString().trim()} CPU cores. Reproduce: \`bash bench/oci/run.sh\` (\`OCI_BENCH_IMAGES\`, \`OCI_BENCH_LAYER_MIB\` to resize).`,
    '',
    '| step | airlock | reference | ratio (airlock / reference) |',
    '|---|---|---|---|',
    `| push ${IMAGES} images from the publication into an empty docker-registry | ${airlockPush.toFixed(2)} s (${(mib(totalBytes) / airlockPush).toFixed(0)} MiB/s) | skopeo copy oci:… docker://…: ${skopeoPush.toFixed(2)} s (${(mib(totalBytes) / skopeoPush).toFixed(0)} MiB/s) | ${(airlockPush / skopeoPush).toFixed(2)}x |`,
    `| skopeo pull of all images (best of 2) | airlock serve: ${pullServe.toFixed(2)} s (${(mib(totalBytes) / pullServe).toFixed(0)} MiB/s) | docker-registry: ${pullRegistry.toFixed(2)} s (${(mib(totalBytes) / pullRegistry).toFixed(0)} MiB/s) | ${(pullServe / pullRegistry).toFixed(2)}x |`,
    '',
    `Context (not compared): export from docker-registry ${exportSeconds.toFixed(2)} s, import + publish ${importSeconds.toFixed(2)} s.`,
    `Raw pull timings: docker-registry ${pullRegistry1.toFixed(2)} s / ${pullRegistry2.toFixed(2)} s, airlock serve ${pullServe1.toFixed(2)} s / ${pullServe2.toFixed(2)} s.`,
    '',
    'Method: both pushes start from the same published layout into fresh, empty docker-registry instances (airlock: `pushPublication`, 4 blobs in flight, HEAD → POST → monolithic PUT; skopeo: one `skopeo copy --preserve-digests oci:… docker://…` per image). Pulls are `skopeo copy docker://… dir:…` of every image, one after the other, from docker-registry (the export upstream) and from `airlock serve` on the imported publication. Layers are gzip streams of random bytes: realistic for transport, not for unpacking.',
    '',
  ];
  writeFileSync(RESULTS, rows.join('\n'));
  console.log(rows.join('\n'));
} finally {
  for (const child of children) child.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
