// An in-process upstream stream for driver tests: small items, products files in the
// images.maas.io shape, clearsigned with a key generated per run, served by a memory Fetcher.
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { AirlockError, canonicalJson, ensureDir, hexToDigest, sha256Digest, silentProgress, type Fetcher, type Signer } from '@airlock/core';
import { generateKey, loadSigner } from '@airlock/pgp';
import { testUpstreamTrust } from '@airlock/test-utils';
import { Vault } from '@airlock/vault';
import { parseSimplestreamsSpec } from '../parse-spec.js';
import { resolveSimplestreams } from '../resolve.js';
import type { SimplestreamsCatalog, SimplestreamsSpec } from '../types.js';

export const MIRROR = 'http://mirror.test/maas/';
export const V3 = 'com.ubuntu.maas:stable:v3:download';
export const BOOTLOADERS = 'com.ubuntu.maas:stable:1:bootloader-download';
export const CENTOS = 'com.ubuntu.maas:stable:centos-bases-download';
export const UPDATED = 'Thu, 24 Jul 2025 08:01:49 +0000';

type Doc = Record<string, any>;

export interface MemoryStream {
  files: Map<string, Buffer>;
  docs: Record<string, Doc>;
  signer: Signer;
  publicKey: string;
  fetcher: Fetcher;
  /** Re-writes and re-signs the index and every products file from `docs`. */
  publish(options?: { unsigned?: boolean; updated?: string }): Promise<void>;
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export async function memoryStream(): Promise<MemoryStream> {
  const key = await generateKey({ name: 'memory stream signer' });
  const signer = await loadSigner(key.armoredPrivateKey);
  const files = new Map<string, Buffer>();
  const item = (path: string, ftype: string, bytes: Buffer, extra: Doc = {}): Doc => {
    files.set(path, bytes);
    return { ftype, path, sha256: sha(bytes), size: bytes.length, ...extra };
  };
  const v3: Doc = {};
  for (const [release, version] of [['jammy', '22.04'], ['noble', '24.04']] as const) {
    for (const arch of ['amd64', 'arm64']) {
      const versions: Doc = {};
      for (const v of ['20250601', '20250701']) {
        const dir = `${release}/${arch}/${v}`;
        versions[v] = {
          items: {
            'boot-initrd': item(`${dir}/ga-${version}/generic/boot-initrd`, 'boot-initrd', randomBytes(300), { kpackage: 'linux-generic' }),
            'boot-kernel': item(`${dir}/ga-${version}/generic/boot-kernel`, 'boot-kernel', randomBytes(200), { kpackage: 'linux-generic' }),
            manifest: item(`${dir}/squashfs.manifest`, 'manifest', Buffer.from(`base-files\t${v}\n`)),
            squashfs: item(`${dir}/squashfs`, 'squashfs', randomBytes(1000)),
          },
        };
      }
      v3[`com.ubuntu.maas.stable:v3:boot:${version}:${arch}:ga-${version}`] = {
        arch, kflavor: 'generic', krel: release, label: 'stable', os: 'ubuntu', release, release_codename: release, release_title: `${version} LTS`,
        subarch: `ga-${version}`, subarches: `generic,ga-${version}`, support_eol: '2029-04-21', version, versions,
      };
    }
  }
  const bootloaders: Doc = {};
  const loaderVersions: Doc = {};
  for (const v of ['20230222.0', '20231004.0']) {
    loaderVersions[v] = { items: { 'grub2-signed': item(`bootloaders/uefi/amd64/${v}/grub2-signed.tar.xz`, 'archive.tar.xz', randomBytes(100), { src_package: 'grub2-signed', src_release: 'jammy', src_version: v }) } };
  }
  bootloaders['com.ubuntu.maas.stable:1:grub-efi-signed:uefi:amd64'] = { arch: 'amd64', arches: 'amd64', 'bootloader-type': 'uefi', label: 'stable', os: 'grub-efi-signed', versions: loaderVersions };
  const centosVersions: Doc = {};
  for (const v of ['20211029_01', '20211104_01']) {
    centosVersions[v] = { items: { manifest: item(`centos/8/amd64/${v}/root-tgz.manifest`, 'manifest', Buffer.from('bash\n')), 'root-tgz': item(`centos/8/amd64/${v}/root-tgz`, 'root-tgz', randomBytes(400)) } };
  }
  const centos: Doc = {
    'com.ubuntu.maas.stable:centos-bases:8:amd64': { arch: 'amd64', label: 'stable', os: 'centos', release: '8', release_title: 'CentOS 8', subarch: 'generic', subarches: 'generic', support_eol: '2029-05-31', version: '8', versions: centosVersions },
  };
  const docs: Record<string, Doc> = {
    [V3]: { content_id: V3, datatype: 'image-ids', format: 'products:1.0', updated: UPDATED, products: v3 },
    [BOOTLOADERS]: { content_id: BOOTLOADERS, datatype: 'image-ids', format: 'products:1.0', updated: UPDATED, products: bootloaders },
    [CENTOS]: { content_id: CENTOS, datatype: 'image-ids', format: 'products:1.0', updated: UPDATED, products: centos },
  };
  const stream: MemoryStream = {
    files,
    docs,
    signer,
    publicKey: key.armoredPublicKey,
    fetcher: memoryFetcher(files),
    async publish(options = {}) {
      const updated = options.updated ?? UPDATED;
      const text = (value: unknown): string => `${JSON.stringify(value, null, 1)}\n`;
      const signed = async (value: unknown): Promise<Buffer> => Buffer.from(options.unsigned ? text(value) : await signer.clearsign(text(value)));
      const index: Doc = { format: 'index:1.0', updated, index: {} };
      for (const [id, doc] of Object.entries(docs)) {
        doc.updated = updated;
        files.set(`streams/v1/${id}.sjson`, await signed(doc));
        index.index[id] = { datatype: 'image-ids', format: 'products:1.0', path: `streams/v1/${id}.sjson`, products: Object.keys(doc.products).sort(), updated };
      }
      files.set('streams/v1/index.sjson', await signed(index));
    },
  };
  await stream.publish();
  return stream;
}

export function memoryFetcher(files: Map<string, Buffer>): Fetcher & { requested: string[] } {
  const requested: string[] = [];
  const lookup = (url: string): Buffer => {
    requested.push(url);
    if (!url.startsWith(MIRROR)) throw new AirlockError('HTTP_STATUS', `404 ${url}`, { details: { status: 404 } });
    const path = url.slice(MIRROR.length).split('/').map(decodeURIComponent).join('/');
    const bytes = files.get(path);
    if (bytes === undefined) throw new AirlockError('HTTP_STATUS', `404 ${url}`, { details: { status: 404 } });
    return bytes;
  };
  return {
    requested,
    async getBytes(url) {
      return lookup(url);
    },
    async download(urls, dest, options = {}) {
      const bytes = lookup(Array.isArray(urls) ? urls[0]! : urls);
      const digest = sha256Digest(bytes);
      if (options.expected?.size !== undefined && options.expected.size !== bytes.length) throw new AirlockError('SIZE_MISMATCH', `${options.label}: size differs`);
      if (options.expected?.digest !== undefined && options.expected.digest !== digest) throw new AirlockError('DIGEST_MISMATCH', `${options.label}: digest differs`);
      await writeFile(dest, bytes);
      return { digest, size: bytes.length };
    },
  };
}

export function spec(raw: Doc = {}, configDir = '/nonexistent'): SimplestreamsSpec {
  return parseSimplestreamsSpec({ type: 'simplestreams', name: 'maas', url: MIRROR, keyring: 'upstream.asc', ...raw }, 'sources[0]', configDir);
}

export interface Exported {
  catalog: SimplestreamsCatalog;
  vault: Vault;
  groups: Array<{ label: string }>;
  urls: string[];
}

/** Runs resolve, then does what export + import do with its artifacts: each one verified into a real Vault. */
export async function exportToVault(stream: MemoryStream, s: SimplestreamsSpec, root: string, vault?: Vault): Promise<Exported> {
  await ensureDir(root);
  if (s.keyring !== undefined) await writeFile(s.keyring, stream.publicKey);
  const fetcher = memoryFetcher(stream.files);
  const result = await resolveSimplestreams(s, { sourceName: s.name, configDir: root, cacheDir: join(root, 'cache'), fetcher, progress: silentProgress, upstream: testUpstreamTrust() });
  const v = vault ?? new Vault(join(root, 'vault'));
  await v.init();
  for (const artifact of result.artifacts) {
    const bytes = artifact.source.kind === 'file' ? await readFile(artifact.source.path) : stream.files.get(artifact.label);
    if (bytes === undefined) throw new Error(`no bytes for ${artifact.label}`);
    await v.ingest(Readable.from([bytes]), { digest: artifact.digest, size: artifact.size });
  }
  const catalog = JSON.parse(canonicalJson(result.catalog)) as SimplestreamsCatalog;
  return { catalog, vault: v, groups: result.groups ?? [], urls: fetcher.requested };
}

export const digestOf = (hex: string) => hexToDigest(hex);
