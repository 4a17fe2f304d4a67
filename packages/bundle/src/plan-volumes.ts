import { AirlockError, isDigest, type Digest } from '@airlock/core';
import type { Compression } from './manifest-types.js';
import { TAR_BLOCK, TAR_MAX_ENTRY_SIZE, tarEntryBytes } from './tar-layout.js';
import { floorBlock, maxTarBytes, tarBytesFor } from './volume-capacity.js';

export interface PlannedEntry {
  digest: Digest;
  size: number;
  /** Present for one part of a split blob: its 0-based index and byte offset in the blob. */
  part?: { index: number; offset: number };
}

export interface PlannedVolume {
  number: number;
  entries: PlannedEntry[];
}

/** A part smaller than this share of an empty volume is not worth filling a volume's tail with. */
const WORTHWHILE_TAIL_SHARE = 16;

/**
 * Packs blobs into volumes in the order given. Every volume file the writer produces from this
 * plan stays within maxVolumeSize: tar headers, padding, volume.json and the end marker are
 * counted exactly, and zstd output is bounded by its worst case on incompressible data.
 */
export function planVolumes(blobs: { digest: Digest; size: number }[], o: { maxVolumeSize: number; compression: Compression }): PlannedVolume[] {
  const limit = maxTarBytes(o.maxVolumeSize, o.compression);
  const packer = new Packer(limit);
  const seen = new Set<Digest>();
  for (const blob of blobs) {
    if (!isDigest(blob.digest) || !Number.isSafeInteger(blob.size) || blob.size < 0) throw new AirlockError('INTERNAL', `cannot plan blob ${JSON.stringify(blob)}`);
    if (seen.has(blob.digest)) throw new AirlockError('INTERNAL', `blob ${blob.digest} was given to the planner twice`);
    seen.add(blob.digest);
    if (packer.fits(blob.size)) packer.add({ digest: blob.digest, size: blob.size });
    else if (packer.fitsEmpty(blob.size)) packer.startVolume().add({ digest: blob.digest, size: blob.size });
    else packer.split(blob.digest, blob.size);
  }
  return packer.finish();
}

class Packer {
  private readonly volumes: PlannedVolume[] = [];
  private current: PlannedEntry[] = [];
  /** Tar bytes (header + data + padding) of the current volume's entries. */
  private entryBytes = 0;

  constructor(private readonly limit: number) {}

  fits(size: number): boolean {
    return size <= TAR_MAX_ENTRY_SIZE && tarBytesFor(this.current.length + 1, this.entryBytes + tarEntryBytes(size)) <= this.limit;
  }

  fitsEmpty(size: number): boolean {
    return size <= TAR_MAX_ENTRY_SIZE && tarBytesFor(1, tarEntryBytes(size)) <= this.limit;
  }

  add(entry: PlannedEntry): this {
    this.current.push(entry);
    this.entryBytes += tarEntryBytes(entry.size);
    return this;
  }

  startVolume(): this {
    if (this.current.length > 0) this.volumes.push({ number: this.volumes.length + 1, entries: this.current });
    this.current = [];
    this.entryBytes = 0;
    return this;
  }

  /** Fills the current volume's tail when worth it, then whole volumes, then the rest. */
  split(digest: Digest, size: number): void {
    const fullPart = this.roomIn(0, 0);
    let offset = 0;
    for (let index = 0; offset < size; index++) {
      const remaining = size - offset;
      let room = this.roomIn(this.current.length, this.entryBytes);
      if (room < remaining && room < fullPart / WORTHWHILE_TAIL_SHARE) {
        this.startVolume();
        room = fullPart;
      }
      const partSize = Math.min(room, remaining);
      this.add({ digest, size: partSize, part: { index, offset } });
      offset += partSize;
    }
  }

  /** The largest entry (a multiple of 512 bytes) that still fits a volume holding `count` entries. */
  private roomIn(count: number, entryBytes: number): number {
    const free = this.limit - tarBytesFor(count + 1, entryBytes + TAR_BLOCK);
    return Math.max(0, Math.min(floorBlock(free), floorBlock(TAR_MAX_ENTRY_SIZE)));
  }

  finish(): PlannedVolume[] {
    this.startVolume();
    return this.volumes;
  }
}
