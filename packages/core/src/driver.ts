import type { Readable } from 'node:stream';
import type { Digest } from './digest.js';
import type { Progress } from './progress.js';
import type { SettledStamp } from './file-stamp.js';

/**
 * Where the exporter can read an artifact's bytes. They are verified against digest and size when
 * packed: hashed again, or, for a file this run hashed and found `settled`, checked to still have
 * that stamp before and after it is read.
 */
export type BlobSource =
  | { kind: 'file'; path: string; settled?: SettledStamp }
  | { kind: 'url'; urls: string[]; headers?: Record<string, string> }
  /**
   * For upstreams that need more than a plain GET (registry bearer tokens that expire): the
   * engine calls `download` only for blobs the bundle carries. It must write the verified blob to
   * `dest` atomically; the volume writer hashes it again while packing.
   */
  | { kind: 'download'; download(dest: string, onProgress?: (newBytes: number) => void): Promise<void> };

export interface Artifact {
  digest: Digest;
  size: number;
  source: BlobSource;
  /** Human-readable name for progress and errors, e.g. a relative path or package file name. */
  label: string;
}

/** A named part of a source (an image version, a package) that `airlock plan` lists with its sizes. */
export interface PlanGroup {
  label: string;
  /** Digests of the artifacts this part needs; parts may share artifacts. */
  digests: Digest[];
}

export interface ResolveResult<Catalog> {
  /** The source's full desired state; travels in the bundle as a canonical JSON blob. */
  catalog: Catalog;
  /** Every blob the catalog needs, shipped or not. The engine decides what this bundle carries. */
  artifacts: Artifact[];
  /** Optional per-part breakdown for `airlock plan` (what each part needs and what of it is new). */
  groups?: PlanGroup[];
  /**
   * What would not install or boot offline at the site although the source resolved (a requirement
   * nothing provides, a prerequisite left out, a MAAS mirror without bootloaders). `airlock plan`
   * lists them; `export` prints them and goes on.
   */
  warnings?: ResolveWarning[];
}

/** One finding of `resolve` that the operator should act on before the bundle travels. */
export interface ResolveWarning {
  /** Stable kind, e.g. DEPENDENCY_UNSATISFIED, PREREQUISITE_MISSING, NO_BOOTLOADERS, NO_PLATFORM. */
  kind: string;
  message: string;
}

/** A local file or directory a validated spec refers to; `airlock config check` makes sure it is there. */
export interface LocalReference {
  /** The config field, e.g. `sources[1].keyring` or `sources[3].custom[0].file`. */
  field: string;
  path: string;
  kind: 'file' | 'directory' | 'file-or-directory';
  /** Also check the content: OpenPGP public key(s), armored or binary. */
  content?: 'openpgp-public-keys';
}

export interface DownloadOptions {
  expected?: { digest?: Digest; size?: number };
  headers?: Record<string, string>;
  label?: string;
  /** Called with the bytes received since the last call (an increment, not a running total). */
  onProgress?: (newBytes: number) => void;
  /**
   * Further digests (node:crypto names such as `sha3-384`) computed over the same bytes as they
   * arrive, resumed prefixes included, and returned as hex in `also`: no second read of the file.
   */
  alsoHash?: string[];
}

export interface DownloadResult {
  digest: Digest;
  size: number;
  /** Hex digests of DownloadOptions.alsoHash, by algorithm (present when it was asked for). */
  also?: Record<string, string>;
}

/** Upstream HTTP as the engine configures it: retries, backoff, Range resume, verify-while-download. */
export interface Fetcher {
  /** GETs a small document, refusing bodies larger than maxBytes. */
  getBytes(url: string, options?: { maxBytes?: number; headers?: Record<string, string> }): Promise<Buffer>;
  /** Downloads to `dest`, which appears only once the body verified. Tries each URL in turn. */
  download(urls: string | string[], dest: string, options?: DownloadOptions): Promise<DownloadResult>;
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
  /** The exporter's memory of upstream dates for this channel and source. */
  upstream: ExportUpstreamMarks;
}

/** The export side of upstream date monotonicity, backed by the export state. */
export interface ExportUpstreamMarks {
  /**
   * Refuses with UPSTREAM_REPLAY a signed upstream `date` older than the newest one an earlier
   * export of this channel and source accepted for `key` (e.g. an apt suite's Release Date): the
   * mirror went back in time, and an up-to-date mirror fixes it. The date is recorded when the
   * bundle that relied on it is recorded; `plan` only checks. Equal dates pass.
   */
  notOlderThanSeen(key: string, date: Date, label: string): void;
}

/**
 * What the site itself trusts for a source's upstream, never what a catalog brings. Reverify must
 * verify upstream signatures only with keys and anchors obtained here.
 */
export interface UpstreamTrust {
  /**
   * The OpenPGP public keys the site pins for this source (binary, as `gpg --export` writes them).
   * `offered` is the key material the catalog carries. On the source's first import it is pinned,
   * recorded and reported to the operator; afterwards an offered key whose primary fingerprint is
   * not pinned is refused with UPSTREAM_KEY_CHANGED until the operator accepts it
   * (`airlock trust upstream accept`). Self-signed updates to a pinned key (new expiry, a
   * revocation) are merged into the pin. `purpose` names the keys for the operator.
   */
  openpgpKeys(offered: Array<string | Uint8Array>, purpose: string): Promise<Uint8Array[]>;
  /** The trust anchors of `kind` the operator added with `airlock trust add` (e.g. snap store roots). */
  anchors(kind: string): Promise<TrustAnchor[]>;
  /**
   * Signed upstream documents only move forward: refuses with UPSTREAM_REPLAY a `date` older than
   * the newest one this site accepted for `key` (e.g. an apt suite's Release Date). The date is
   * recorded once the publication that relied on it is live. Equal dates pass.
   */
  notOlderThanSeen(key: string, date: Date, label: string): void;
}

export interface ImportContext {
  sourceName: string;
  vault: VaultReader;
  progress: Progress;
  upstream: UpstreamTrust;
}

export interface PublishContext extends ImportContext {
  /** The root of the snapshot being built; a driver writes under `<type>/<sourceName>/` only. */
  staging: string;
  siteSigner: Signer;
}

/**
 * What a published source offers its clients, for the site page (`airlock serve` at `/`) and
 * `/airlock.json`. The engine records it with the publication; `airlock serve` fills in the host.
 */
export interface SourceDescription {
  /** What the source holds, in the order shown, e.g. `[{ label: 'packages', value: 9 }]`. */
  counts: Array<{ label: string; value: number }>;
  /** Bytes of the content clients fetch (packages, image blobs, boot image files, snaps). */
  bytes: number;
  clients: ClientSnippet[];
}

/**
 * One piece of client configuration or one command. `template` (and `file`) may use these
 * placeholders, which the server replaces for the host a client reached it by, or `--public-url`:
 * `{{url}}` the site's base URL ending in `/` (`http://mirror:8080/`), `{{origin}}` its scheme and
 * authority (`http://mirror:8080`), `{{host}}` its authority (`mirror:8080`), `{{insecure}}`
 * (`true` over plain HTTP) and `{{tlsVerify}}` (`false` over plain HTTP). Everything else is literal.
 */
export interface ClientSnippet {
  /** Stable within the content type, for automation, e.g. `apt-sources-list`, `dnf-repo`. */
  id: string;
  /** A heading for people, e.g. `apt: sources.list line`. */
  title: string;
  /** The client file the text goes into; absent for commands to run. */
  file?: string;
  template: string;
  /** One or two sentences on when or how to use it. */
  note?: string;
}

export interface DescribeContext {
  sourceName: string;
}

/** A trust anchor of a driver-defined kind, as stored in the site's trust store. */
export interface TrustAnchor {
  kind: string;
  /** Stable identifier within the kind (for snap roots, the account-key's sha3-384 key id). */
  id: string;
  /** One line for `airlock trust list`. */
  description: string;
  /** The anchor's exact bytes as the operator gave them (UTF-8 text). */
  data: string;
}

/** A driver's own kind of trust anchor, which `airlock trust add FILE` recognises by content. */
export interface TrustAnchorKind {
  kind: string;
  /**
   * Returns the anchors in `data`, or null when the file is not of this kind (so another kind,
   * or an OpenPGP key, can be tried). Throws a coded error when it is of this kind but invalid.
   */
  read(data: Buffer): TrustAnchor[] | null;
}

export interface Driver<Spec extends { name: string } = { name: string }, Catalog = unknown> {
  readonly type: string;
  /** Anchors of this content type that the site can trust (`airlock trust add`). */
  readonly trustAnchors?: TrustAnchorKind;
  /** Validates one config entry, listing every bad field at once (CONFIG_INVALID). `at` prefixes field paths. */
  parseSpec(raw: unknown, at: string, configDir: string): Spec;
  /** Online: fetch and verify upstream metadata, apply filters, return the catalog and all artifacts. */
  resolve(spec: Spec, ctx: ExportContext): Promise<ResolveResult<Catalog>>;
  /** Validates a catalog read back from a bundle (MANIFEST_INVALID on a bad shape). */
  parseCatalog(raw: unknown): Catalog;
  /** Offline: re-check the upstream provenance the catalog carries. */
  reverify?(catalog: Catalog, ctx: ImportContext): Promise<void>;
  /**
   * Combines the catalog this site published for the source before with a newer bundle's catalog,
   * for content where the site keeps history (older image versions up to `max`, older snap
   * revisions). Pure, no IO. The result is reverified and published like any catalog, and is
   * what the next merge receives as `previous`. Without it, the newer catalog replaces the old.
   */
  merge?(previous: Catalog, next: Catalog): Catalog;
  /** Offline: write this source's tree into the staging snapshot from vault blobs. */
  publish(catalog: Catalog, ctx: PublishContext): Promise<void>;
  /** Pure: what the published source offers clients (counts, bytes, client configuration templates). */
  describe?(catalog: Catalog, ctx: DescribeContext): SourceDescription;
  /** The local files a validated spec refers to (keyrings, trees, image files), for `airlock config check`. */
  localFiles?(spec: Spec, at: string): LocalReference[];
}

/** Any driver, as the engine holds them in its registry. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDriver = Driver<any, any>;
