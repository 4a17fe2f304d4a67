import { stat } from 'node:fs/promises';
import { AirlockError, digestHex, hashFile, isDigest, isRecord, type BlobSource, type Fetcher } from '@airlock/core';
import type { ImageSource, FetchedManifest } from './image-source.js';
import { cacheManifest } from './manifest-cache.js';
import { MANIFEST_ACCEPT, MANIFEST_LIMIT, type Descriptor } from './media-types.js';
import { parseJson, readLimited } from './read-limited.js';
import { pullScope, type RegistryClient } from './registry-client.js';

const TAGS_LIMIT = 16 << 20;
const MAX_TAG_PAGES = 10_000;

/** One repository on an upstream registry. */
export class RegistrySource implements ImageSource {
  readonly label: string;

  constructor(
    private readonly client: RegistryClient,
    private readonly repository: string,
    private readonly cacheDir: string,
    private readonly fetcher: Fetcher,
  ) {
    this.label = `${client.label}/${repository}`;
  }

  /** Every tag, page by page. The `Link` of each page is registry-chosen: same origin only, never a page twice. */
  async tags(): Promise<string[]> {
    const all: string[] = [];
    const seen = new Set<string>();
    let next: string | undefined = `/v2/${this.repository}/tags/list?n=1000`;
    while (next) {
      const url = this.client.url(next);
      if (seen.has(url) || seen.size >= MAX_TAG_PAGES) throw new AirlockError('UPSTREAM_INVALID', `${this.label}: tags/list pages loop or exceed ${MAX_TAG_PAGES}; the registry is broken or hostile`);
      seen.add(url);
      const res = await this.client.request(url, { scope: pullScope(this.repository) });
      if (res.status === 404) throw new AirlockError('SOURCE_NOT_FOUND', `${this.label} does not exist upstream`);
      if (!res.ok) throw new AirlockError('HTTP_STATUS', `${this.label}: tags/list answered ${res.status}`);
      const doc = parseJson(await readLimited(res, TAGS_LIMIT, `${this.label} tags`), `${this.label} tags/list`);
      const tags = isRecord(doc) ? doc.tags : undefined;
      if (!isRecord(doc) || (tags !== undefined && tags !== null && !Array.isArray(tags))) {
        throw new AirlockError('UPSTREAM_INVALID', `${this.label}: tags/list is not {"name": …, "tags": [...]}; the registry is broken or hostile`);
      }
      if (Array.isArray(tags)) for (const t of tags) if (typeof t === 'string') all.push(t);
      const link = /<([^>]+)>\s*;\s*rel="?next"?/.exec(res.headers.get('link') ?? '');
      next = link?.[1];
    }
    return [...new Set(all)].sort();
  }

  async manifest(reference: string): Promise<FetchedManifest> {
    const where = `${this.label}:${reference}`;
    const res = await this.client.request(`/v2/${this.repository}/manifests/${reference}`, {
      scope: pullScope(this.repository),
      headers: { Accept: MANIFEST_ACCEPT },
    });
    if (res.status === 404) {
      await res.body?.cancel();
      throw new AirlockError('SOURCE_NOT_FOUND', `${where} does not exist upstream; check the name and tag`);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new AirlockError('HTTP_STATUS', `${where}: the registry answered ${res.status}`);
    }
    const bytes = await readLimited(res, MANIFEST_LIMIT, `manifest ${where}`);
    const { digest, path } = await cacheManifest(this.cacheDir, bytes);
    const claimed = res.headers.get('docker-content-digest');
    const expected = isDigest(reference) ? reference : isDigest(claimed) ? claimed : undefined;
    if (expected !== undefined && expected !== digest) {
      throw new AirlockError('DIGEST_MISMATCH', `manifest ${where} has digest ${digest}, but the registry named ${expected}; the upstream is corrupt or tampered with`, {
        details: { expected, actual: digest },
      });
    }
    const contentType = (res.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    return { bytes, mediaType: contentType, digest, path };
  }

  blob(descriptor: Descriptor, label: string): BlobSource {
    const path = `/v2/${this.repository}/blobs/${descriptor.digest}`;
    return {
      kind: 'download',
      download: async (dest, onProgress) => {
        if (await cachedCopyMatches(dest, descriptor)) return; // from an earlier, interrupted export: no token, no request
        // A fresh token per blob: large layers can outlive a token fetched at resolve time.
        const headers = await this.client.authHeaders(pullScope(this.repository), true);
        await this.fetcher.download(this.client.url(path), dest, {
          expected: { digest: descriptor.digest, size: descriptor.size },
          headers,
          label: `${label} (${digestHex(descriptor.digest).slice(0, 12)})`,
          ...(onProgress ? { onProgress } : {}),
        });
      },
    };
  }
}

async function cachedCopyMatches(path: string, descriptor: Descriptor): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  if (info?.size !== descriptor.size) return false;
  return (await hashFile(path)).digest === descriptor.digest;
}
