import { AirlockError, type Progress, type TrustAnchor, type UpstreamTrust } from '@airlock/core';
import { mergeKeyUpdate, readPublicKeys, type PublicKeyInfo } from '@airlock/pgp';
import type { SiteState } from '@airlock/state';

/** The upstream trust of one source during one publication; `commit` records its marks once the publication is live. */
export interface SourceUpstreamTrust extends UpstreamTrust {
  commit(): void;
}

/**
 * Pins upstream keys per source on first use (reported to the operator), refuses a key the site
 * has not pinned, and keeps upstream dates monotonic. Everything reverify may trust comes from
 * the site's state, never from the catalog.
 */
export function sourceUpstreamTrust(state: SiteState, source: string, progress: Progress): SourceUpstreamTrust {
  const marks = new Map<string, string>();
  return {
    openpgpKeys: (offered, purpose) => pinnedKeys(state, source, offered, purpose, progress),
    anchors: async (kind) => state.trustAnchors(kind).map(({ kind: k, id, description, data }): TrustAnchor => ({ kind: k, id, description, data })),
    notOlderThanSeen(key, date, label) {
      if (Number.isNaN(date.getTime())) throw new AirlockError('UPSTREAM_INVALID', `${label}: the signed date is not a valid date`);
      const markKey = `${source}:${key}`;
      const iso = date.toISOString();
      const seen = state.upstreamMark(markKey);
      if (seen !== null && iso < seen) {
        throw new AirlockError('UPSTREAM_REPLAY', `${label} is dated ${iso}, older than the ${seen} this site already accepted: an upstream mirror is replaying old signed metadata; export again from an up-to-date mirror`, {
          details: { source, key, date: iso, seen },
        });
      }
      const pending = marks.get(markKey);
      if (pending === undefined || iso > pending) marks.set(markKey, iso);
    },
    commit() {
      state.raiseUpstreamMarks([...marks].map(([key, date]) => ({ key, date })));
    },
  };
}

async function pinnedKeys(state: SiteState, source: string, offered: Array<string | Uint8Array>, purpose: string, progress: Progress): Promise<Uint8Array[]> {
  const offers = new Map<string, PublicKeyInfo>();
  for (const data of offered) for (const key of await readPublicKeys(data)) offers.set(key.fingerprint, key);
  const known = state.upstreamKeys(source);
  const pinned = known.filter((k) => k.status === 'pinned');
  if (known.length === 0) {
    if (offers.size === 0) return [];
    for (const key of offers.values()) {
      state.addUpstreamKey({ source, fingerprint: key.fingerprint, userIds: key.userIds, armored: key.armored, purpose, status: 'pinned' });
      progress.warn(`pinned upstream key ${key.fingerprint} (${key.userIds.join(', ') || 'no user id'}) for ${source}: ${purpose}; check it against the vendor's published fingerprint (airlock trust upstream list)`);
    }
    state.logEvent('upstream-key-pinned', { source, purpose, fingerprints: [...offers.keys()] });
    return [...offers.values()].map((k) => k.binary);
  }
  const pinnedFingerprints = new Set(pinned.map((k) => k.fingerprint));
  const unpinned = [...offers.values()].filter((k) => !pinnedFingerprints.has(k.fingerprint));
  if (unpinned.length > 0) {
    for (const key of unpinned) state.addUpstreamKey({ source, fingerprint: key.fingerprint, userIds: key.userIds, armored: key.armored, purpose, status: 'pending' });
    const list = unpinned.map((k) => `${k.fingerprint} (${k.userIds.join(', ') || 'no user id'})`).join(', ');
    throw new AirlockError('UPSTREAM_KEY_CHANGED', `${source} brings upstream key(s) this site has not pinned: ${list}. If the vendor really rotated its key, accept it with: airlock trust upstream accept ${source}, then re-run the import`, {
      details: { source, purpose, unpinned: unpinned.map((k) => k.fingerprint), pinned: [...pinnedFingerprints] },
    });
  }
  const result: Uint8Array[] = [];
  for (const pin of pinned) {
    const update = offers.get(pin.fingerprint);
    if (update === undefined) {
      result.push((await readPublicKeys(pin.armored))[0]!.binary);
      continue;
    }
    const [current] = await readPublicKeys(pin.armored);
    const merged = await mergeKeyUpdate(pin.armored, update.binary);
    if (!current || !Buffer.from(current.binary).equals(Buffer.from(merged.binary))) {
      state.replaceUpstreamKeyMaterial(source, pin.fingerprint, merged.armored, merged.userIds);
      state.logEvent('upstream-key-updated', { source, fingerprint: pin.fingerprint });
    }
    result.push(merged.binary);
  }
  return result;
}
