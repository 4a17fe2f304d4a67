import { readFile } from 'node:fs/promises';
import { asAirlockError, type TrustAnchor } from '@airlock/core';
import { normalizeFingerprint, readPublicKeys } from '@airlock/pgp';
import { SiteState } from '@airlock/state';
import type { AirlockHome } from '../home.js';
import type { DriverRegistry } from '../registry.js';

export interface TrustedKey {
  fingerprint: string;
  userIds: string[];
  addedAt?: string;
  status?: 'added' | 'present';
}

export interface TrustedAnchor {
  kind: string;
  id: string;
  description: string;
  addedAt?: string;
  status?: 'added' | 'present';
}

export interface TrustAddResult {
  keys: TrustedKey[];
  anchors: TrustedAnchor[];
}

/**
 * Adds what FILE holds to the site's trust store: a driver's trust anchors (e.g. snap store roots)
 * when one of the registered drivers recognises the content, otherwise OpenPGP exporter keys
 * (armored or binary).
 */
export async function trustAdd(home: AirlockHome, file: string, registry?: DriverRegistry): Promise<TrustAddResult> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (err) {
    throw asAirlockError(err, 'KEY_NOT_FOUND', `cannot read ${file}`);
  }
  const anchors = recogniseAnchors(data, registry);
  const keys = anchors ? [] : await readPublicKeys(data);
  const state = SiteState.open(home.stateDb);
  try {
    return {
      keys: keys.map((key) => ({
        fingerprint: key.fingerprint,
        userIds: key.userIds,
        status: state.addTrustedKey({ fingerprint: key.fingerprint, userIds: key.userIds, armored: key.armored }),
      })),
      anchors: (anchors ?? []).map((a) => ({ kind: a.kind, id: a.id, description: a.description, status: state.addTrustAnchor(a) })),
    };
  } finally {
    state.close();
  }
}

function recogniseAnchors(data: Buffer, registry: DriverRegistry | undefined): TrustAnchor[] | null {
  for (const type of registry?.types ?? []) {
    const found = registry?.get(type).trustAnchors?.read(data);
    if (found) return found;
  }
  return null;
}

export function trustList(home: AirlockHome): TrustAddResult {
  const state = SiteState.open(home.stateDb);
  try {
    return {
      keys: state.trustedKeys().map(({ fingerprint, userIds, addedAt }) => ({ fingerprint, userIds, addedAt })),
      anchors: state.trustAnchors().map(({ kind, id, description, addedAt }) => ({ kind, id, description, addedAt })),
    };
  } finally {
    state.close();
  }
}

/** Removes the exporter key with this fingerprint, or the trust anchor with this id. */
export function trustRemove(home: AirlockHome, idOrFingerprint: string): boolean {
  const state = SiteState.open(home.stateDb);
  try {
    if (state.removeTrustAnchor(idOrFingerprint)) return true;
    return /^[0-9a-fA-F\s]+$/.test(idOrFingerprint) && state.removeTrustedKey(normalizeFingerprint(idOrFingerprint));
  } finally {
    state.close();
  }
}
