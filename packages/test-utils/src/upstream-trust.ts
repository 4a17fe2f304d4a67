import { AirlockError, type TrustAnchor, type UpstreamTrust } from '@airlock/core';

export interface TestUpstreamTrust extends UpstreamTrust {
  /** Upstream dates accepted so far, by key. */
  readonly marks: Map<string, Date>;
}

/**
 * An in-memory UpstreamTrust for driver tests. With `keys`, those are the site's pins and what a
 * catalog offers is ignored (so a catalog bringing another key must fail to verify); without, the
 * first offer is pinned, as on a site's first import. Marks refuse an older date, as the site does.
 */
export function testUpstreamTrust(options: { keys?: Array<string | Uint8Array>; anchors?: TrustAnchor[] } = {}): TestUpstreamTrust {
  let pinned: Array<string | Uint8Array> | undefined = options.keys;
  const marks = new Map<string, Date>();
  const toBinary = (k: string | Uint8Array): Uint8Array => (typeof k === 'string' ? new TextEncoder().encode(k) : k);
  return {
    marks,
    async openpgpKeys(offered) {
      pinned ??= offered;
      return pinned.map(toBinary);
    },
    async anchors(kind) {
      return (options.anchors ?? []).filter((a) => a.kind === kind);
    },
    notOlderThanSeen(key, date, label) {
      const seen = marks.get(key);
      if (seen && date < seen) throw new AirlockError('UPSTREAM_REPLAY', `${label} is older than what was accepted before`);
      marks.set(key, date);
    },
  };
}
