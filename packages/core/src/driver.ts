import type { Readable } from 'node:stream';
import type { Digest } from './digest.js';
import type { Progress } from './progress.js';

/** Where the exporter can read an artifact's bytes. They are verified against digest and size when packed. */
export type BlobSource =
  | { kind: 'file'; path: string }
  | { kind: 'url'; urls: string[]; headers?: Record<string, string> }
  /**
   * For upstreams that need more than a plain GET (registry bearer tokens that expire): the
   * engine calls `download` only for blobs the bundle carries. It must write the verified blob to
   * `dest` atomically; the volume writer hashes it again while packing.
   */
  | { kind: 'download'; download(dest: string, onProgress?: (bytes: number) => void): Promise<void> };

export interface Artifact {
  digest: Digest;
  size: number;
  source: BlobSource;
  /** Human-readable name for progress and errors, e.g. a relative path or package file name. */
  label: string;
}

export interface ResolveResult<Catalog> {
  /** The source's full desired state; travels in the bundle as a canonical JSON blob. */
  catalog: Catalog;
  /** Every blob the catalog needs, shipped or not. The engine decides what this bundle carries. */
  artifacts: Artifact[];
}

export interface DownloadOptions {
  expected?: { digest?: Digest; size?: number };
  headers?: Record<string, string>;
  label?: string;
  onProgress?: (bytes: number) => void;
}

/** Upstream HTTP as the engine configures it: retries, backoff, Range resume, verify-while-download. */
export interface Fetcher {
  /** GETs a small document, refusing bodies larger than maxBytes. */
  getBytes(url: string, options?: { maxBytes?: number; headers?: Record<string, string> }): Promise<Buffer>;
  /** Downloads to `dest`, which appears only once the body verified. Tries each URL in turn. */
  download(urls: string | string[], dest: string, options?: DownloadOptions): Promise<{ digest: Digest; size: number }>;
}

/** Read access to the import side's content-addressed blob store. */
export interface VaultReader {
  has(digest: Digest): Promise<boolean>;
  /** Absolute path of a stored blob; BLOB_MISSING if absent. */
  pathOf(digest: Digest): Promise<string>;
  open(digest: Digest): Promise<Readable>;
  readBytes(digest: Digest, maxBytes: number): Promise<Buffer>;
  /**
   * Places a blob at `dest` as a hardlink into the vault (a copy across filesystems). Published
   * files are read-only: write bits of `mode` are cleared, and modes other than 0444 link to a
   * per-mode copy the vault keeps, so the stored blob itself never changes mode.
   */
  place(digest: Digest, dest: string, mode?: number): Promise<void>;
}

/** OpenPGP signing with a private key (the site key on the import side). */
export interface Signer {
  readonly fingerprint: string;
  readonly armoredPublicKey: string;
  readonly binaryPublicKey: Uint8Array;
  signDetachedArmored(data: Uint8Array | string): Promise<string>;
  signDetachedBinary(data: Uint8Array | string): Promise<Uint8Array>;
  clearsign(text: string): Promise<string>;
}

export interface ExportContext {
  sourceName: string;
  /** Relative paths in a spec resolve against the config file's directory. */
  configDir: string;
  /** A directory the driver may use to cache upstream downloads between runs. */
  cacheDir: string;
  fetcher: Fetcher;
  progress: Progress;
}

export interface ImportContext {
  sourceName: string;
  vault: VaultReader;
  progress: Progress;
}

export interface PublishContext extends ImportContext {
  /** The root of the snapshot being built; a driver writes under `<type>/<sourceName>/` only. */
  staging: string;
  siteSigner: Signer;
}

export interface Driver<Spec extends { name: string } = { name: string }, Catalog = unknown> {
  readonly type: string;
  /** Validates one config entry, listing every bad field at once (CONFIG_INVALID). `at` prefixes field paths. */
  parseSpec(raw: unknown, at: string, configDir: string): Spec;
  /** Online: fetch and verify upstream metadata, apply filters, return the catalog and all artifacts. */
  resolve(spec: Spec, ctx: ExportContext): Promise<ResolveResult<Catalog>>;
  /** Validates a catalog read back from a bundle (MANIFEST_INVALID on a bad shape). */
  parseCatalog(raw: unknown): Catalog;
  /** Offline: re-check the upstream provenance the catalog carries. */
  reverify?(catalog: Catalog, ctx: ImportContext): Promise<void>;
  /** Offline: write this source's tree into the staging snapshot from vault blobs. */
  publish(catalog: Catalog, ctx: PublishContext): Promise<void>;
}

/** Any driver, as the engine holds them in its registry. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDriver = Driver<any, any>;
