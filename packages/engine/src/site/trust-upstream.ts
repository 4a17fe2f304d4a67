import { readFile } from 'node:fs/promises';
import { AirlockError, asAirlockError, isPlainName } from '@airlock/core';
import { keyValidity, mergeKeyUpdate, normalizeFingerprint, readPublicKeys } from '@airlock/pgp';
import { SiteState, type UpstreamKeyStatus } from '@airlock/state';
import type { AirlockHome } from '../home.js';
import type { DriverRegistry } from '../registry.js';

export interface UpstreamPin {
  source: string;
  fingerprint: string;
  userIds: string[];
  purpose: string;
  /** 'pending': a bundle offered it and the site refused; `trust upstream accept` pins it. */
  status: UpstreamKeyStatus;
  validity: 'valid' | 'revoked' | 'expired' | 'unusable';
  firstSeen: string;
  decidedAt: string | null;
}

const OPERATOR_PURPOSE = 'pinned by the operator (airlock trust upstream add)';

/** `<type>/<name>` as sources are named in the catalog, e.g. apt/ubuntu (USAGE otherwise). */
export function checkSourceName(source: string, registry?: DriverRegistry): string {
  const [type, name, ...rest] = source.split('/');
  if (!type || !name || rest.length > 0 || !/^[a-z][a-z0-9-]*$/.test(type) || !isPlainName(name)) {
    throw new AirlockError('USAGE', `${JSON.stringify(source)} is not a source: write TYPE/NAME as in the config, e.g. apt/ubuntu or rpm/epel`);
  }
  registry?.get(type); // DRIVER_UNKNOWN for a type this build does not know
  return source;
}

export async function upstreamList(home: AirlockHome, source?: string): Promise<UpstreamPin[]> {
  const state = SiteState.open(home.stateDb);
  try {
    const pins: UpstreamPin[] = [];
    for (const row of state.upstreamKeys(source)) {
      const [validity] = await keyValidity(row.armored);
      const { armored: _armored, ...rest } = row;
      pins.push({ ...rest, validity: validity?.state ?? 'unusable' });
    }
    return pins;
  } finally {
    state.close();
  }
}

/** Pins the keys a refused bundle offered for `source` (only `fingerprint` when given). */
export function upstreamAccept(home: AirlockHome, source: string, fingerprint?: string): number {
  const fpr = fingerprint === undefined ? undefined : normalizeFingerprint(fingerprint);
  const state = SiteState.open(home.stateDb);
  try {
    const accepted = state.acceptUpstreamKeys(source, new Date(), fpr);
    if (accepted === 0) {
      throw new AirlockError('TRUST_UNKNOWN_KEY', `${source} has no pending upstream key${fpr ? ` ${fpr}` : ''} to accept (see airlock trust upstream list ${source})`);
    }
    state.logEvent('upstream-key-accepted', { source, fingerprint: fpr ?? null, count: accepted });
    return accepted;
  } finally {
    state.close();
  }
}

/**
 * Forgets one key of `source`, or all of them. With none left, the source's next import pins
 * whatever its catalog offers again (and says so).
 */
export function upstreamRemove(home: AirlockHome, source: string, fingerprint?: string): number {
  const fpr = fingerprint === undefined ? null : normalizeFingerprint(fingerprint);
  const state = SiteState.open(home.stateDb);
  try {
    const removed = state.removeUpstreamKeys(source, fpr);
    if (removed === 0) throw new AirlockError('TRUST_UNKNOWN_KEY', `${source} has no upstream key${fpr ? ` ${fpr}` : ''} (see airlock trust upstream list)`);
    state.logEvent('upstream-key-removed', { source, fingerprint: fpr, count: removed });
    return removed;
  } finally {
    state.close();
  }
}

/**
 * Pins the keys in FILE for `source` before (or after) its first import, e.g. the vendor's key
 * checked against its published fingerprint. A key already pinned gets the file's self-signed
 * updates merged (a new expiry, a revocation); a pending one is accepted.
 */
export async function upstreamAdd(home: AirlockHome, source: string, file: string): Promise<Array<{ fingerprint: string; userIds: string[]; status: 'pinned' | 'updated' | 'present' }>> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (err) {
    throw asAirlockError(err, 'KEY_NOT_FOUND', `cannot read ${file}`);
  }
  const keys = await readPublicKeys(data);
  const state = SiteState.open(home.stateDb);
  try {
    const result: Array<{ fingerprint: string; userIds: string[]; status: 'pinned' | 'updated' | 'present' }> = [];
    for (const key of keys) {
      const known = state.upstreamKeys(source).find((k) => k.fingerprint === key.fingerprint);
      if (!known) {
        state.addUpstreamKey({ source, fingerprint: key.fingerprint, userIds: key.userIds, armored: key.armored, purpose: OPERATOR_PURPOSE, status: 'pinned' });
        result.push({ fingerprint: key.fingerprint, userIds: key.userIds, status: 'pinned' });
        continue;
      }
      const [current] = await readPublicKeys(known.armored);
      const merged = await mergeKeyUpdate(known.armored, key.binary);
      const changed = !current || !Buffer.from(current.binary).equals(Buffer.from(merged.binary));
      if (changed) state.replaceUpstreamKeyMaterial(source, key.fingerprint, merged.armored, merged.userIds);
      const accepted = known.status === 'pending' && state.acceptUpstreamKeys(source, new Date(), key.fingerprint) === 1;
      result.push({ fingerprint: key.fingerprint, userIds: merged.userIds, status: accepted ? 'pinned' : changed ? 'updated' : 'present' });
    }
    state.logEvent('upstream-key-added', { source, keys: result });
    return result;
  } finally {
    state.close();
  }
}
