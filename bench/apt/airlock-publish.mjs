#!/usr/bin/env node
// Times airlock's side of the publish bench: resolve the whole suite from a served upstream
// (reported, not compared), then the import-side work on the same debs: vault ingest (hash +
// store, as `aptly repo add` copies into its pool), reverify, and publish (Packages{,.gz,.xz},
// Release, InRelease, Release.gpg, pool hardlinks). Prints one JSON line.
// Usage: airlock-publish.mjs WORK UPSTREAM_URL KEYRING
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { aptDriver } from '../../packages/apt/dist/index.js';
import { silentProgress } from '../../packages/core/dist/index.js';
import { createFetcher } from '../../packages/fetch/dist/index.js';
import { generateKey, loadSigner } from '../../packages/pgp/dist/index.js';
import { Vault } from '../../packages/vault/dist/index.js';

const [work, url, keyring] = process.argv.slice(2);
const fetcher = createFetcher();
const spec = aptDriver.parseSpec({ type: 'apt', name: 'bench', url, suites: ['stable'], components: ['main'], architectures: ['amd64'], keyring }, '', work);
const t0 = performance.now();
const resolved = await aptDriver.resolve(spec, { sourceName: 'bench', configDir: work, cacheDir: join(work, 'airlock-cache'), fetcher, progress: silentProgress });
const t1 = performance.now();
await fetcher.close?.();

const debDir = join(work, 'upstream');
const vaultDir = join(work, 'airlock-vault');
await rm(vaultDir, { recursive: true, force: true });
const vault = new Vault(vaultDir);
await vault.init();
const t2 = performance.now();
for (const a of resolved.artifacts) {
  const path = a.source.kind === 'file' ? a.source.path : join(debDir, a.label);
  await vault.ingest(createReadStream(path), { digest: a.digest, size: a.size, label: a.label });
}
const t3 = performance.now();
const catalog = aptDriver.parseCatalog(JSON.parse(JSON.stringify(resolved.catalog)));
await aptDriver.reverify(catalog, { sourceName: 'bench', vault, progress: silentProgress });
const t4 = performance.now();
const key = await generateKey({ name: 'bench site' });
const signer = await loadSigner(key.armoredPrivateKey);
const staging = join(work, 'airlock-staging');
await rm(staging, { recursive: true, force: true });
await mkdir(staging, { recursive: true });
const t5 = performance.now();
await aptDriver.publish(catalog, { sourceName: 'bench', vault, progress: silentProgress, staging, siteSigner: signer });
const t6 = performance.now();
const s = (ms) => Number((ms / 1000).toFixed(2));
console.log(JSON.stringify({ packages: resolved.artifacts.length - 1, resolve: s(t1 - t0), ingest: s(t3 - t2), reverify: s(t4 - t3), publish: s(t6 - t5), total: s(t3 - t2 + t4 - t3 + t6 - t5), maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
