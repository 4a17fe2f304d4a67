import { AirlockError } from '@airlock/core';
import { EntryReadable, type EntryStream } from './entry-stream.js';
import { VOLUME_JSON_NAME } from './names.js';
import { decodeTarHeader, isZeroBlock } from './tar-header.js';
import { TAR_BLOCK, tarPadding } from './tar-layout.js';
import { VOLUME_JSON_MAX_BYTES, type ExpectedEntry } from './volume-json.js';

type Settled = { ok: true } | { ok: false; error: unknown };

interface ActiveEntry {
  info: EntryStream;
  readable: EntryReadable;
  settled: Promise<Settled>;
  /** Set when the consumer finished early; the rest of the entry is skipped (the file digest still covers it). */
  discard: boolean;
}

const BLOB_NAME = /^blobs\/sha256\/[0-9a-f]{64}(\.part-(0|[1-9][0-9]{0,15}))?$/;

/**
 * A strict parser for the tar subset volumes use, fed with decompressed bytes (attacker-controlled).
 * It accepts `volume.json` first (equal to the one derived from the manifest), then only the blob
 * entries the manifest lists for this volume, each once and of its declared size, then the end marker.
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
    private readonly onEntry: (e: EntryStream) => Promise<void>,
  ) {
    this.expected = new Map(entries.map((e) => [e.name, e]));
  }

  async write(chunk: Buffer): Promise<void> {
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
      else if (this.state === 'data') await this.deliver(piece);
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
    if (!entry) return;
    void entry.settled;
    // The volume error is reported by readVolume itself; a consumer that has not attached its
    // listeners yet must not turn it into an unhandled 'error' event that kills the process.
    entry.readable.on('error', () => undefined);
    entry.readable.destroy(error instanceof Error ? error : new Error(String(error)));
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
    const readable = new EntryReadable();
    const info: EntryStream = { name: expected.name, digest: expected.digest, expected: expected.expected, stream: readable };
    if (expected.part !== undefined) info.part = expected.part;
    const settled = (async () => this.onEntry(info))().then(
      (): Settled => ({ ok: true }),
      (error: unknown): Settled => ({ ok: false, error }),
    );
    this.current = { info, readable, settled, discard: false };
    this.state = 'data';
    this.remaining = expected.expected.size;
    if (this.remaining === 0) await this.endOfSection();
  }

  private async deliver(piece: Buffer): Promise<void> {
    const entry = this.current;
    if (!entry || entry.discard) return;
    const raced = await Promise.race([entry.readable.feed(piece).then(() => undefined), entry.settled]);
    if (raced === undefined && !entry.readable.destroyed) return;
    // The consumer settled or dropped the stream before the entry's end.
    const outcome = raced ?? (await entry.settled);
    if (!outcome.ok) throw outcome.error;
    entry.discard = true;
    entry.readable.destroy();
  }

  private async endOfSection(): Promise<void> {
    if (this.state === 'volume-json') {
      this.sawVolumeJson = true;
      this.remaining = tarPadding(this.volumeJson.length);
    } else if (this.state === 'data' && this.current) {
      const entry = this.current;
      if (!entry.discard) entry.readable.finish();
      const outcome = await entry.settled;
      this.current = undefined;
      if (!outcome.ok) throw outcome.error;
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
