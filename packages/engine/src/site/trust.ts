import { readFile } from 'node:fs/promises';
import { AirlockError, asAirlockError, isPlainName, type TrustAnchor } from '@airlock/core';
import { keyValidity, mergeKeyUpdate, normalizeFingerprint, readPublicKeys, type KeyValidity, type PublicKeyInfo } from '@airlock/pgp';
import { SiteState } from '@airlock/state';
import type { AirlockHome } from '../home.js';
import type { DriverRegistry } from '../registry.js';

export interface TrustedKey {
  fingerprint: string;
  userIds: string[];
  /** Whether the key can sign now: a revoked or expired key's signatures are refused. */
  validity?: KeyValidity['state'];
  expires?: string | null;
  addedAt?: string;
  /** 'updated': the key was trusted already and the file brought new self-signed material (a new expiry, a revocation). */
  status?: 'added' | 'present' | 'updated';
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
  /** Channels the keys were bound to (`--channel`). */
  channels?: string[];
}

/**
 * Adds what FILE holds to the site's trust store: a driver's trust anchors (e.g. snap store roots)
 * when one of the registered drivers recognises the content, otherwise OpenPGP exporter keys
 * (armored or binary). A key that is trusted already gets the file's self-signed updates merged,
 * so a revocation or a new expiry takes effect. `channels` also allows the keys to sign those
 * channels (a channel with no signer yet is bound to them rather than to its first bundle's).
 */
export async function trustAdd(home: AirlockHome, file: string, registry?: DriverRegistry, options: { channels?: string[] } = {}): Promise<TrustAddResult> {
  const channels = options.channels ?? [];
  const badChannel = channels.find((c) => !isPlainName(c));
  if (badChannel !== undefined) throw new AirlockError('USAGE', `--channel ${JSON.stringify(badChannel)} is not a channel name (letters, digits, . _ -)`);
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (err) {
    throw asAirlockError(err, 'KEY_NOT_FOUND', `cannot read ${file}`);
  }
  const anchors = recogniseAnchors(data, registry);
  if (anchors && channels.length > 0) throw new AirlockError('USAGE', `${file} holds trust anchors, not exporter keys: --channel binds exporter keys only`);
  const offered = anchors ? [] : await readPublicKeys(data);
  const state = SiteState.open(home.stateDb);
  try {
    const keys: TrustedKey[] = [];
    for (const key of offered) keys.push(await addOrMerge(state, key));
    for (const channel of channels) state.addChannelSigners(channel, keys.map((k) => k.fingerprint));
    if (keys.length > 0) state.logEvent('trust-add', { keys: keys.map((k) => ({ fingerprint: k.fingerprint, status: k.status })), channels });
    return {
      keys,
      anchors: (anchors ?? []).map((a) => ({ kind: a.kind, id: a.id, description: a.description, status: state.addTrustAnchor(a) })),
      ...(channels.length > 0 ? { channels } : {}),
    };
  } finally {
    state.close();
  }
}

async function addOrMerge(state: SiteState, key: PublicKeyInfo): Promise<TrustedKey> {
  const known = state.trustedKeys().find((k) => k.fingerprint === key.fingerprint);
  let stored = key;
  let status: TrustedKey['status'] = 'added';
  if (!known) state.addTrustedKey({ fingerprint: key.fingerprint, userIds: key.userIds, armored: key.armored });
  else {
    const [current] = await readPublicKeys(known.armored);
    stored = await mergeKeyUpdate(known.armored, key.binary);
    status = current && Buffer.from(current.binary).equals(Buffer.from(stored.binary)) ? 'present' : 'updated';
    if (status === 'updated') state.replaceTrustedKeyMaterial(key.fingerprint, stored.armored, stored.userIds);
  }
  return { fingerprint: key.fingerprint, userIds: stored.userIds, ...(await validityOf(stored.binary)), status };
}

async function validityOf(data: string | Uint8Array): Promise<Pick<TrustedKey, 'validity' | 'expires'>> {
  const [validity] = await keyValidity(data);
  return { validity: validity?.state ?? 'unusable', expires: validity?.expires ? validity.expires.toISOString() : null };
}

function recogniseAnchors(data: Buffer, registry: DriverRegistry | undefined): TrustAnchor[] | null {
  for (const type of registry?.types ?? []) {
    const found = registry?.get(type).trustAnchors?.read(data);
    if (found) return found;
  }
  return null;
}

export async function trustList(home: AirlockHome): Promise<TrustAddResult> {
  const state = SiteState.open(home.stateDb);
  try {
    const keys: TrustedKey[] = [];
    for (const { fingerprint, userIds, addedAt, armored } of state.trustedKeys()) keys.push({ fingerprint, userIds, ...(await validityOf(armored)), addedAt });
    return { keys, anchors: state.trustAnchors().map(({ kind, id, description, addedAt }) => ({ kind, id, description, addedAt })) };
  } finally {
    state.close();
  }
}

/**
 * Removes the exporter key with this fingerprint, or the trust anchor with this id. Channel
 * bindings naming a removed key stay: its channels accept no other key until rebound.
 */
export function trustRemove(home: AirlockHome, idOrFingerprint: string): boolean {
  const state = SiteState.open(home.stateDb);
  try {
    if (state.removeTrustAnchor(idOrFingerprint)) return true;
    return /^[0-9a-fA-F\s]+$/.test(idOrFingerprint) && state.removeTrustedKey(normalizeFingerprint(idOrFingerprint));
  } finally {
    state.close();
  }
}
