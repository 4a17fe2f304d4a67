import { readFile } from 'node:fs/promises';
import { AirlockError, asAirlockError, invalid, isDigest, readFileLimited, type Digest, type FieldProblem } from '@airlock/core';
import { bundleId } from '@airlock/bundle';
import { Keyring, mergeKeyUpdate, readPublicKeys, type PublicKeyInfo } from '@airlock/pgp';
import type { ExportState } from '@airlock/state';
import { RECEIPT_FORMAT } from '../site/receipt.js';

const RECEIPT_LIMIT = 512 << 20;

export interface ReceiptInput {
  path: string;
  /**
   * The site's public key (keys/site.asc from the site's publication). Needed for a channel's
   * first receipt, which pins it; later receipts are checked against the pin.
   */
  siteKey?: string;
  /** The operator says the site really has a new key: re-pin to `siteKey`. */
  acceptNewSiteKey?: boolean;
}

export interface AppliedReceipt {
  sequence: number;
  base: { sequence: number; id: string } | null;
  blobs: number;
  /** The site key the receipt verified with, and whether this receipt pinned it. */
  siteKey: { fingerprint: string; pinned: 'now' | 'before' };
}

/** A receipt that verified, before anything of it is written to the export state. */
export interface VerifiedReceipt extends AppliedReceipt {
  /** Every blob the site holds. */
  held: Array<{ digest: Digest; size: number }>;
  key: PublicKeyInfo;
  pin: 'now' | 'before' | 'updated';
}

/**
 * Verifies a site receipt against the channel's pinned site key (pinned on first use from
 * --site-key; a different key is refused with SITE_KEY_MISMATCH unless the operator accepts it),
 * then makes the channel's shipped set exactly what the site holds, so the next bundle is
 * incremental on what the site really published. A forged receipt cannot be made without the
 * site key; an optimistic one makes the site refuse the bundle (BLOB_MISSING), never publish a
 * broken tree.
 */
export async function applyReceipt(input: ReceiptInput, channel: string, state: ExportState): Promise<AppliedReceipt> {
  // Self-signed updates to the pinned key (a revocation) are kept even if this receipt fails.
  const pinKey = (key: PublicKeyInfo): void => state.pinSiteKey(channel, { fingerprint: key.fingerprint, armored: key.armored });
  const verified = await verifyReceipt(input, channel, state, pinKey);
  const { key, pin, held, ...applied } = verified;
  if (pin === 'now') pinKey(key);
  state.replaceShippedFromReceipt(channel, verified.sequence, held);
  return applied;
}

/**
 * All the checks of applyReceipt, writing nothing: what `airlock plan --receipt` uses to show
 * what an export against the receipt would ship.
 */
export async function verifyReceipt(input: ReceiptInput, channel: string, state: ExportState, onKeyUpdate?: (key: PublicKeyInfo) => void): Promise<VerifiedReceipt> {
  const { key, pinned } = await receiptKey(input, channel, state);
  if (pinned === 'updated') onKeyUpdate?.(key);
  const bytes = await readFileLimited(input.path, RECEIPT_LIMIT, 'the receipt');
  const signature = await readFileLimited(`${input.path}.asc`, 64 << 10, 'the receipt signature').catch((err: unknown) => {
    throw asAirlockError(err, 'SIGNATURE_MISSING', `the receipt ${input.path} has no signature ${input.path}.asc`);
  });
  const check = await (await Keyring.fromKeys([key.binary])).verifyDetached(bytes, signature);
  const receipt = parseReceipt(bytes);
  if (receipt.site !== check.fingerprint) {
    throw new AirlockError('SITE_KEY_MISMATCH', `the receipt names site key ${receipt.site} but is signed by ${check.fingerprint}; it was altered or assembled from two sites: make a fresh receipt on the site (airlock receipt)`, {
      details: { named: receipt.site, signer: check.fingerprint },
    });
  }
  const entry = receipt.channels.find((c) => c.channel === channel);
  const sequence = entry?.sequence ?? 0;
  if (sequence > state.lastSequence(channel)) {
    throw new AirlockError('STATE_ERROR', `the receipt says the site published sequence ${sequence} on ${channel}, but this exporter only made ${state.lastSequence(channel)}; is this the right export home?`);
  }
  return {
    sequence,
    base: sequence > 0 ? { sequence, id: bundleId(channel, sequence) } : null,
    blobs: receipt.blobs.length,
    siteKey: { fingerprint: key.fingerprint, pinned: pinned === 'now' ? 'now' : 'before' },
    held: receipt.blobs,
    key,
    pin: pinned,
  };
}

/**
 * The key this channel's receipts must be signed by. The pin is written only after the receipt
 * verified with it (by the caller), so a wrong --site-key on the first receipt pins nothing.
 */
async function receiptKey(input: ReceiptInput, channel: string, state: ExportState): Promise<{ key: PublicKeyInfo; pinned: 'now' | 'before' | 'updated' }> {
  const pin = state.pinnedSiteKey(channel);
  const given = input.siteKey === undefined ? undefined : await readSiteKey(input.siteKey);
  if (!pin) {
    if (!given) throw new AirlockError('USAGE', `channel ${channel} has no pinned site key yet: give the site's public key with --site-key (keys/site.asc of its publication)`);
    return { key: given, pinned: 'now' };
  }
  const [pinnedKey] = await readPublicKeys(pin.armored);
  if (!pinnedKey) throw new AirlockError('STATE_ERROR', `the pinned site key of channel ${channel} cannot be read`);
  if (!given) return { key: pinnedKey, pinned: 'before' };
  if (given.fingerprint === pin.fingerprint) {
    const merged = await mergeKeyUpdate(pin.armored, given.binary);
    return { key: merged, pinned: Buffer.from(merged.binary).equals(Buffer.from(pinnedKey.binary)) ? 'before' : 'updated' };
  }
  if (input.acceptNewSiteKey) return { key: given, pinned: 'now' };
  throw new AirlockError(
    'SITE_KEY_MISMATCH',
    `--site-key is ${given.fingerprint}, but channel ${channel} pinned site key ${pin.fingerprint} on ${pin.pinnedAt}: receipts are accepted only from that site. ` +
      'If the site really has a new key (check its fingerprint with the site operator), run the export again with --accept-new-site-key',
    { details: { channel, pinned: pin.fingerprint, given: given.fingerprint } },
  );
}

async function readSiteKey(path: string): Promise<PublicKeyInfo> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (err) {
    throw asAirlockError(err, 'KEY_NOT_FOUND', `cannot read the site key ${path}`);
  }
  const keys = await readPublicKeys(data);
  if (keys.length !== 1) throw new AirlockError('KEY_INVALID', `${path} holds ${keys.length} keys; give the site's one public key (keys/site.asc)`);
  return keys[0] as PublicKeyInfo;
}

interface ParsedReceipt {
  site: string;
  channels: Array<{ channel: string; sequence: number }>;
  blobs: Array<{ digest: Digest; size: number }>;
}

function parseReceipt(bytes: Buffer): ParsedReceipt {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw asAirlockError(err, 'MANIFEST_INVALID', 'the receipt is not JSON');
  }
  const problems: FieldProblem[] = [];
  const r = raw as Partial<Record<string, unknown>>;
  if (r?.format !== RECEIPT_FORMAT || r.version !== 1) problems.push({ path: 'format', message: `must be ${RECEIPT_FORMAT} version 1` });
  const site = (r?.site as { fingerprint?: unknown } | undefined)?.fingerprint;
  if (typeof site !== 'string' || !/^[0-9A-F]{40}$/.test(site)) problems.push({ path: 'site.fingerprint', message: 'must be the site key fingerprint (40 hex)' });
  const channels = Array.isArray(r?.channels) ? (r.channels as Array<Record<string, unknown>>) : [];
  const blobs = Array.isArray(r?.blobs) ? (r.blobs as Array<Record<string, unknown>>) : [];
  if (!Array.isArray(r?.channels)) problems.push({ path: 'channels', message: 'must be a list' });
  if (!Array.isArray(r?.blobs)) problems.push({ path: 'blobs', message: 'must be a list' });
  channels.forEach((c, i) => {
    if (typeof c?.channel !== 'string' || !Number.isSafeInteger(c.sequence)) problems.push({ path: `channels[${i}]`, message: 'needs channel and sequence' });
  });
  blobs.forEach((b, i) => {
    if (!isDigest(b?.digest) || !Number.isSafeInteger(b.size) || (b.size as number) < 0) problems.push({ path: `blobs[${i}]`, message: 'needs a sha256 digest and a size' });
  });
  if (problems.length > 0) throw invalid('MANIFEST_INVALID', 'the receipt', problems.slice(0, 20));
  return {
    site: site as string,
    channels: channels.map((c) => ({ channel: c.channel as string, sequence: c.sequence as number })),
    blobs: blobs.map((b) => ({ digest: b.digest as Digest, size: b.size as number })),
  };
}
