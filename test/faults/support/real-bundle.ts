import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Compression, Manifest } from '@airlock/bundle';
import { airlock } from '../../support/cli.js';
import { writeExporterKey } from '../../support/exporter-key.js';

export interface RealBundle {
  dir: string;
  manifestPath: string;
  manifestBytes: Buffer;
  manifest: Manifest;
  fingerprint: string;
  volumes: Array<{ path: string; bytes: Buffer }>;
}

/** Deterministic incompressible bytes. */
function noise(seed: string, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let i = 0; blocks.length * 32 < length; i++) blocks.push(createHash('sha256').update(`${seed}:${i}`).digest());
  return Buffer.concat(blocks).subarray(0, length);
}

/**
 * A bundle written by the real `airlock export` from a small files tree: a few small files, an
 * empty one, and one blob larger than a 64 KiB volume, so it is split into parts across volumes.
 */
export async function exportRealBundle(root: string, compression: Compression): Promise<RealBundle> {
  const payload = join(root, 'payload');
  await mkdir(join(payload, 'docs'), { recursive: true });
  await writeFile(join(payload, 'README.txt'), 'carried by airlock\n');
  await writeFile(join(payload, 'empty.txt'), '');
  await writeFile(join(payload, 'docs', 'notes.txt'), 'a line of notes\n'.repeat(100));
  await writeFile(join(payload, 'big.bin'), noise('big', 100 * 1024));
  const key = await writeExporterKey(join(root, 'keys'), 'fuzz exporter');
  const config = join(root, 'airlock.yaml');
  await writeFile(config, ['channel: fuzz', 'signing:', '  key: keys/exporter.key', 'volumes:', '  maxSize: 64KiB', `  compression: ${compression}`, 'sources:', '  - type: files', '    name: tree', '    path: ./payload', ''].join('\n'));
  const dir = join(root, 'bundle');
  const result = await airlock(['--home', join(root, 'home'), 'export', '-c', config, '-o', dir]);
  if (result.code !== 0) throw new Error(`airlock export failed: ${result.stderr}`);
  const names = (await readdir(dir)).sort();
  const manifestName = names.find((n) => n.endsWith('.manifest.json'));
  if (!manifestName) throw new Error(`no manifest in ${dir}`);
  const manifestBytes = await readFile(join(dir, manifestName));
  const volumes = await Promise.all(names.filter((n) => n.includes('.vol-')).map(async (n) => ({ path: join(dir, n), bytes: await readFile(join(dir, n)) })));
  return { dir, manifestPath: join(dir, manifestName), manifestBytes, manifest: JSON.parse(manifestBytes.toString('utf8')) as Manifest, fingerprint: key.fingerprint, volumes };
}

/** Offsets of the ustar header blocks of a plain tar, and the fields worth corrupting in each. */
export function tarHotspots(tar: Buffer): Array<readonly [number, number]> {
  const spots: Array<readonly [number, number]> = [];
  for (let at = 0; at + 512 <= tar.length; ) {
    const block = tar.subarray(at, at + 512);
    if (block.every((b) => b === 0)) {
      spots.push([at, 1024]);
      break;
    }
    // name, size, checksum, typeflag + linkname start, magic + version, prefix
    spots.push([at, 100], [at + 124, 12], [at + 148, 8], [at + 156, 2], [at + 257, 8], [at + 345, 16]);
    const size = Number.parseInt(block.toString('latin1', 124, 136).replace(/\0.*$/, '').trim() || '0', 8);
    spots.push([at + 512, Math.min(64, size)]);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return spots;
}

