import { isRecord, invalid, isDigest, type FieldProblem } from '@airlock/core';
import { MANIFEST_TYPES } from './media-types.js';
import { REPO_RE, TAG_RE } from './reference.js';
import type { CatalogBlob, CatalogImage, OciCatalog } from './types.js';

/** Validates a catalog read back from a bundle (attacker-controlled until the bundle signature is trusted, and checked anyway). */
export function parseOciCatalog(raw: unknown): OciCatalog {
  const problems: FieldProblem[] = [];
  if (!isRecord(raw)) throw invalid('MANIFEST_INVALID', 'oci catalog', [{ path: '', message: 'must be an object' }]);
  if (raw.version !== 1) problems.push({ path: 'version', message: 'must be 1' });
  const manifests = blobList(raw.manifests, 'manifests', problems, true);
  const blobs = blobList(raw.blobs, 'blobs', problems, false);
  const images: CatalogImage[] = [];
  const names = new Set<string>();
  const manifestDigests = new Map(manifests.map((m) => [m.digest, m]));
  if (!Array.isArray(raw.images)) problems.push({ path: 'images', message: 'must be a list' });
  else raw.images.forEach((item: unknown, i) => {
    const at = `images[${i}]`;
    if (!isRecord(item)) return void problems.push({ path: at, message: 'must be an object' });
    const { repository, tag, digest, mediaType, size, upstream } = item;
    if (typeof repository !== 'string' || !REPO_RE.test(repository)) problems.push({ path: `${at}.repository`, message: 'must be a repository path' });
    if (typeof tag !== 'string' || !TAG_RE.test(tag)) problems.push({ path: `${at}.tag`, message: 'must be a tag' });
    if (typeof upstream !== 'string' || upstream.length > 4096) problems.push({ path: `${at}.upstream`, message: 'must be a string' });
    const listed = isDigest(digest) ? manifestDigests.get(digest) : undefined;
    if (!listed) problems.push({ path: `${at}.digest`, message: 'must name a manifest listed in manifests' });
    else if (listed.size !== size || listed.mediaType !== mediaType) problems.push({ path: at, message: 'size and mediaType must match the listed manifest' });
    const name = `${String(repository)}:${String(tag)}`;
    if (names.has(name)) problems.push({ path: at, message: `${name} appears twice` });
    names.add(name);
    if (problems.length === 0) images.push({ repository, tag, digest, mediaType, size, upstream } as CatalogImage);
  });
  if (problems.length > 0) throw invalid('MANIFEST_INVALID', 'oci catalog', problems);
  return { version: 1, images, manifests, blobs };
}

function blobList(raw: unknown, at: string, problems: FieldProblem[], manifests: boolean): CatalogBlob[] {
  if (!Array.isArray(raw)) {
    problems.push({ path: at, message: 'must be a list' });
    return [];
  }
  const seen = new Set<string>();
  const result: CatalogBlob[] = [];
  raw.forEach((item: unknown, i) => {
    const where = `${at}[${i}]`;
    if (!isRecord(item)) return void problems.push({ path: where, message: 'must be an object' });
    const { digest, size, mediaType } = item;
    const before = problems.length;
    if (!isDigest(digest)) problems.push({ path: `${where}.digest`, message: 'must be a sha256 digest' });
    else if (seen.has(digest)) problems.push({ path: `${where}.digest`, message: 'appears twice' });
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) problems.push({ path: `${where}.size`, message: 'must be a byte count' });
    if (typeof mediaType !== 'string' || mediaType.length > 255 || /[\r\n]/.test(mediaType)) problems.push({ path: `${where}.mediaType`, message: 'must be a media type' });
    else if (manifests && !MANIFEST_TYPES.includes(mediaType)) problems.push({ path: `${where}.mediaType`, message: 'must be a manifest or index media type' });
    if (problems.length > before) return;
    seen.add(digest as string);
    result.push({ digest, size, mediaType } as CatalogBlob);
  });
  return result;
}
