#!/usr/bin/env node
// Generates a MAAS-shaped stream of about --bytes bytes (incompressible item files, like real
// squashfs images), signed with a throwaway gpg key. Writes OUT/mirror, OUT/keys/upstream.gpg and
// OUT/items.sha256 ("<sha256>  <path>" lines, what the baselines check).
// Usage: gen-stream.mjs --out DIR --bytes N
import { spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, v, i, all) => (i % 2 === 0 ? [...acc, [v.replace(/^--/, ''), all[i + 1]]] : acc), []));
const out = args.out;
const total = Number(args.bytes ?? 2 ** 31);
const mirror = join(out, 'mirror');
const gnupg = join(out, 'gnupg');
mkdirSync(gnupg, { recursive: true, mode: 0o700 });
mkdirSync(join(out, 'keys'), { recursive: true });
const run = (cmd, argv, opts = {}) => {
  const r = spawnSync(cmd, argv, opts);
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  return r.stdout;
};
const gpg = (argv) => run('gpg', ['--homedir', gnupg, '--batch', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', '', ...argv]);
gpg(['--quick-gen-key', 'Bench Stream <bench@example.invalid>', 'ed25519', 'sign', 'never']);
writeFileSync(join(out, 'keys', 'upstream.gpg'), gpg(['--export', 'bench@example.invalid']));

const chunk = Buffer.alloc(8 << 20);
const sums = [];
function file(path, size) {
  const abs = join(mirror, path);
  mkdirSync(dirname(abs), { recursive: true });
  const fd = openSync(abs, 'w');
  const hash = createHash('sha256');
  for (let left = size; left > 0; ) {
    const n = Math.min(left, chunk.length);
    randomFillSync(chunk, 0, n);
    writeSync(fd, chunk, 0, n);
    hash.update(chunk.subarray(0, n));
    left -= n;
  }
  closeSync(fd);
  const sha256 = hash.digest('hex');
  sums.push(`${sha256}  ${path}`);
  return { path, sha256, size };
}

const updated = 'Thu, 24 Jul 2025 08:01:49 +0000';
const images = [['jammy', '22.04'], ['noble', '24.04']].flatMap(([release, version]) => ['amd64', 'arm64'].map((arch) => ({ release, version, arch })));
const each = Math.floor(total / images.length);
const products = {};
for (const { release, version, arch } of images) {
  const dir = `${release}/${arch}/20250701`;
  const kernel = Math.floor(each * 0.02); // about the proportions of a real image (455 MB squashfs, 116 MB initrd, 12 MB kernel)
  const initrd = Math.floor(each * 0.2);
  products[`com.ubuntu.maas.stable:v3:boot:${version}:${arch}:ga-${version}`] = {
    arch, kflavor: 'generic', krel: release, label: 'stable', os: 'ubuntu', release, release_codename: release, release_title: `${version} LTS`,
    subarch: `ga-${version}`, subarches: `generic,ga-${version}`, support_eol: '2029-04-21', version,
    versions: {
      20250701: {
        items: {
          'boot-initrd': { ftype: 'boot-initrd', ...file(`${dir}/ga-${version}/generic/boot-initrd`, initrd) },
          'boot-kernel': { ftype: 'boot-kernel', ...file(`${dir}/ga-${version}/generic/boot-kernel`, kernel) },
          manifest: { ftype: 'manifest', ...file(`${dir}/squashfs.manifest`, 16 << 10) },
          squashfs: { ftype: 'squashfs', ...file(`${dir}/squashfs`, each - kernel - initrd - (16 << 10)) },
        },
      },
    },
  };
}
const id = 'com.ubuntu.maas:stable:v3:download';
const v1 = join(mirror, 'streams', 'v1');
mkdirSync(v1, { recursive: true });
const pretty = (v) => `${JSON.stringify(v, null, 1)}\n`;
writeFileSync(join(v1, `${id}.json`), pretty({ content_id: id, datatype: 'image-ids', format: 'products:1.0', updated, products }));
gpg(['--clearsign', '--yes', '--output', join(v1, `${id}.sjson`), join(v1, `${id}.json`)]);
writeFileSync(join(out, 'index.json'), pretty({ format: 'index:1.0', updated, index: { [id]: { datatype: 'image-ids', format: 'products:1.0', path: `streams/v1/${id}.sjson`, products: Object.keys(products).sort(), updated } } }));
gpg(['--clearsign', '--yes', '--output', join(v1, 'index.sjson'), join(out, 'index.json')]);
writeFileSync(join(out, 'items.sha256'), `${sums.join('\n')}\n`);
