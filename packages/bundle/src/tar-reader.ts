import { AirlockError } from '@airlock/core';
import type { EntryInfo, EntrySink, KeepPiece } from './entry-sink.js';
import { VOLUME_JSON_NAME } from './names.js';
import { decodeTarHeader, isZeroBlock } from './tar-header.js';
import { TAR_BLOCK, tarPadding } from './tar-layout.js';
import { VOLUME_JSON_MAX_BYTES, type ExpectedEntry } from './volume-json.js';

interface ActiveEntry {
  info: EntryInfo;
  sink: EntrySink;
}

const BLOB_NAME = /^blobs\/sha256\/[0-9a-f]{64}(\.part-(0|[1-9][0-9]{0,15}))?$/;

/**
 * A strict parser for the tar subset volumes use, fed with decompressed bytes (attacker-controlled).
 * It accepts `volume.json` first (equal to the one derived from the manifest), then only the blob
 * entries the manifest lists for this volume, each once and of its declared size, then the end marker.
 * Each entry's bytes go to the sink `openEntry` gives for it; pieces are views of the caller's
 * buffer, valid only until the sink's `write` returns (or its promise settles).
 */
export class VolumeTarReader {
  private readonly block = Buffer.alloc(TAR_BLOCK);
  private blockFill = 0;
  private state: 'header' | 'volume-json' | 'data' | 'padding' | 'end-marker' | 'done' = 'header';
  private remaining = 0;
  private volumeJsonOffset = 0;
  private current: ActiveEntry | undefined;
  private sawVolumeJson = false;
  private readonly expected: Map<string, ExpectedEntry>;
  private readonly seen = new Set<string>();

  constructor(
    private readonly volumeJson: Buffer,
    entries: ExpectedEntry[],
    private readonly openEntry: (e: EntryInfo) => EntrySink | Promise<EntrySink>,
  ) {
    this.expected = new Map(entries.map((e) => [e.name, e]));
  }

  /** Parses the next tar bytes; sinks may `keep` the chunk from reuse while they finish with their pieces. */
  async write(chunk: Buffer, keep: KeepPiece): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.state === 'done') throw new AirlockError('VOLUME_CORRUPT', 'the volume has data after its end-of-archive marker');
      if (this.state === 'header' || this.state === 'end-marker') {
        const n = Math.min(TAR_BLOCK - this.blockFill, chunk.length - offset);
        chunk.copy(this.block, this.blockFill, offset, offset + n);
        this.blockFill += n;
        offset += n;
        if (this.blockFill === TAR_BLOCK) {
          this.blockFill = 0;
          await this.onBlock();
        }
        continue;
      }
      const n = Math.min(this.remaining, chunk.length - offset);
      const piece = chunk.subarray(offset, offset + n);
      offset += n;
      this.remaining -= n;
      if (this.state === 'volume-json') this.checkVolumeJson(piece);
      else if (this.state === 'data' && this.current) {
        const pending = this.current.sink.write(piece, keep);
        if (pending) await pending;
      }
      if (this.remaining === 0) await this.endOfSection();
    }
  }

  /** Call when the input ended: anything but a complete archive means the volume was cut short. */
  end(): void {
    if (this.state !== 'done') throw new AirlockError('VOLUME_TRUNCATED', 'the volume ends before its end-of-archive marker; it was cut short, copy it again');
  }

  /** Fails the entry being read, so its consumer stops too. */
  abort(error: unknown): void {
    const entry = this.current;
    this.current = undefined;
    entry?.sink.abort(error);
  }

  private async onBlock(): Promise<void> {
    if (this.state === 'end-marker') {
      if (!isZeroBlock(this.block)) throw new AirlockError('VOLUME_CORRUPT', 'the volume has a damaged end-of-archive marker');
      this.state = 'done';
      this.checkComplete();
      return;
    }
    if (isZeroBlock(this.block)) {
      this.state = 'end-marker';
      return;
    }
    const header = decodeTarHeader(this.block);
    if (!this.sawVolumeJson) return this.startVolumeJson(header.name, header.size);
    if (header.name === VOLUME_JSON_NAME) throw new AirlockError('TAR_ENTRY_DUPLICATE', 'the volume holds volume.json twice');
    if (!BLOB_NAME.test(header.name)) throw new AirlockError('TAR_ENTRY_INVALID', `the volume holds ${JSON.stringify(header.name)}; only volume.json and blobs/sha256/<hex>[.part-N] are allowed`);
    if (this.seen.has(header.name)) throw new AirlockError('TAR_ENTRY_DUPLICATE', `the volume holds ${header.name} twice`);
    const expected = this.expected.get(header.name);
    if (!expected) throw new AirlockError('TAR_ENTRY_INVALID', `the volume holds ${header.name}, which the manifest does not list for this volume`);
    if (header.size !== expected.expected.size) {
      throw new AirlockError('SIZE_MISMATCH', `${header.name} is ${header.size} bytes in the volume but ${expected.expected.size} in the manifest`);
    }
    this.seen.add(header.name);
    await this.startEntry(expected);
  }

  private startVolumeJson(name: string, size: number): void {
    if (name !== VOLUME_JSON_NAME) throw new AirlockError('TAR_ENTRY_INVALID', `the volume starts with ${JSON.stringify(name)} instead of volume.json`);
    if (size > VOLUME_JSON_MAX_BYTES) throw new AirlockError('TAR_ENTRY_INVALID', `volume.json is ${size} bytes, more than the ${VOLUME_JSON_MAX_BYTES} allowed`);
    if (size !== this.volumeJson.length) throw volumeUnknown();
    this.state = 'volume-json';
    this.remaining = size;
    this.volumeJsonOffset = 0;
  }

  private checkVolumeJson(piece: Buffer): void {
    const want = this.volumeJson.subarray(this.volumeJsonOffset, this.volumeJsonOffset + piece.length);
    if (!want.equals(piece)) throw volumeUnknown();
    this.volumeJsonOffset += piece.length;
  }

  private async startEntry(expected: ExpectedEntry): Promise<void> {
    const info: EntryInfo = { name: expected.name, digest: expected.digest, expected: expected.expected };
    if (expected.part !== undefined) info.part = expected.part;
    this.current = { info, sink: await this.openEntry(info) };
    this.state = 'data';
    this.remaining = expected.expected.size;
    if (this.remaining === 0) await this.endOfSection();
  }

  private async endOfSection(): Promise<void> {
    if (this.state === 'volume-json') {
      this.sawVolumeJson = true;
      this.remaining = tarPadding(this.volumeJson.length);
    } else if (this.state === 'data' && this.current) {
      const entry = this.current;
      const ended = entry.sink.end();
      if (ended) await ended;
      this.current = undefined;
      this.remaining = tarPadding(entry.info.expected.size);
    } else {
      this.state = 'header';
      return;
    }
    this.state = this.remaining > 0 ? 'padding' : 'header';
  }

  private checkComplete(): void {
    const missing = [...this.expected.keys()].filter((name) => !this.seen.has(name));
    if (!this.sawVolumeJson) missing.unshift(VOLUME_JSON_NAME);
    if (missing.length > 0) {
      throw new AirlockError('VOLUME_TRUNCATED', `the volume ends without ${missing.length} of its entries (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}); copy it again`, { details: { missing } });
    }
  }
}

function volumeUnknown(): AirlockError {
  return new AirlockError('VOLUME_UNKNOWN', 'volume.json does not match the manifest: this file is not the volume the manifest describes (wrong bundle, wrong number or altered)');
}
