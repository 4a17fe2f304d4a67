import type { Fetcher, Progress } from '@airlock/core';
import type { Compression } from '@airlock/bundle';
import { ExportState } from '@airlock/state';
import type { ExportConfig } from '../config.js';
import type { AirlockHome } from '../home.js';
import type { DriverRegistry } from '../registry.js';
import { resolveSources } from './resolve-sources.js';
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
}

/** One part of a source as its driver named it (e.g. an image version), with its sizes. */
export interface PlanGroupResult {
  label: string;
  artifacts: number;
  bytes: number;
  newBlobs: number;
  newBytes: number;
}

/** What `export` would ship now, without downloading carried blobs or writing a bundle. */
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
}): Promise<PlanResult> {
  const { config } = options;
  const compression = options.compression ?? config.volumes.compression;
  const maxVolumeSize = options.maxVolumeSize ?? config.volumes.maxSize;
  const state = ExportState.open(options.home.exportDb);
  try {
    const receipt = options.receipt && !options.full ? await verifyReceipt(options.receipt, config.channel, state) : undefined;
    const sources = await resolveSources(config, options.registry, options.fetcher, options.home.cache, options.progress, new ExportMarkBook(state, config.channel));
    const selection = selectCarried(sources, state, config.channel, {
      full: options.full ?? false,
      maxVolumeSize,
      compression,
      ...(receipt ? { base: receipt.base, held: new Set(receipt.held.map((b) => b.digest)) } : {}),
    });
    const carried = new Set(selection.carried.map((a) => a.digest));
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
    };
  } finally {
    state.close();
  }
}
