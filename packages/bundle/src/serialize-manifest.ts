import { canonicalJson } from '@airlock/core';
import type { Manifest } from './manifest-types.js';

/** The signed form of a manifest: canonical JSON, so any reader can re-derive the signed bytes. */
export function serializeManifest(m: Manifest): string {
  return canonicalJson(m);
}
