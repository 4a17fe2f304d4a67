import { copyFile, mkdir, readdir, readFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AirlockError, sha256Hex } from '@airlock/core';
import { expectCode, tempDir } from '@airlock/test-utils';
import type { Manifest } from './manifest-types.js';
import { manifestFileName } from './names.js';
import { findManifest, readManifest } from './read-manifest.js';
import { serializeManifest } from './serialize-manifest.js';
import { writeBundleFiles } from './write-bundle-files.js';
import { FINGERPRINT, ID, noise, packBundle } from './__tests__/fixtures.js';

// Signatures are checked by @airlock/pgp; here the check is the injected `verify`, which the
// bundle package must call on the exact bytes, before it parses anything.
const sign = async (data: Buffer) => `fake signature ${sha256Hex(data)}\n`;
const verify = async (data: Buffer, sig: Buffer) => {
  if (sig.toString() !== (await sign(data))) throw new AirlockError('SIGNATURE_INVALID', 'bad fake signature');
  return { fingerprint: FINGERPRINT };
};

async function bundleDir(): Promise<{ dir: string; manifest: Manifest; path: string }> {
  const dir = await tempDir();
  const { manifest } = await packBundle(dir, [noise(1000)], { compression: 'zstd', maxVolumeSize: 1 << 20 });
  await writeBundleFiles(dir, manifest, sign);
  return { dir, manifest, path: join(dir, manifestFileName(manifest.id)) };
}

describe('readManifest', () => {
  it('reads back what writeBundleFiles wrote, from the dir or the file', async () => {
    const { dir, manifest, path } = await bundleDir();
    const bytes = await readFile(path);
    expect(bytes.toString()).toBe(serializeManifest(manifest));
    for (const where of [dir, path]) {
      const read = await readManifest(where, verify);
      expect(read).toEqual({ manifest, bytes, signature: await readFile(`${path}.asc`), sha256: sha256Hex(bytes), signer: FINGERPRINT, path });
    }
  });

  it('refuses a manifest without its signature file', async () => {
    const { dir, path } = await bundleDir();
    await rm(`${path}.asc`);
    await expectCode(readManifest(dir, verify), 'SIGNATURE_MISSING');
  });

  it('refuses an empty signature file', async () => {
    const { dir, path } = await bundleDir();
    await writeFile(`${path}.asc`, '');
    await expectCode(readManifest(dir, verify), 'SIGNATURE_MISSING');
  });

  it('verifies the signature before parsing: tampered garbage is a signature failure', async () => {
    const { dir, path } = await bundleDir();
    await writeFile(path, '{ not json');
    await expectCode(readManifest(dir, verify), 'SIGNATURE_INVALID');
  });

  it('passes the exact bytes to verify and parses only after it accepted them', async () => {
    const { dir, path } = await bundleDir();
    await writeFile(path, '{ not json');
    await writeFile(`${path}.asc`, await sign(Buffer.from('{ not json')));
    const seen: string[] = [];
    const recording = async (data: Buffer, sig: Buffer) => {
      seen.push(data.toString());
      return verify(data, sig);
    };
    await expectCode(readManifest(dir, recording), 'MANIFEST_INVALID');
    expect(seen).toEqual(['{ not json']);
  });

  it('keeps the code of a verify failure (untrusted signer)', async () => {
    const { dir } = await bundleDir();
    const untrusted = async () => {
      throw new AirlockError('SIGNER_UNTRUSTED', 'not in the trust store');
    };
    await expectCode(readManifest(dir, untrusted), 'SIGNER_UNTRUSTED');
  });

  it('treats an unexpected verify failure as an invalid signature', async () => {
    const { dir } = await bundleDir();
    await expectCode(readManifest(dir, async () => { throw new Error('boom'); }), 'SIGNATURE_INVALID');
  });

  it('refuses a manifest signed by a key other than the exporter it names', async () => {
    const { dir } = await bundleDir();
    await expectCode(readManifest(dir, async () => ({ fingerprint: 'B'.repeat(40) })), 'SIGNATURE_INVALID');
  });

  it('refuses an expired bundle', async () => {
    const { dir, manifest } = await bundleDir();
    const after = new Date(Date.parse(manifest.expiresAt) + 1000);
    await expectCode(readManifest(dir, verify, { now: after }), 'BUNDLE_EXPIRED');
    const before = new Date(Date.parse(manifest.expiresAt) - 1000);
    await expect(readManifest(dir, verify, { now: before })).resolves.toBeDefined();
  });

  it('refuses a signed manifest that fails validation', async () => {
    const { dir, manifest, path } = await bundleDir();
    const bad = Buffer.from(JSON.stringify({ ...manifest, sequence: -1 }));
    await writeFile(path, bad);
    await writeFile(`${path}.asc`, await sign(bad));
    await expectCode(readManifest(dir, verify), 'MANIFEST_INVALID');
  });

  it('refuses a manifest file renamed to another bundle id', async () => {
    const { dir, path } = await bundleDir();
    const renamed = join(dir, manifestFileName('dc1-000009'));
    await rename(path, renamed);
    await rename(`${path}.asc`, `${renamed}.asc`);
    await expectCode(readManifest(renamed, verify), 'MANIFEST_INVALID');
  });

  it('refuses to read a manifest larger than 64 MiB', async () => {
    const { dir, path } = await bundleDir();
    await truncate(path, (64 << 20) + 1);
    await expectCode(readManifest(dir, verify), 'SIZE_MISMATCH');
  });
});

describe('findManifest', () => {
  it('finds the single manifest of a bundle dir', async () => {
    const { dir, path } = await bundleDir();
    expect(await findManifest(dir)).toBe(path);
  });

  it('refuses a dir without a manifest, or a missing dir', async () => {
    const dir = await tempDir();
    await expectCode(findManifest(dir), 'SOURCE_NOT_FOUND');
    await expectCode(findManifest(join(dir, 'nope')), 'SOURCE_NOT_FOUND');
    await expectCode(readManifest(join(dir, 'nope'), verify), 'SOURCE_NOT_FOUND');
  });

  it('refuses a dir holding several bundles', async () => {
    const { dir, path } = await bundleDir();
    await copyFile(path, join(dir, manifestFileName('dc1-000002')));
    await expectCode(findManifest(dir), 'USAGE');
  });
});

describe('writeBundleFiles', () => {
  it('refuses to sign an invalid manifest and writes nothing', async () => {
    const dir = await tempDir();
    const { manifest } = await packBundle(join(dir, 'src'), [noise(10)], { compression: 'none', maxVolumeSize: 1 << 20 });
    await mkdir(join(dir, 'out'));
    await expectCode(writeBundleFiles(join(dir, 'out'), { ...manifest, id: 'wrong' }, sign), 'MANIFEST_INVALID');
    expect(await readdir(join(dir, 'out'))).toEqual([]);
  });

  it('writes nothing when signing fails', async () => {
    const dir = await tempDir();
    const { manifest } = await packBundle(join(dir, 'src'), [noise(10)], { compression: 'none', maxVolumeSize: 1 << 20 });
    await mkdir(join(dir, 'out'));
    const failing = async () => {
      throw new AirlockError('KEY_PASSPHRASE', 'locked');
    };
    await expectCode(writeBundleFiles(join(dir, 'out'), manifest, failing), 'KEY_PASSPHRASE');
    expect(await readdir(join(dir, 'out'))).toEqual([]);
  });

  it('writes the manifest, both signatures and SHA256SUMS', async () => {
    const { dir, manifest } = await bundleDir();
    const names = (await readdir(dir)).sort();
    expect(names).toEqual([`${ID}.manifest.json`, `${ID}.manifest.json.asc`, ...manifest.volumes.map((v) => v.name), 'SHA256SUMS', 'SHA256SUMS.asc'].sort());
    const sums = await readFile(join(dir, 'SHA256SUMS'));
    expect((await readFile(join(dir, 'SHA256SUMS.asc'))).toString()).toBe(await sign(sums));
  });
});
