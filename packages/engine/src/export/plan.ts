import { isAirlockError, type ErrorCode, type Fetcher, type Progress } from '@airlock/core';
import type { Compression } from '@airlock/bundle';
import { ExportState } from '@airlock/state';
import type { ExportConfig } from '../config.js';
import type { AirlockHome } from '../home.js';
import { preflightExport, type SpaceCheck, type VolumeEstimate } from '../preflight/preflight.js';
import type { FreeSpaceReader } from '../preflight/free-space.js';
import type { DriverRegistry } from '../registry.js';
import { resolveSources, type ResolvedSource } from './resolve-sources.js';
import { verifyReceipt, type ReceiptInput } from './receipt.js';
import { selectCarried, totals } from './select.js';
import { ExportMarkBook } from './upstream-marks.js';

export interface PlanResult {
  channel: string;
  sequence: number;
  id: string;
  base: { sequence: number; id: string } | null;
  compression: Compression;
  maxVolumeSize: number;
  volumes: number;
  carried: { blobs: number; bytes: number };
  total: { blobs: number; bytes: number };
  sources: Array<{ type: string; name: string; artifacts: number; bytes: number; newBlobs: number; newBytes: number; groups?: PlanGroupResult[] }>;
  /** With a receipt: what the site published and holds, and the site key it verified with ('now': an export would pin it). */
  receipt?: { sequence: number; blobs: number; siteKey: { fingerprint: string; pinned: 'now' | 'before' } };
  /** Each volume's bytes: exact without compression, estimated by sampling with zstd, with the upper bound. */
  volumeSizes: VolumeEstimate[];
  estimatedBytes: number;
  /** Free space where the export would write (the bundle directory only when `outDir` was given). */
  space: SpaceCheck[];
  /**
   * What would not install offline at the site, found before anything was downloaded: `error`s
   * stop the export (a source that cannot resolve), `warning`s travel but need the operator.
   */
  problems: PlanProblem[];
}

export interface PlanProblem {
  source: string;
  severity: 'error' | 'warning';
  /** An error code for errors, the driver's warning kind for warnings. */
  code: string;
  message: string;
}

/** One part of a source as its driver named it (e.g. an image version), with its sizes. */
export interface PlanGroupResult {
  label: string;
  artifacts: number;
  bytes: number;
  newBlobs: number;
  newBytes: number;
}

/**
 * What `export` would ship now, without downloading carried blobs or writing a bundle. Every
 * source is resolved even when another fails, so one plan lists every problem.
 */
export async function planExport(options: {
  config: ExportConfig;
  registry: DriverRegistry;
  home: AirlockHome;
  fetcher: Fetcher;
  progress: Progress;
  maxVolumeSize?: number;
  compression?: Compression;
  full?: boolean;
  /** A site receipt: plan what an export against it would ship (verified like export does; nothing is recorded). */
  receipt?: ReceiptInput;
  /** The bundle directory the export would write to; its free space is checked too. */
  outDir?: string;
  readFree?: FreeSpaceReader;
}): Promise<PlanResult> {
  const { config } = options;
  const compression = options.compression ?? config.volumes.compression;
  const maxVolumeSize = options.maxVolumeSize ?? config.volumes.maxSize;
  const state = ExportState.open(options.home.exportDb);
  try {
    const receipt = options.receipt && !options.full ? await verifyReceipt(options.receipt, config.channel, state) : undefined;
    const marks = new ExportMarkBook(state, config.channel);
    const problems: PlanProblem[] = [];
    const sources: ResolvedSource[] = [];
    for (const source of config.sources) {
      const label = `${source.type}/${source.name}`;
      try {
        const [resolved] = await resolveSources({ ...config, sources: [source] }, options.registry, options.fetcher, options.home.cache, options.progress, marks);
        if (!resolved) continue;
        sources.push(resolved);
        for (const w of resolved.warnings ?? []) problems.push({ source: label, severity: 'warning', code: w.kind, message: w.message });
      } catch (err) {
        if (!isAirlockError(err) || err.code === 'LOCKED' || err.code === 'INTERNAL') throw err;
        problems.push({ source: label, severity: 'error', code: err.code, message: err.message });
      }
    }
    const selection = selectCarried(sources, state, config.channel, {
      full: options.full ?? false,
      maxVolumeSize,
      compression,
      ...(receipt ? { base: receipt.base, held: new Set(receipt.held.map((b) => b.digest)) } : {}),
    });
    const carried = new Set(selection.carried.map((a) => a.digest));
    const preflight = await preflightExport({
      home: options.home,
      ...(options.outDir === undefined ? {} : { outDir: options.outDir }),
      bundle: { id: selection.id, channel: config.channel, sequence: selection.sequence },
      plan: selection.plan,
      blobs: selection.blobs,
      carried: selection.carried,
      compression,
      ...(options.readFree ? { readFree: options.readFree } : {}),
    });
    return {
      channel: config.channel,
      sequence: selection.sequence,
      id: selection.id,
      base: selection.base,
      compression,
      maxVolumeSize,
      volumes: selection.plan.length,
      carried: totals(selection.carried),
      total: totals(selection.blobs.values()),
      sources: sources.map((s) => {
        const fresh = totals(s.artifacts.filter((a) => carried.has(a.digest)));
        const groups = s.groups?.map((g): PlanGroupResult => {
          const parts = g.digests.flatMap((d) => selection.blobs.get(d) ?? []);
          const groupFresh = totals(parts.filter((a) => carried.has(a.digest)));
          return { label: g.label, artifacts: parts.length, bytes: totals(parts).bytes, newBlobs: groupFresh.blobs, newBytes: groupFresh.bytes };
        });
        return { type: s.type, name: s.name, artifacts: s.artifacts.length, bytes: totals(s.artifacts).bytes, newBlobs: fresh.blobs, newBytes: fresh.bytes, ...(groups ? { groups } : {}) };
      }),
      ...(receipt ? { receipt: { sequence: receipt.sequence, blobs: receipt.blobs, siteKey: receipt.siteKey } } : {}),
      volumeSizes: preflight.volumes,
      estimatedBytes: preflight.volumes.reduce((n, v) => n + v.estimatedBytes, 0),
      space: preflight.space,
      problems,
    };
  } finally {
    state.close();
  }
}

/** The exit-worthy error code of a plan: its first error, or DISK_FULL when the export would not fit. */
export function planFailure(plan: PlanResult): ErrorCode | undefined {
  const error = plan.problems.find((p) => p.severity === 'error');
  if (error) return error.code as ErrorCode;
  return plan.space.some((s) => !s.ok) ? 'DISK_FULL' : undefined;
}
