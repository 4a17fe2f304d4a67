import { dirname } from 'node:path';
import type { ErrorCode, Progress } from '@airlock/core';
import { readManifest, verifyVolume } from '@airlock/bundle';
import { SiteState } from '@airlock/state';
import type { AirlockHome } from './home.js';
import { presentVolumes, withReissues } from './import/volume-files.js';
import { runVolumeTask } from './volume-task.js';
import { checkChannelSigner, type ChannelBinding } from './site/channel-signers.js';
import { bundleKeyring, manifestVerifier } from './site/keyring.js';

export interface VerifyReport {
  id: string;
  channel: string;
  sequence: number;
  base: { sequence: number; id: string } | null;
  signer: string;
  /**
   * 'bound': the channel belongs to this signer; 'first-use': the site has not seen the channel,
   * import would bind it to this signer; 'not-checked': verified with --trust files, not the site.
   */
  channelBinding: ChannelBinding | 'not-checked';
  createdAt: string;
  expiresAt: string;
  volumes: Array<{ number: number; name: string; status: 'ok' | 'missing' | 'failed'; code?: ErrorCode; message?: string }>;
  ok: boolean;
  complete: boolean;
}

/**
 * Checks a bundle without side effects: the manifest signature against the trust store (or the
 * --trust files), that its signer may sign the channel (CHANNEL_SIGNER_MISMATCH), then every byte of every volume present against the signed manifest.
 */
export async function verifyBundle(options: { bundle: string; home?: AirlockHome; trustFiles?: string[]; volumes?: string[]; progress: Progress; now?: Date }): Promise<VerifyReport> {
  const state = options.trustFiles?.length || !options.home ? null : SiteState.open(options.home.stateDb);
  let verified;
  let verify;
  let channelBinding: VerifyReport['channelBinding'] = 'not-checked';
  try {
    verify = manifestVerifier(await bundleKeyring(state, options.trustFiles));
    verified = await readManifest(options.bundle, verify, options.now ? { now: options.now } : {});
    if (state && options.home) channelBinding = await checkChannelSigner(options.home, state, verified.manifest, verified.signer);
  } finally {
    state?.close();
  }
  const { manifest } = verified;
  const present = new Map((await withReissues(await presentVolumes(manifest, dirname(verified.path), options.volumes), verified, verify)).map((p) => [p.volume.number, p]));
  const volumes: VerifyReport['volumes'] = [];
  for (const { number, name } of manifest.volumes) {
    const found = present.get(number);
    if (!found) {
      volumes.push({ number, name, status: 'missing' });
      continue;
    }
    if (found.refused) {
      volumes.push({ number, name, status: 'failed', code: found.refused.code, message: found.refused.message });
      continue;
    }
    const { path, volume } = found;
    const failure = await runVolumeTask(options.progress, `verifying ${name}`, volume, (advance) => verifyVolume(path, manifest, volume, advance));
    volumes.push({ number, name, ...(failure ?? { status: 'ok' }) });
  }
  return {
    id: manifest.id,
    channel: manifest.channel,
    sequence: manifest.sequence,
    base: manifest.base,
    signer: verified.signer,
    channelBinding,
    createdAt: manifest.createdAt,
    expiresAt: manifest.expiresAt,
    volumes,
    ok: volumes.every((v) => v.status !== 'failed'),
    complete: volumes.every((v) => v.status === 'ok'),
  };
}
