import { AirlockError, isPlainName } from '@airlock/core';
import { normalizeFingerprint } from '@airlock/pgp';
import { SiteState, type ChannelSignerOrigin } from '@airlock/state';
import type { AirlockHome } from '../home.js';

export interface ChannelSigners {
  channel: string;
  /** Empty for a channel imported before bindings were recorded: its next import binds it. */
  signers: Array<{ fingerprint: string; origin: ChannelSignerOrigin; boundAt: string; trusted: boolean }>;
  lastSequence: number | null;
}

/** Every channel the site knows (bound or imported) and the exporter keys allowed to sign it. */
export function trustChannels(home: AirlockHome): ChannelSigners[] {
  const state = SiteState.open(home.stateDb);
  try {
    return listChannels(state);
  } finally {
    state.close();
  }
}

/**
 * Rotation: makes exactly `keys` the channel's signers. Each must be a trusted exporter key, so
 * a channel is never bound to a key whose bundles the site would not verify anyway.
 */
export function trustChannel(home: AirlockHome, channel: string, keys: string[]): ChannelSigners {
  if (!isPlainName(channel)) throw new AirlockError('USAGE', `${JSON.stringify(channel)} is not a channel name (letters, digits, . _ -)`);
  if (keys.length === 0) throw new AirlockError('USAGE', 'name at least one key: airlock trust channel NAME --key FPR [--key FPR ...]');
  const fingerprints = [...new Set(keys.map(normalizeFingerprint))];
  const state = SiteState.open(home.stateDb);
  try {
    const trusted = new Set(state.trustedKeys().map((k) => k.fingerprint));
    const unknown = fingerprints.filter((f) => !trusted.has(f));
    if (unknown.length > 0) {
      throw new AirlockError('TRUST_UNKNOWN_KEY', `${unknown.join(', ')} is not a trusted exporter key: add it first with airlock trust add KEY.asc`, { details: { unknown } });
    }
    const before = state.channelSigners(channel).map((s) => s.fingerprint);
    state.replaceChannelSigners(channel, fingerprints);
    state.logEvent('channel-rebound', { channel, from: before, to: fingerprints });
    return listChannels(state).find((c) => c.channel === channel) as ChannelSigners;
  } finally {
    state.close();
  }
}

function listChannels(state: SiteState): ChannelSigners[] {
  const trusted = new Set(state.trustedKeys().map((k) => k.fingerprint));
  const byChannel = new Map<string, ChannelSigners>();
  const entry = (channel: string): ChannelSigners => {
    let found = byChannel.get(channel);
    if (!found) byChannel.set(channel, (found = { channel, signers: [], lastSequence: state.channel(channel)?.lastSequence ?? null }));
    return found;
  };
  for (const row of state.channelSigners()) {
    entry(row.channel).signers.push({ fingerprint: row.fingerprint, origin: row.origin, boundAt: row.boundAt, trusted: trusted.has(row.fingerprint) });
  }
  for (const channel of state.channels()) entry(channel.name);
  return [...byChannel.values()].sort((a, b) => (a.channel < b.channel ? -1 : 1));
}
