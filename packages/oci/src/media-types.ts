import { AirlockError, isDigest, isRecord, type Digest } from '@airlock/core';

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

export const MANIFEST_TYPES = [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST];
export const MANIFEST_ACCEPT = MANIFEST_TYPES.join(', ');
/** Manifests are small documents; anything larger is refused before it is read. */
export const MANIFEST_LIMIT = 4 << 20;

export function isIndexType(mediaType: string): boolean {
  return mediaType === OCI_INDEX || mediaType === DOCKER_LIST;
}

export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
}

export type ParsedManifest =
  | { kind: 'index'; mediaType: string; children: Descriptor[] }
  | { kind: 'image'; mediaType: string; config: Descriptor; layers: Descriptor[] };

/**
 * Parses manifest bytes (attacker-controlled: they come from an upstream registry or a bundle).
 * `declared` is the Content-Type or descriptor media type; the document's own field wins when present.
 */
export function parseManifest(bytes: Buffer, declared: string | undefined, label: string): ParsedManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw bad(label, 'is not JSON');
  }
  if (!isRecord(doc)) throw bad(label, 'is not a JSON object');
  if (doc.schemaVersion !== 2) throw bad(label, 'is not schemaVersion 2 (schema 1 manifests are not supported)');
  const own = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  const mediaType = own ?? (Array.isArray(doc.manifests) ? OCI_INDEX : declared && MANIFEST_TYPES.includes(declared) ? declared : OCI_MANIFEST);
  if (!MANIFEST_TYPES.includes(mediaType)) throw bad(label, `has unsupported media type ${JSON.stringify(mediaType)}`);
  if (isIndexType(mediaType)) {
    if (!Array.isArray(doc.manifests)) throw bad(label, 'is an index without a manifests list');
    return { kind: 'index', mediaType, children: doc.manifests.map((d, i) => descriptor(d, `${label} manifests[${i}]`)) };
  }
  if (!Array.isArray(doc.layers)) throw bad(label, 'has no layers list');
  return {
    kind: 'image',
    mediaType,
    config: descriptor(doc.config, `${label} config`),
    layers: doc.layers.map((d, i) => descriptor(d, `${label} layers[${i}]`)),
  };
}

function descriptor(raw: unknown, label: string): Descriptor {
  if (!isRecord(raw)) throw bad(label, 'is not a descriptor');
  const { mediaType, digest, size, platform } = raw;
  if (typeof mediaType !== 'string' || mediaType.length > 255) throw bad(label, 'has no valid mediaType');
  if (!isDigest(digest)) throw bad(label, 'has no sha256 digest (other algorithms are not supported)');
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw bad(label, 'has no valid size');
  const result: Descriptor = { mediaType, digest, size };
  if (isRecord(platform) && typeof platform.os === 'string' && typeof platform.architecture === 'string') {
    result.platform = { os: platform.os, architecture: platform.architecture };
    if (typeof platform.variant === 'string') result.platform.variant = platform.variant;
  }
  return result;
}


function bad(label: string, problem: string): AirlockError {
  return new AirlockError('UPSTREAM_INVALID', `manifest ${label} ${problem}`);
}
