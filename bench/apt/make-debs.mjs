#!/usr/bin/env node
// Writes N small, valid .deb files (ar: debian-binary, control.tar.gz, data.tar.gz) into
// OUT/pool/main/<x>/<name>/ — built in-process because 10k dpkg-deb runs would dominate the bench.
// Usage: make-debs.mjs OUT N
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const [out, countArg] = process.argv.slice(2);
const count = Number(countArg ?? 10000);

function tarHeader(name, size, mode, type = '0') {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write(mode.toString(8).padStart(7, '0') + '\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write((1700000000).toString(8).padStart(11, '0') + '\0', 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.write('root', 265);
  h.write('root', 297);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

function tar(entries) {
  const parts = [];
  for (const [name, body] of entries) {
    if (body === null) {
      parts.push(tarHeader(name, 0, 0o755, '5'));
      continue;
    }
    parts.push(tarHeader(name, body.length, 0o644), body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

function arMember(name, body) {
  const header = `${name.padEnd(16)}${'1700000000'.padEnd(12)}${'0'.padEnd(6)}${'0'.padEnd(6)}${'100644'.padEnd(8)}${String(body.length).padEnd(10)}\`\n`;
  return Buffer.concat([Buffer.from(header), body, body.length % 2 ? Buffer.from('\n') : Buffer.alloc(0)]);
}

for (let i = 0; i < count; i++) {
  const name = `bench-pkg-${i}`;
  const deps = i > 0 ? `Depends: bench-pkg-${Math.floor(i / 2)} (>= 1.0)${i % 7 === 0 ? ` | bench-pkg-${i - 1}` : ''}\n` : '';
  const control = Buffer.from(`Package: ${name}\nVersion: 1.0-${1 + (i % 3)}\nArchitecture: ${i % 10 === 0 ? 'all' : 'amd64'}\nMaintainer: Bench <bench@example.invalid>\nInstalled-Size: 1\n${deps}Section: misc\nPriority: optional\nDescription: synthetic bench package ${i}\n`);
  const controlTar = gzipSync(tar([['./', null], ['./control', control]]));
  const dataTar = gzipSync(tar([['./', null], ['./usr/', null], ['./usr/share/', null], ['./usr/share/doc/', null], [`./usr/share/doc/${name}/`, null], [`./usr/share/doc/${name}/README`, Buffer.from(`${name} payload\n`)]]));
  const deb = Buffer.concat([Buffer.from('!<arch>\n'), arMember('debian-binary', Buffer.from('2.0\n')), arMember('control.tar.gz', controlTar), arMember('data.tar.gz', dataTar)]);
  const dir = join(out, 'pool', 'main', 'b', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}_1.0-${1 + (i % 3)}_${i % 10 === 0 ? 'all' : 'amd64'}.deb`), deb);
}
