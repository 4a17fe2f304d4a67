#!/usr/bin/env node
// Times airlock's repodata generation for the RPMs in PACKAGES: first a vault ingest (hash + store,
// reported separately: on a site this happened at import), then the publish step proper:
// hardlink each .rpm from the vault, read its RPM headers, write primary/filelists/other (gz).
// The publish step runs 3 times; the median is reported. Prints one JSON line.  Usage: airlock-metadata.mjs WORK PACKAGES
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { hashFile } from '../../packages/core/dist/index.js';
import { writePackageMetadata } from '../../packages/rpm/dist/index.js';
import { Vault } from '../../packages/vault/dist/index.js';

const [work, packagesDir] = process.argv.slice(2);
const RUNS = 3;
const vaultDir = join(work, 'airlock-vault');
const out = join(work, 'airlock-repo');
await rm(vaultDir, { recursive: true, force: true });
await rm(out, { recursive: true, force: true });
const vault = new Vault(vaultDir);
await vault.init();

const names = (await readdir(packagesDir)).filter((n) => n.endsWith('.rpm')).sort();
const t0 = performance.now();
const packages = [];
for (const name of names) {
  const path = join(packagesDir, name);
  const { digest, size } = await hashFile(path);
  await vault.ingest(createReadStream(path), { digest, size });
  const [, pkgName, version, release, arch] = /^(.*)-([^-]+)-([^-]+)\.([^.]+)\.rpm$/.exec(name);
  packages.push({ name: pkgName, epoch: '0', version, release, arch, href: `Packages/${name}`, digest, size });
}
const t1 = performance.now();

const runs = [];
let primaryBytes = 0;
for (let run = 0; run < RUNS; run++) {
  await rm(out, { recursive: true, force: true });
  await mkdir(join(out, 'repodata'), { recursive: true });
  await mkdir(join(out, 'Packages'), { recursive: true });
  const start = performance.now();
  const written = await writePackageMetadata({ packages }, { vault }, out, () => undefined, 'gz');
  runs.push(+((performance.now() - start) / 1000).toFixed(2));
  primaryBytes = (await stat(join(out, written.find((w) => w.type === 'primary').href))).size;
}
console.log(JSON.stringify({
  packages: names.length,
  ingestSeconds: +((t1 - t0) / 1000).toFixed(2),
  metadataRuns: runs,
  metadataSeconds: [...runs].sort((a, b) => a - b)[Math.floor(RUNS / 2)],
  primaryBytes,
}));
