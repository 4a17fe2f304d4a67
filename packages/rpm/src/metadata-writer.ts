import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Transform } from 'node:stream';
import { createGzip } from 'node:zlib';
import { CompressStream } from 'zstd-napi';

/** gz is the default (EL7 yum reads nothing else); zst is what createrepo_c ≥ 1.0 writes. */
export type OutputCompression = 'gz' | 'zst';

export interface WrittenMetadata {
  type: string;
  /** Relative to the repo root: `repodata/<checksum>-<type>.xml.gz`. */
  href: string;
  checksum: string;
  openChecksum: string;
  size: number;
  openSize: number;
}

/**
 * Writes one compressed metadata file while hashing both the XML and the compressed bytes, then
 * names it `<sha256>-<type>.xml.<ext>` as createrepo_c does.
 */
export class MetadataWriter {
  readonly #open = createHash('sha256');
  readonly #closed = createHash('sha256');
  readonly #compressor: Transform;
  readonly #done: Promise<void>;
  readonly #tmp: string;
  #openSize = 0;
  #size = 0;
  #pending = '';

  constructor(
    private readonly repodata: string,
    private readonly type: string,
    private readonly compression: OutputCompression,
  ) {
    this.#tmp = join(repodata, `.${type}.tmp`);
    this.#compressor = compression === 'gz' ? createGzip({ level: 6 }) : new CompressStream();
    const out = createWriteStream(this.#tmp);
    this.#compressor.on('data', (chunk: Buffer) => {
      this.#closed.update(chunk);
      this.#size += chunk.length;
    });
    this.#compressor.pipe(out);
    this.#done = new Promise((resolve, reject) => {
      out.on('close', resolve);
      out.on('error', reject);
      this.#compressor.on('error', reject);
    });
  }

  /** Buffers small strings and hands the compressor 64 KiB at a time, respecting backpressure. */
  async write(text: string): Promise<void> {
    this.#pending += text;
    if (this.#pending.length >= 65536) await this.#flush();
  }

  async #flush(): Promise<void> {
    const chunk = Buffer.from(this.#pending, 'utf8');
    this.#pending = '';
    this.#open.update(chunk);
    this.#openSize += chunk.length;
    if (!this.#compressor.write(chunk)) await once(this.#compressor, 'drain');
  }

  async finish(): Promise<WrittenMetadata> {
    await this.#flush();
    this.#compressor.end();
    await this.#done;
    const checksum = this.#closed.digest('hex');
    const name = `${checksum}-${this.type}.xml.${this.compression}`;
    await rename(this.#tmp, join(this.repodata, name));
    return { type: this.type, href: `repodata/${name}`, checksum, openChecksum: this.#open.digest('hex'), size: this.#size, openSize: this.#openSize };
  }
}
