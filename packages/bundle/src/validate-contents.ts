import { isSha256Hex, type Digest } from '@airlock/core';
import type { Compression } from './manifest-types.js';
import { volumeFileName } from './names.js';
import { ProblemList, join, pathText, type Path } from './problem-list.js';

interface CarriedBlob {
  path: Path;
  /** Number of parts of a split blob; undefined for a blob carried whole. */
  parts: number | undefined;
  /** How many of the entries the final check looks for (the whole blob, or each part) were placed. */
  placed: number;
}

interface Context {
  id: string | undefined;
  compression: Compression | undefined;
  maxVolumeSize: number | undefined;
}

/** Blobs and volumes: parts contiguous, every volume entry a carried blob, every blob carried exactly once. */
export function checkBlobsAndVolumes(p: ProblemList, blobs: unknown[] | undefined, volumes: unknown[] | undefined, ctx: Context): void {
  const carried = blobs ? checkBlobs(p, blobs) : new Map<Digest, CarriedBlob>();
  if (!volumes) return;
  const placed = checkVolumes(p, volumes, carried, ctx);
  if (!blobs) return;
  for (const [digest, blob] of carried) {
    // Counted while placing, so a complete manifest costs no lookups here.
    if (blob.placed === (blob.parts ?? 1)) continue;
    if (blob.parts === undefined) {
      if (!placed.has(entryKey(digest, undefined))) p.add(blob.path, 'is not carried by any volume');
      continue;
    }
    for (let index = 0; index < blob.parts; index++) {
      if (!placed.has(entryKey(digest, index))) p.add(join(join(blob.path, 'parts'), index), 'is not carried by any volume');
    }
  }
}

function checkBlobs(p: ProblemList, blobs: unknown[]): Map<Digest, CarriedBlob> {
  const carried = new Map<Digest, CarriedBlob>();
  blobs.forEach((raw, i) => {
    const path = () => join('blobs', i);
    const blob = p.object(raw, path);
    if (!blob) return;
    p.onlyKeys(blob, BLOB_KEYS, path);
    const digest = p.digest(blob, 'digest', path);
    const size = p.integer(blob, 'size', path, 0);
    const parts = blob.parts === undefined ? undefined : checkParts(p, blob.parts, size, join(path, 'parts'));
    if (digest === undefined) return;
    const first = carried.get(digest);
    if (first) p.add(path, `repeats the blob of ${pathText(first.path)}`);
    else carried.set(digest, { path, parts, placed: 0 });
  });
  return carried;
}

/** Returns the part count (even when some parts are bad, so entries can still be matched). */
function checkParts(p: ProblemList, raw: unknown, blobSize: number | undefined, path: string): number | undefined {
  if (!Array.isArray(raw) || raw.length === 0) {
    p.add(path, 'must be a non-empty array when present (omit it for a blob carried whole)');
    return undefined;
  }
  let offset: number | undefined = 0;
  raw.forEach((item, index) => {
    const partPath = join(path, index);
    const part = p.object(item, partPath);
    if (!part) {
      offset = undefined;
      return;
    }
    p.onlyKeys(part, ['index', 'offset', 'size', 'digest'], partPath);
    if (part.index !== index) p.add(join(partPath, 'index'), `must be ${index}: parts are listed in order from 0`);
    if (offset !== undefined && part.offset !== offset) p.add(join(partPath, 'offset'), `must be ${offset}: parts are contiguous`);
    const size = p.integer(part, 'size', partPath, 1);
    p.digest(part, 'digest', partPath);
    offset = offset !== undefined && size !== undefined ? offset + size : undefined;
  });
  if (offset !== undefined && blobSize !== undefined && offset !== blobSize) {
    p.add(path, `part sizes add up to ${offset}, not the blob size ${blobSize}`);
  }
  return raw.length;
}

/** Returns the placed entries (`digest#part`) with where each was first placed. */
function checkVolumes(p: ProblemList, volumes: unknown[], carried: Map<Digest, CarriedBlob>, ctx: Context): Map<string, Path> {
  const placed = new Map<string, Path>();
  volumes.forEach((raw, i) => {
    const path = join('volumes', i);
    const volume = p.object(raw, path);
    if (!volume) return;
    p.onlyKeys(volume, ['number', 'name', 'size', 'sha256', 'entries'], path);
    if (volume.number !== i + 1) p.add(join(path, 'number'), `must be ${i + 1}: volumes are numbered from 1 in order`);
    if (ctx.id !== undefined && ctx.compression !== undefined && volume.name !== volumeFileName(ctx.id, i + 1, ctx.compression)) {
      p.add(join(path, 'name'), `must be ${JSON.stringify(volumeFileName(ctx.id, i + 1, ctx.compression))}`);
    }
    const size = p.integer(volume, 'size', path, 1);
    if (size !== undefined && ctx.maxVolumeSize !== undefined && size > ctx.maxVolumeSize) {
      p.add(join(path, 'size'), `is larger than maxVolumeSize ${ctx.maxVolumeSize}`);
    }
    if (!isSha256Hex(volume.sha256)) p.add(join(path, 'sha256'), 'must be 64 lowercase hex characters');
    const entries = p.array(volume, 'entries', path);
    if (entries?.length === 0) p.add(join(path, 'entries'), 'must list at least one entry');
    entries?.forEach((entry, j) => checkEntry(p, entry, () => join(join(path, 'entries'), j), carried, placed));
  });
  return placed;
}

function checkEntry(p: ProblemList, raw: unknown, path: Path, carried: Map<Digest, CarriedBlob>, placed: Map<string, Path>): void {
  const entry = p.object(raw, path);
  if (!entry) return;
  p.onlyKeys(entry, ENTRY_KEYS, path);
  const digest = p.digest(entry, 'digest', path);
  const part = entry.part === undefined ? undefined : p.integer(entry, 'part', path, 0);
  if (digest === undefined || (entry.part !== undefined && part === undefined)) return;
  const blob = carried.get(digest);
  if (!blob) {
    p.add(join(path, 'digest'), 'is not a blob this bundle carries (not in blobs)');
    return;
  }
  if (blob.parts === undefined && part !== undefined) p.add(join(path, 'part'), `must be absent: ${pathText(blob.path)} is carried whole`);
  if (blob.parts !== undefined && part === undefined) p.add(path, `must name a part: ${pathText(blob.path)} is split into ${blob.parts} parts`);
  if (blob.parts !== undefined && part !== undefined && part >= blob.parts) p.add(join(path, 'part'), `${pathText(blob.path)} has no part ${part}`);
  const key = entryKey(digest, part);
  const first = placed.get(key);
  if (first !== undefined) {
    p.add(path, `repeats ${pathText(first)}: each blob or part is carried exactly once`);
    return;
  }
  placed.set(key, path);
  if (blob.parts === undefined ? part === undefined : part !== undefined && part < blob.parts) blob.placed++;
}

const BLOB_KEYS = ['digest', 'size', 'parts'] as const;
const ENTRY_KEYS = ['digest', 'part'] as const;

/** A whole blob is keyed by its digest alone, the common case, so no key string is built for it. */
function entryKey(digest: Digest, part: number | undefined): string {
  return part === undefined ? digest : `${digest}#${part}`;
}
