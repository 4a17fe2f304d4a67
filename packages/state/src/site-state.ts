import type { Digest } from '@airlock/core';
import { openDatabase, type SqliteDatabase, type StateOpenOptions } from './database.js';
import { BlobIndex } from './site-blobs.js';
import { BundleLedger } from './site-bundles.js';
import { ChannelSigners } from './site-channel-signers.js';
import { ChannelLedger } from './site-channels.js';
import { EventLog } from './site-events.js';
import { PublicationLog } from './site-publications.js';
import { SITE_MIGRATIONS } from './site-schema.js';
import { TrustStore } from './site-trust.js';
import { UpstreamTrustStore } from './site-upstream.js';
import type {
  BundleInput,
  BundleRow,
  BundleStatus,
  ChannelRow,
  ChannelSignerRow,
  Publication,
  PublicationInput,
  PublicationSource,
  StateEvent,
  TrustAnchorRow,
  TrustedKey,
  UpstreamKeyRow,
  VolumeRef,
  VolumeRow,
} from './site-types.js';
import { guard, stateError } from './state-error.js';

/**
 * The isolated site's state: trust store, bundles and volumes seen, channels, vault index,
 * publications and an audit log. Every method is synchronous; every multi-row change is one
 * transaction. Methods that stamp a time take an optional `now` (tests pin it).
 */
export class SiteState {
  private readonly trust: TrustStore;
  private readonly ledger: BundleLedger;
  private readonly channelLedger: ChannelLedger;
  private readonly blobIndex: BlobIndex;
  private readonly publicationLog: PublicationLog;
  private readonly eventLog: EventLog;
  private readonly upstream: UpstreamTrustStore;
  private readonly signers: ChannelSigners;

  private constructor(private readonly db: SqliteDatabase) {
    this.trust = new TrustStore(db);
    this.ledger = new BundleLedger(db);
    this.channelLedger = new ChannelLedger(db, this.ledger);
    this.blobIndex = new BlobIndex(db);
    this.publicationLog = new PublicationLog(db);
    this.eventLog = new EventLog(db);
    this.upstream = new UpstreamTrustStore(db);
    this.signers = new ChannelSigners(db);
  }

  /** Opens or creates the site database (parent directories included). */
  static open(path: string, options?: StateOpenOptions): SiteState {
    return guard(`cannot open site state ${path}`, () => new SiteState(openDatabase(path, SITE_MIGRATIONS, options)), path);
  }

  close(): void {
    guard('cannot close the site state', () => this.db.close());
  }

  /** Runs `fn` (calls of this object) as one transaction: all of its changes land, or none. */
  atomically<T>(what: string, fn: () => T): T {
    return guard(what, () => this.db.transaction(fn).immediate());
  }

  // trust store
  addTrustedKey(key: { fingerprint: string; userIds: string[]; armored: string }, now = new Date()): 'added' | 'present' {
    return guard('cannot add a trusted key', () => this.trust.add(key, now));
  }
  replaceTrustedKeyMaterial(fingerprint: string, armored: string, userIds: string[]): boolean {
    return guard('cannot update a trusted key', () => this.trust.replaceMaterial(fingerprint, armored, userIds));
  }
  removeTrustedKey(fingerprint: string): boolean {
    return guard('cannot remove a trusted key', () => this.trust.delete(fingerprint));
  }
  trustedKeys(): TrustedKey[] {
    return guard('cannot read the trust store', () => this.trust.all());
  }

  // upstream keys pinned per source, upstream date marks, trust anchors
  addUpstreamKey(key: Omit<UpstreamKeyRow, 'firstSeen' | 'decidedAt'>, now = new Date()): boolean {
    return guard('cannot pin an upstream key', () => this.upstream.addKey(key, now));
  }
  replaceUpstreamKeyMaterial(source: string, fingerprint: string, armored: string, userIds: string[]): void {
    guard('cannot update a pinned upstream key', () => this.upstream.replaceKeyMaterial(source, fingerprint, armored, userIds));
  }
  /** Pins every pending key of `source` (or only `fingerprint`); returns how many. */
  acceptUpstreamKeys(source: string, now = new Date(), fingerprint?: string): number {
    return guard('cannot accept upstream keys', () => this.upstream.acceptPending(source, now, fingerprint));
  }
  removeUpstreamKeys(source: string, fingerprint: string | null = null): number {
    return guard('cannot remove upstream keys', () => this.upstream.removeKeys(source, fingerprint));
  }
  upstreamKeys(source?: string): UpstreamKeyRow[] {
    return guard('cannot read pinned upstream keys', () => this.upstream.keys(source));
  }
  upstreamMark(key: string): string | null {
    return guard('cannot read upstream marks', () => this.upstream.mark(key));
  }
  raiseUpstreamMarks(marks: Array<{ key: string; date: string }>, now = new Date()): void {
    guard('cannot record upstream marks', () => this.db.transaction(() => marks.forEach((m) => this.upstream.raiseMark(m.key, m.date, now)))());
  }
  addTrustAnchor(anchor: Omit<TrustAnchorRow, 'addedAt'>, now = new Date()): 'added' | 'present' {
    return guard('cannot add a trust anchor', () => (this.upstream.addAnchor(anchor, now) ? 'added' : 'present'));
  }
  removeTrustAnchor(id: string): boolean {
    return guard('cannot remove a trust anchor', () => this.upstream.removeAnchor(id));
  }
  trustAnchors(kind?: string): TrustAnchorRow[] {
    return guard('cannot read trust anchors', () => this.upstream.anchors(kind));
  }

  // which exporter keys may sign each channel
  bindChannelOnFirstUse(channel: string, fingerprint: string, now = new Date()): ChannelSignerRow[] {
    return guard('cannot bind a channel to its signer', () => this.signers.bindOnFirstUse(channel, fingerprint, now));
  }
  addChannelSigners(channel: string, fingerprints: string[], now = new Date()): void {
    guard('cannot bind a channel to its signers', () => this.signers.add(channel, fingerprints, now));
  }
  replaceChannelSigners(channel: string, fingerprints: string[], now = new Date()): void {
    guard('cannot rebind a channel', () => this.signers.replace(channel, fingerprints, now));
  }
  channelSigners(channel?: string): ChannelSignerRow[] {
    return guard('cannot read channel signers', () => this.signers.list(channel));
  }

  // channels
  channel(name: string): ChannelRow | null {
    return guard('cannot read channels', () => this.channelLedger.get(name));
  }
  channels(): ChannelRow[] {
    return guard('cannot read channels', () => this.channelLedger.list());
  }
  publishedBundle(channel: string): BundleRow | null {
    return guard('cannot read channels', () => this.channelLedger.publishedBundle(channel));
  }

  // bundles and volumes
  upsertBundle(bundle: BundleInput, now = new Date()): BundleRow {
    return guard(`cannot record bundle ${bundle.id}`, () => this.ledger.upsert(bundle, now));
  }
  bundle(manifestSha256: string): BundleRow | null {
    return guard('cannot read bundles', () => this.ledger.get(manifestSha256));
  }
  bundles(filter: { status?: BundleStatus } = {}): BundleRow[] {
    return guard('cannot read bundles', () => this.ledger.list(filter));
  }
  volumes(manifestSha256: string): VolumeRow[] {
    return guard('cannot read bundle volumes', () => this.ledger.volumes(manifestSha256));
  }
  missingVolumes(manifestSha256: string): VolumeRef[] {
    return guard('cannot read bundle volumes', () => this.ledger.missingVolumes(manifestSha256));
  }
  markVolumeIngested(manifestSha256: string, number: number, now = new Date()): void {
    guard('cannot record an ingested volume', () => this.ledger.markVolumeIngested(manifestSha256, number, now));
  }
  /**
   * A volume is ingested and the blobs it brought (or found already stored) are indexed, in one
   * transaction: a crash leaves either both or neither, and the volume is then ingested again.
   */
  recordVolumeIngested(manifestSha256: string, number: number, blobs: Array<{ digest: Digest; size: number }>, now = new Date()): number {
    return guard('cannot record an ingested volume', () =>
      this.db.transaction(() => {
        const added = this.blobIndex.recordAll(blobs, now);
        this.ledger.markVolumeIngested(manifestSha256, number, now);
        return added;
      }).immediate(),
    );
  }
  /** The vault lost part of what this volume brought: the volume is missing again. */
  markVolumeMissing(manifestSha256: string, number: number): boolean {
    return guard('cannot record a volume missing again', () => this.ledger.markVolumeMissing(manifestSha256, number));
  }
  markBundleComplete(manifestSha256: string, now = new Date()): void {
    guard('cannot mark a bundle complete', () => this.ledger.markComplete(manifestSha256, now));
  }
  markBundleRejected(manifestSha256: string, reason: string): void {
    guard('cannot mark a bundle rejected', () => this.ledger.markRejected(manifestSha256, reason));
  }
  markBundlesPublished(manifestSha256s: string[], now = new Date()): void {
    guard('cannot mark bundles published', () => this.channelLedger.markPublished(manifestSha256s, now));
  }

  // vault index
  recordBlob(digest: Digest, size: number, now = new Date()): boolean {
    return guard('cannot index a vault blob', () => this.blobIndex.record(digest, size, now));
  }
  recordBlobs(blobs: Array<{ digest: Digest; size: number }>, now = new Date()): number {
    return guard('cannot index vault blobs', () => this.blobIndex.recordAll(blobs, now));
  }
  /** Removes index entries of blobs the vault does not hold (see the receipt's reconciliation). */
  forgetBlobs(digests: Digest[]): number {
    return guard('cannot update the vault index', () => this.blobIndex.forgetAll(digests));
  }
  hasBlob(digest: Digest): boolean {
    return guard('cannot read the vault index', () => this.blobIndex.contains(digest));
  }
  /** Which of `digests` the vault index holds, read at once: for the 10,000s of entries of a volume. */
  heldBlobs(digests: Iterable<Digest>): Set<Digest> {
    return guard('cannot read the vault index', () => this.blobIndex.held(digests));
  }
  blobCount(): number {
    return guard('cannot read the vault index', () => this.blobIndex.size());
  }
  /** Streams every indexed blob sorted by digest; finish (or break) the loop before writing. */
  *indexedBlobs(): IterableIterator<{ digest: Digest; size: number }> {
    try {
      yield* this.blobIndex.iterate();
    } catch (err) {
      throw stateError(err, 'cannot read the vault index');
    }
  }

  // publications
  recordPublication(publication: PublicationInput): number {
    const createdAt = publication.createdAt ?? new Date().toISOString();
    return guard('cannot record a publication', () => this.publicationLog.record(publication.snapshot, publication.bundles, createdAt, publication.sources));
  }
  publicationSources(id: number): PublicationSource[] {
    return guard('cannot read publication sources', () => this.publicationLog.sources(id));
  }
  /** The current publication and the next `steps` ones successive rollbacks reach. */
  rollbackChain(steps: number): Publication[] {
    return guard('cannot read publications', () => this.publicationLog.rollbackChain(steps));
  }
  currentPublication(): Publication | null {
    return guard('cannot read publications', () => this.publicationLog.currentPublication());
  }
  publications(): Publication[] {
    return guard('cannot read publications', () => this.publicationLog.list());
  }
  rollbackTarget(): Publication | null {
    return guard('cannot read publications', () => this.publicationLog.rollbackTarget());
  }
  setCurrent(id: number): void {
    guard('cannot switch the current publication', () => this.publicationLog.setCurrent(id));
  }
  retire(id: number): void {
    guard('cannot retire a publication', () => this.publicationLog.retire(id));
  }

  // audit log
  logEvent(kind: string, detail: unknown, now = new Date()): number {
    return guard('cannot write the event log', () => this.eventLog.append(kind, detail, now));
  }
  events(limit = 100): StateEvent[] {
    return guard('cannot read the event log', () => this.eventLog.latest(limit));
  }
}
