import { AirlockError, isAirlockError, type Progress } from '@airlock/core';
import type { Manifest } from '@airlock/bundle';
import type { ChannelSignerRow, SiteState } from '@airlock/state';
import type { AirlockHome } from '../home.js';
import { bundleKeyring, manifestVerifier } from './keyring.js';
import { loadStoredManifest } from './stored-bundles.js';

export type ChannelBinding = 'bound' | 'first-use';

/**
 * Import side, right after the manifest signature verified and before anything is recorded: a
 * channel belongs to the exporter key that signed its first bundle (or to the keys the operator
 * named), so another trusted key can neither take it over nor burn its sequence. On first use
 * the channel is bound to `signer` now.
 */
export async function bindChannelSigner(home: AirlockHome, state: SiteState, manifest: Manifest, signer: string, progress: Progress): Promise<ChannelBinding> {
  const channel = manifest.channel;
  let signers = state.channelSigners(channel);
  if (signers.length > 0) return refuseUnless(signers, manifest, signer);
  const earlier = await publishedSigner(home, state, channel);
  signers = state.bindChannelOnFirstUse(channel, earlier ?? signer);
  state.logEvent('channel-bound', { channel, fingerprints: signers.map((s) => s.fingerprint), origin: 'first-use' });
  progress.info(`channel ${channel} is now bound to exporter key ${signers.map((s) => s.fingerprint).join(', ')}; only it can sign this channel's bundles (see airlock trust channels)`);
  refuseUnless(signers, manifest, signer);
  return earlier === undefined ? 'first-use' : 'bound';
}

/** The same judgement without side effects, for `airlock verify`. */
export async function checkChannelSigner(home: AirlockHome, state: SiteState, manifest: Manifest, signer: string): Promise<ChannelBinding> {
  const signers = state.channelSigners(manifest.channel);
  if (signers.length > 0) return refuseUnless(signers, manifest, signer);
  const earlier = await publishedSigner(home, state, manifest.channel);
  if (earlier === undefined) return 'first-use';
  return refuseUnless([{ channel: manifest.channel, fingerprint: earlier, origin: 'first-use', boundAt: '' }], manifest, signer);
}

function refuseUnless(signers: ChannelSignerRow[], manifest: Manifest, signer: string): 'bound' {
  if (signers.some((s) => s.fingerprint === signer)) return 'bound';
  const bound = signers.map((s) => s.fingerprint);
  throw new AirlockError(
    'CHANNEL_SIGNER_MISMATCH',
    `${manifest.id} is signed by ${signer}, but channel ${manifest.channel} is bound to ${bound.join(', ')}: one trusted exporter key cannot take over another's channel. ` +
      `If this channel really moved to the new key, rebind it on this site: airlock trust channel ${manifest.channel} --key ${signer}`,
    { details: { channel: manifest.channel, signer, bound } },
  );
}

/**
 * A channel published before sites recorded bindings belongs to the key that signed its last
 * published bundle (the stored manifest names it, and import checked that it is the signer).
 */
async function publishedSigner(home: AirlockHome, state: SiteState, channel: string): Promise<string | undefined> {
  const row = state.publishedBundle(channel);
  if (!row) return undefined;
  try {
    const manifest = await loadStoredManifest(home, row, manifestVerifier(await bundleKeyring(state)));
    return manifest.exporter.fingerprint.toUpperCase();
  } catch (err) {
    throw new AirlockError(
      'STATE_ERROR',
      `channel ${channel} has no recorded signer and its last published manifest cannot be read to find it: bind it explicitly with airlock trust channel ${channel} --key FPR`,
      { cause: err, details: { channel, code: isAirlockError(err) ? err.code : undefined } },
    );
  }
}
