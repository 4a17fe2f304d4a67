import { join } from 'node:path';
import { isRecord, AirlockError, digestHex, isDigest, readFileLimited, sha256Digest, type BlobSource } from '@airlock/core';
import type { FetchedManifest, ImageSource } from './image-source.js';
import { cacheManifest } from './manifest-cache.js';
import { MANIFEST_LIMIT, type Descriptor } from './media-types.js';

export const REF_NAME = 'org.opencontainers.image.ref.name';

interface LayoutEntry {
  ref: string;
  descriptor: Descriptor;
}

/** An OCI image layout directory on disk (images built locally); also the modern `docker save` format. */
export class LayoutSource implements ImageSource {
  readonly label: string;
  private entries: LayoutEntry[] | undefined;

  constructor(
    private readonly root: string,
    private readonly cacheDir: string,
  ) {
    this.label = `oci-layout:${root}`;
  }

  async tags(): Promise<string[]> {
    return (await this.index()).map((e) => e.ref);
  }

  async manifest(reference: string): Promise<FetchedManifest> {
    let target: Descriptor | undefined;
    if (isDigest(reference)) target = { mediaType: '', digest: reference, size: -1 };
    else target = (await this.index()).find((e) => e.ref === reference)?.descriptor;
    if (!target) throw new AirlockError('SOURCE_NOT_FOUND', `${this.label} has no image named ${JSON.stringify(reference)} in index.json`);
    const bytes = await readFileLimited(this.blobPath(target.digest), MANIFEST_LIMIT, `${this.label} manifest ${target.digest}`);
    if (sha256Digest(bytes) !== target.digest) throw new AirlockError('DIGEST_MISMATCH', `${this.label}: blob ${target.digest} does not match its digest; the layout is corrupt`);
    const { path } = await cacheManifest(this.cacheDir, bytes);
    return { bytes, mediaType: target.mediaType, digest: target.digest, path };
  }

  blob(descriptor: Descriptor): BlobSource {
    return { kind: 'file', path: this.blobPath(descriptor.digest) };
  }

  blobPath(digest: string): string {
    return join(this.root, 'blobs', 'sha256', digestHex(digest as `sha256:${string}`));
  }

  /** index.json is attacker-controlled input when the layout came from elsewhere. */
  private async index(): Promise<LayoutEntry[]> {
    if (this.entries) return this.entries;
    const bytes = await readFileLimited(join(this.root, 'index.json'), MANIFEST_LIMIT, `${this.label}/index.json`);
    let doc: unknown;
    try {
      doc = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new AirlockError('UPSTREAM_INVALID', `${this.label}/index.json is not JSON`);
    }
    const manifests = isRecord(doc) && Array.isArray(doc.manifests) ? doc.manifests : [];
    this.entries = [];
    for (const m of manifests) {
      if (!isRecord(m) || !isDigest(m.digest) || typeof m.mediaType !== 'string' || typeof m.size !== 'number') continue;
      const annotations = isRecord(m.annotations) ? m.annotations : {};
      // docker save (Engine 25+) puts the full name in the containerd annotation and only the tag in ref.name.
      const ref = annotations['io.containerd.image.name'] ?? annotations[REF_NAME];
      if (typeof ref !== 'string') continue;
      this.entries.push({ ref, descriptor: { mediaType: m.mediaType, digest: m.digest, size: m.size } });
    }
    return this.entries;
  }
}
