import type { Descriptor } from './media-types.js';

/** Keeps the index entries the config asks for; attestation entries (unknown/unknown) never count as platforms. */
export function selectPlatforms(children: Descriptor[], wanted: string[]): Descriptor[] {
  return children.filter((child) => {
    const p = child.platform;
    if (p && p.os === 'unknown' && p.architecture === 'unknown') return false;
    if (wanted.length === 0) return true;
    if (!p) return false;
    return wanted.some((w) => platformMatches(w, p));
  });
}

function platformMatches(wanted: string, p: NonNullable<Descriptor['platform']>): boolean {
  const [os, arch, variant] = wanted.split('/');
  if (os !== p.os || arch !== p.architecture) return false;
  return variant === undefined || variant === p.variant;
}

export const PLATFORM_RE = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;
