import type { Digest, Fetcher, Progress, Signer } from '@airlock/core';
import {
  writeBundleFiles,
  type BlobPart,
  type Compression,
  type Manifest,
  type ManifestBlob,
  type ManifestVolume,
} from '@airlock/bundle';
import { ExportState } from '@airlock/state';
import type { ExportConfig } from '../config.js';
import { reportingExportDiskFull } from '../disk-full.js';
import { failpoint } from '../failpoint.js';
import type { AirlockHome } from '../home.js';
import { withLock } from '../lock.js';
import type { DriverRegistry } from '../registry.js';
import { AIRLOCK_VERSION } from '../version.js';
import { BlobReader } from './blob-reader.js';
import { packVolumes, type PackedVolume } from './pack-volumes.js';
import { checkExportSpace } from '../preflight/preflight.js';
import { prepareOutDir, removeStaleVolumes } from './out-dir.js';
import { resolveSources, type ResolvedSource } from './resolve-sources.js';
import { selectCarried, totals, type Selection } from './select.js';
import { applyReceipt, type ReceiptInput } from './receipt.js';
import { loadExporterSigner } from './signer.js';
import { ExportMarkBook } from './upstream-marks.js';

export interface ExportOptions {
  config: ExportConfig;
  registry: DriverRegistry;
  home: AirlockHome;
  outDir: string;
  fetcher: Fetcher;
  progress: Progress;
  maxVolumeSize?: number;
  compression?: Compression;
  full?: boolean;
  /** A site receipt: ship what that site lacks, incremental on what it published. */
  receipt?: ReceiptInput;
  now?: Date;
}

export interface ExportResult {
  id: string;
  channel: string;
  sequence: number;
  base: { sequence: number; id: string } | null;
  dir: string;
  /** `kept`: written by an interrupted run of this export and kept (verified), not packed again. */
  volumes: Array<{ name: string; size: number; kept: boolean }>;
  carried: { blobs: number; bytes: number };
  total: { blobs: number; bytes: number };
  sources: Array<{ type: string; name: string; artifacts: number; bytes: number }>;
  /** With --receipt: the site key it verified with ('now': this receipt pinned it for the channel). */
  receipt?: { sequence: number; siteKey: { fingerprint: string; pinned: 'now' | 'before' } };
}

/** resolve → select → pack volumes → sign the manifest → record what the channel has shipped. */
export async function exportBundle(options: ExportOptions): Promise<ExportResult> {
  const { config, home } = options;
  return withLock(home.exportLock, `export ${config.channel}`, () => reportingExportDiskFull(options.outDir, home, async () => {
    const signer = await loadExporterSigner(config);
    const state = ExportState.open(home.exportDb);
    try {
      const receipt = options.receipt && !options.full ? await applyReceipt(options.receipt, config.channel, state) : undefined;
      const marks = new ExportMarkBook(state, config.channel);
      const sources = await resolveSources(config, options.registry, options.fetcher, home.cache, options.progress, marks);
      failpoint('export:resolved');
      const compression = options.compression ?? config.volumes.compression;
      const maxVolumeSize = options.maxVolumeSize ?? config.volumes.maxSize;
      const selection = selectCarried(sources, state, config.channel, {
        full: options.full ?? false,
        maxVolumeSize,
        compression,
        ...(receipt ? { base: receipt.base } : {}),
      });
      await checkExportSpace({ home, outDir: options.outDir, bundle: { id: selection.id, channel: config.channel, sequence: selection.sequence }, plan: selection.plan, blobs: selection.blobs, carried: selection.carried, compression });
      failpoint('export:after-space-check');
      await prepareOutDir(options.outDir, selection.id);
      const reader = new BlobReader(selection.blobs, home.cache);
      await reader.materialize(selection.carried, options.fetcher, options.progress);
      failpoint('export:materialized');
      const written = await packVolumes({ ...options, selection, reader, compression, state });
      await removeStaleVolumes(options.outDir, selection.id, new Set(written.map((v) => v.name)));
      failpoint('export:before-manifest');
      const manifest = buildManifest(options, selection, sources, written, signer, { compression, maxVolumeSize });
      const { manifestSha256 } = await writeBundleFiles(options.outDir, manifest, async (data) => signer.signDetachedArmored(data));
      failpoint('export:manifest-written');
      if (options.full) state.forgetShipped(config.channel);
      state.recordBundle({
        channel: config.channel,
        sequence: selection.sequence,
        id: selection.id,
        manifestSha256,
        createdAt: manifest.createdAt,
        baseSequence: selection.base?.sequence ?? null,
        blobs: manifest.blobs,
        upstreamMarks: marks.pending(),
      });
      const summary = summarize(options, selection, sources, written);
      return receipt ? { ...summary, receipt: { sequence: receipt.sequence, siteKey: receipt.siteKey } } : summary;
    } finally {
      state.close();
    }
  }));
}

function buildManifest(
  options: ExportOptions,
  selection: Selection,
  sources: ResolvedSource[],
  written: PackedVolume[],
  signer: Signer,
  volumes: { compression: Compression; maxVolumeSize: number },
): Manifest {
  const now = options.now ?? new Date();
  const parts = new Map<Digest, BlobPart[]>();
  for (const volume of written) {
    for (const { blob, ...part } of volume.parts) parts.set(blob, [...(parts.get(blob) ?? []), part]);
  }
  const blobs: ManifestBlob[] = selection.carried
    .map(({ digest, size }): ManifestBlob => {
      const split = parts.get(digest);
      return split ? { digest, size, parts: split.sort((a, b) => a.index - b.index) } : { digest, size };
    })
    .sort((a, b) => (a.digest < b.digest ? -1 : 1));
  const manifestVolumes: ManifestVolume[] = written.map((volume) => ({
    number: volume.number,
    name: volume.name,
    size: volume.size,
    sha256: volume.sha256,
    entries: (selection.plan[volume.number - 1]?.entries ?? []).map((e) => (e.part ? { digest: e.digest, part: e.part.index } : { digest: e.digest })),
  }));
  return {
    format: 'airlock-bundle',
    version: 1,
    id: selection.id,
    channel: options.config.channel,
    sequence: selection.sequence,
    base: selection.base,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + options.config.expiresAfterMs).toISOString(),
    exporter: { tool: 'airlock', version: AIRLOCK_VERSION, fingerprint: signer.fingerprint },
    compression: volumes.compression,
    maxVolumeSize: volumes.maxVolumeSize,
    sources: sources.map((s) => ({
      type: s.type,
      name: s.name,
      catalog: s.catalog.digest,
      requires: [...new Set(s.artifacts.map((a) => a.digest))].sort(),
    })),
    blobs,
    volumes: manifestVolumes,
  };
}

function summarize(options: ExportOptions, selection: Selection, sources: ResolvedSource[], written: PackedVolume[]): ExportResult {
  return {
    id: selection.id,
    channel: options.config.channel,
    sequence: selection.sequence,
    base: selection.base,
    dir: options.outDir,
    volumes: written.map((v) => ({ name: v.name, size: v.size, kept: v.kept })),
    carried: totals(selection.carried),
    total: totals(selection.blobs.values()),
    sources: sources.map((s) => ({ type: s.type, name: s.name, artifacts: s.artifacts.length, bytes: totals(s.artifacts).bytes })),
  };
}
