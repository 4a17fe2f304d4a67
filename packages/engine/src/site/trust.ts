import { readFile } from 'node:fs/promises';
import { asAirlockError } from '@airlock/core';
import { normalizeFingerprint, readPublicKeys } from '@airlock/pgp';
import { SiteState } from '@airlock/state';
import type { AirlockHome } from '../home.js';

export interface TrustedKey {
  fingerprint: string;
  userIds: string[];
  addedAt?: string;
  status?: 'added' | 'present';
}

/** Adds every public key in FILE (armored or binary) to the site's trust store. */
export async function trustAdd(home: AirlockHome, file: string): Promise<TrustedKey[]> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (err) {
    throw asAirlockError(err, 'KEY_NOT_FOUND', `cannot read ${file}`);
  }
  const keys = await readPublicKeys(data);
  const state = SiteState.open(home.stateDb);
  try {
    return keys.map((key) => ({
      fingerprint: key.fingerprint,
      userIds: key.userIds,
      status: state.addTrustedKey({ fingerprint: key.fingerprint, userIds: key.userIds, armored: key.armored }),
    }));
  } finally {
    state.close();
  }
}

export function trustList(home: AirlockHome): TrustedKey[] {
  const state = SiteState.open(home.stateDb);
  try {
    return state.trustedKeys().map(({ fingerprint, userIds, addedAt }) => ({ fingerprint, userIds, addedAt }));
  } finally {
    state.close();
  }
}

export function trustRemove(home: AirlockHome, fingerprint: string): boolean {
  const state = SiteState.open(home.stateDb);
  try {
    return state.removeTrustedKey(normalizeFingerprint(fingerprint));
  } finally {
    state.close();
  }
}
