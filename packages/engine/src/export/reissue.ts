import { copyFile, mkdtemp, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { AirlockError, digestHex, ensureDir, fsyncDir, pathExists, writeFileAtomic, type Artifact, type Digest, type Fetcher, type Progress } from '@airlock/core';
import {
  SHA256SUMS_FILE, SIGNATURE_SUFFIX, encodeReissueStatement, manifestFileName, readManifest, reissueStatementName, writeVolume,
  type Manifest, type ManifestVolume, type PlannedEntry, type VerifiedManifest,
} from '@airlock/bundle';
import { Keyring } from '@airlock/pgp';
import { ExportState } from '@airlock/state';
import type { ExportConfig } from '../config.js';
import type { AirlockHome } from '../home.js';
import { withLock } from '../lock.js';
import type { DriverRegistry } from '../registry.js';
import { BlobReader } from './blob-reader.js';
import { resolveSources, uniqueBlobs } from './resolve-sources.js';
import { loadExporterSigner } from './signer.js';
import { ExportMarkBook } from './upstream-marks.js';

export interface ReissueOptions {
  config: ExportConfig;
  registry: DriverRegistry;
  home: AirlockHome;
  /** The bundle directory (or manifest) whose volumes are re-issued. */
  bundle: string;
  volumes: number[];
  /** Where the replacements go (with a copy of the manifest, its signature and SHA256SUMS); default: beside the manifest. */
  outDir?: string;
  fetcher: Fetcher;
  progress: Progress;
  now?: Date;
  /** zstd level to pack with (default 3, what export uses); another level stands in for another zstd build. */
  zstdLevel?: number;
}

export interface ReissueResult {
  id: string;
  channel: string;
  sequence: number;
  dir: string;
  /** identical: the new file is byte for byte the original, which the manifest covers; otherwise a signed statement came with it. */
  volumes: Array<{ number: number; name: string; size: number; sha256: string; identical: boolean; statement: string | null }>;
}

/**
 * Packs volumes of a bundle this export home made again, from the signed manifest's own plan, so
 * a lost or damaged volume can be replaced without a new bundle (or sequence). Blobs are found
 * by digest among the sources as they resolve now and in the export cache; every byte is checked
 * against the manifest while packing. zstd's multi-threaded output does not depend on the thread
 * count, so the replacement is normally identical to the original; when it is not (another zstd
 * build), a statement signed by the exporter key binds its size and sha256 to the manifest.
 */
export async function reissueVolumes(options: ReissueOptions): Promise<ReissueResult> {
  const { config, home } = options;
  return withLock(home.exportLock, `reissue ${config.channel}`, async () => {
    const signer = await loadExporterSigner(config);
    const keyring = await Keyring.fromKeys([signer.binaryPublicKey]);
    const verified = await readManifest(options.bundle, (data, sig) => keyring.verifyDetached(data, sig), options.now ? { now: options.now } : {});
    const { manifest } = verified;
    const state = ExportState.open(home.exportDb);
    let reader: BlobReader;
    try {
      checkOwnBundle(verified, config.channel, state);
      const volumes = options.volumes.map((n) => volumeOf(manifest, n));
      reader = await locateBlobs(options, state, volumes, manifest);
    } finally {
      state.close();
    }
    const dir = resolve(options.outDir ?? dirname(verified.path));
    await ensureDir(dir);
    await copyBundleFiles(verified, dir);
    const out: ReissueResult['volumes'] = [];
    for (const volume of options.volumes.map((n) => volumeOf(manifest, n))) out.push(await repack(options, verified, volume, reader, dir, signer.signDetachedArmored.bind(signer)));
    return { id: manifest.id, channel: manifest.channel, sequence: manifest.sequence, dir, volumes: out };
  });
}

function checkOwnBundle(verified: VerifiedManifest, channel: string, state: ExportState): void {
  const { manifest } = verified;
  if (manifest.channel !== channel) throw new AirlockError('USAGE', `${manifest.id} belongs to channel ${manifest.channel}, but this config exports channel ${channel}; use the config that made it`);
  const made = state.history(channel).find((b) => b.id === manifest.id);
  if (!made || made.manifestSha256 !== verified.sha256) {
    throw new AirlockError('USAGE', `this export home did not make ${manifest.id} (no bundle with this manifest in its history); re-issue volumes from the export home that wrote the bundle`);
  }
}

function volumeOf(manifest: Manifest, number: number): ManifestVolume {
  const volume = manifest.volumes.find((v) => v.number === number);
  if (!volume) throw new AirlockError('USAGE', `${manifest.id} has no volume ${number} (it has ${manifest.volumes.length})`);
  return volume;
}

/** A local copy of every blob the volumes need: from the sources as they resolve now, else from the export cache. */
async function locateBlobs(options: ReissueOptions, state: ExportState, volumes: ManifestVolume[], manifest: Manifest): Promise<BlobReader> {
  const { config, home } = options;
  const sources = await resolveSources(config, options.registry, options.fetcher, home.cache, options.progress, new ExportMarkBook(state, config.channel));
  const known = uniqueBlobs(sources);
  const sizes = new Map(manifest.blobs.map((b) => [b.digest, b.size]));
  const needed = new Map<Digest, Artifact>();
  const missing: Digest[] = [];
  for (const digest of new Set(volumes.flatMap((v) => v.entries.map((e) => e.digest)))) {
    const artifact = known.get(digest) ?? (await cached(home.cache, digest, sizes.get(digest) ?? 0));
    if (artifact) needed.set(digest, artifact);
    else missing.push(digest);
  }
  if (missing.length > 0) {
    throw new AirlockError('BLOB_MISSING', `${missing.length} blob(s) of the volume(s) are neither upstream any more nor in the export cache (first: ${missing[0]}); export a new bundle instead`, { details: { missing: missing.slice(0, 20) } });
  }
  const reader = new BlobReader(needed, home.cache);
  await reader.materialize([...needed.values()], options.fetcher, options.progress);
  return reader;
}

async function cached(cacheRoot: string, digest: Digest, size: number): Promise<Artifact | undefined> {
  for (const path of [join(cacheRoot, 'blobs', digestHex(digest)), join(cacheRoot, 'catalogs', `${digestHex(digest)}.json`)]) {
    if (await pathExists(path)) return { digest, size, source: { kind: 'file', path }, label: `${digest} (export cache)` };
  }
  return undefined;
}

/** The manifest, its signature and the sums beside the replacements, so that directory imports on its own. */
async function copyBundleFiles(verified: VerifiedManifest, dir: string): Promise<void> {
  const name = manifestFileName(verified.manifest.id);
  if (resolve(dirname(verified.path)) === dir) return;
  await writeFileAtomic(join(dir, `${name}${SIGNATURE_SUFFIX}`), verified.signature);
  await writeFileAtomic(join(dir, name), verified.bytes);
  for (const sums of [SHA256SUMS_FILE, `${SHA256SUMS_FILE}${SIGNATURE_SUFFIX}`]) {
    const from = join(verified.path, '..', sums);
    if (await pathExists(from)) await copyFile(from, join(dir, sums));
  }
  await fsyncDir(dir);
}

async function repack(
  options: ReissueOptions,
  verified: VerifiedManifest,
  volume: ManifestVolume,
  reader: BlobReader,
  dir: string,
  sign: (data: Buffer) => Promise<string>,
): Promise<ReissueResult['volumes'][number]> {
  const { manifest } = verified;
  const entries = plannedEntries(manifest, volume);
  const task = options.progress.task(`re-issuing ${volume.name}`, entries.reduce((n, e) => n + e.size, 0), 'bytes');
  // Packed aside first: the original (damaged or not) is replaced only by a finished, checked volume.
  const staging = await mkdtemp(join(dir, '.reissue-'));
  try {
    const written = await writeVolume({
      dir: staging,
      bundleId: manifest.id,
      channel: manifest.channel,
      sequence: manifest.sequence,
      number: volume.number,
      compression: manifest.compression,
      ...(options.zstdLevel === undefined ? {} : { zstdLevel: options.zstdLevel }),
      entries,
      open: (digest, offset, length) => reader.open(digest, offset, length),
      pathOf: (digest) => reader.pathOf(digest),
      expectedDigest: (digest) => digest,
      onProgress: (bytes) => task.advance(bytes),
    });
    checkParts(manifest, volume, written.parts);
    const identical = written.sha256 === volume.sha256 && written.size === volume.size;
    const statementName = reissueStatementName(volume.name);
    if (identical) {
      await rm(join(dir, statementName), { force: true });
      await rm(join(dir, `${statementName}${SIGNATURE_SUFFIX}`), { force: true });
    } else {
      const statement = encodeReissueStatement({
        format: 'airlock-volume-reissue',
        version: 1,
        bundle: manifest.id,
        channel: manifest.channel,
        sequence: manifest.sequence,
        manifestSha256: verified.sha256,
        volume: { number: volume.number, name: volume.name, size: written.size, sha256: written.sha256 },
        createdAt: (options.now ?? new Date()).toISOString(),
      });
      const signature = await sign(statement);
      await writeFileAtomic(join(dir, `${statementName}${SIGNATURE_SUFFIX}`), signature);
      await writeFileAtomic(join(dir, statementName), statement);
    }
    await rename(join(staging, written.name), join(dir, volume.name));
    await fsyncDir(dir);
    return { number: volume.number, name: volume.name, size: written.size, sha256: written.sha256, identical, statement: identical ? null : statementName };
  } finally {
    task.done();
    await rm(staging, { recursive: true, force: true });
  }
}

/** The manifest's own plan of a volume: its entries, whole blobs and parts at their offsets. */
function plannedEntries(manifest: Manifest, volume: ManifestVolume): PlannedEntry[] {
  const blobs = new Map(manifest.blobs.map((b) => [b.digest, b]));
  return volume.entries.map((ref) => {
    const blob = blobs.get(ref.digest);
    if (!blob) throw new AirlockError('MANIFEST_INVALID', `${volume.name} lists ${ref.digest}, which the manifest does not describe`);
    if (ref.part === undefined) return { digest: blob.digest, size: blob.size };
    const part = blob.parts?.[ref.part];
    if (!part) throw new AirlockError('MANIFEST_INVALID', `${volume.name} lists part ${ref.part} of ${ref.digest}, which the manifest does not describe`);
    return { digest: blob.digest, size: part.size, part: { index: part.index, offset: part.offset } };
  });
}

/** Parts are hashed while packed; they must be the parts the manifest signed. */
function checkParts(manifest: Manifest, volume: ManifestVolume, parts: Array<{ blob: Digest; index: number; digest: Digest }>): void {
  const blobs = new Map(manifest.blobs.map((b) => [b.digest, b]));
  for (const part of parts) {
    const expected = blobs.get(part.blob)?.parts?.[part.index]?.digest;
    if (expected !== part.digest) {
      throw new AirlockError('DIGEST_MISMATCH', `part ${part.index} of ${part.blob} read back as ${part.digest} while re-issuing ${volume.name}, not the ${expected} the manifest signed; its source changed: export a new bundle instead`);
    }
  }
}
