import { AirlockError, canonicalJson, type Digest } from '@airlock/core';
import type { Manifest, ManifestVolume } from './manifest-types.js';
import { blobEntryName } from './names.js';
import type { PlannedEntry } from './plan-volumes.js';

export const VOLUME_FORMAT = 'airlock-volume';
export const VOLUME_FORMAT_VERSION = 1;
/** Upper bounds the planner reserves for volume.json: a fixed part plus one per entry. */
export const VOLUME_JSON_BASE_BYTES = 1024;
export const VOLUME_JSON_ENTRY_BYTES = 160;
/** A reader refuses a larger volume.json without reading it. */
export const VOLUME_JSON_MAX_BYTES = 16 << 20;

export interface VolumeJsonEntry {
  name: string;
  size: number;
}

export interface VolumeJson {
  format: typeof VOLUME_FORMAT;
  version: typeof VOLUME_FORMAT_VERSION;
  bundle: string;
  channel: string;
  sequence: number;
  number: number;
  entries: VolumeJsonEntry[];
}

/** The first entry of every volume, as canonical JSON bytes: what makes a volume self-describing. */
export function encodeVolumeJson(v: Omit<VolumeJson, 'format' | 'version'>): Buffer {
  const doc: VolumeJson = { format: VOLUME_FORMAT, version: VOLUME_FORMAT_VERSION, ...v };
  const bytes = Buffer.from(canonicalJson(doc), 'utf8');
  if (bytes.length > volumeJsonBudget(v.entries.length)) throw new AirlockError('INTERNAL', `volume.json of volume ${v.number} is larger than the planner reserved`);
  return bytes;
}

/**
 * volume.json of a planned volume, exactly as the writer puts it first (the size estimate counts
 * the same bytes). The plan's space check and the writer both ask for it: the last answer per
 * entry list is kept (100,000 entries cost ~60 ms to encode).
 */
export function plannedVolumeJson(bundle: { id: string; channel: string; sequence: number }, number: number, entries: PlannedEntry[]): Buffer {
  const key = JSON.stringify([bundle.id, bundle.channel, bundle.sequence, number, entries.length]);
  const known = encoded.get(entries);
  if (known?.key === key) return known.bytes;
  const bytes = encodeVolumeJson({
    bundle: bundle.id,
    channel: bundle.channel,
    sequence: bundle.sequence,
    number,
    entries: entries.map((e) => ({ name: blobEntryName(e.digest, e.part?.index), size: e.size })),
  });
  encoded.set(entries, { key, bytes });
  return bytes;
}

const encoded = new WeakMap<PlannedEntry[], { key: string; bytes: Buffer }>();

export function volumeJsonBudget(entryCount: number): number {
  return VOLUME_JSON_BASE_BYTES + VOLUME_JSON_ENTRY_BYTES * entryCount;
}

export interface ExpectedEntry {
  name: string;
  digest: Digest;
  part?: number;
  expected: { digest: Digest; size: number };
}

/** What a volume must contain, derived from the signed manifest only. */
export function expectedVolumeContents(manifest: Manifest, volume: ManifestVolume): { volumeJson: Buffer; entries: ExpectedEntry[] } {
  const blobs = new Map(manifest.blobs.map((b) => [b.digest, b]));
  const entries = volume.entries.map((ref): ExpectedEntry => {
    const blob = blobs.get(ref.digest);
    const part = ref.part === undefined ? undefined : blob?.parts?.[ref.part];
    if (!blob || (ref.part !== undefined && !part)) throw new AirlockError('MANIFEST_INVALID', `volume ${volume.number} lists ${ref.digest} which the manifest does not describe`);
    const expected = part ? { digest: part.digest, size: part.size } : { digest: blob.digest, size: blob.size };
    return { name: blobEntryName(ref.digest, ref.part), digest: ref.digest, ...(ref.part === undefined ? {} : { part: ref.part }), expected };
  });
  const volumeJson = encodeVolumeJson({
    bundle: manifest.id,
    channel: manifest.channel,
    sequence: manifest.sequence,
    number: volume.number,
    entries: entries.map((e) => ({ name: e.name, size: e.expected.size })),
  });
  return { volumeJson, entries };
}
