import { readFile } from 'node:fs/promises';
import { AirlockError, asAirlockError, invalid, isDigest, readFileLimited, type Digest, type FieldProblem } from '@airlock/core';
import { bundleId } from '@airlock/bundle';
import { Keyring } from '@airlock/pgp';
import type { ExportState } from '@airlock/state';
import { RECEIPT_FORMAT } from '../site/receipt.js';

const RECEIPT_LIMIT = 512 << 20;

export interface ReceiptInput {
  path: string;
  /** The site's public key (keys/site.asc from the site's publication). */
  siteKey: string;
}

export interface AppliedReceipt {
  sequence: number;
  base: { sequence: number; id: string } | null;
  blobs: number;
}

/**
 * Verifies a site receipt against the site key, then makes the channel's shipped set exactly what
 * the site holds, so the next bundle is incremental on what the site really published. A forged
 * receipt cannot be made without the site key; an optimistic one makes the site refuse the bundle
 * (BLOB_MISSING), never publish a broken tree.
 */
export async function applyReceipt(input: ReceiptInput, channel: string, state: ExportState): Promise<AppliedReceipt> {
  let keyData: Buffer;
  try {
    keyData = await readFile(input.siteKey);
  } catch (err) {
    throw asAirlockError(err, 'KEY_NOT_FOUND', `cannot read the site key ${input.siteKey}`);
  }
  const bytes = await readFileLimited(input.path, RECEIPT_LIMIT, 'the receipt');
  const signature = await readFileLimited(`${input.path}.asc`, 64 << 10, 'the receipt signature').catch((err: unknown) => {
    throw asAirlockError(err, 'SIGNATURE_MISSING', `the receipt ${input.path} has no signature ${input.path}.asc`);
  });
  await (await Keyring.fromKeys([keyData])).verifyDetached(bytes, signature);
  const receipt = parseReceipt(bytes);
  const entry = receipt.channels.find((c) => c.channel === channel);
  const sequence = entry?.sequence ?? 0;
  if (sequence > state.lastSequence(channel)) {
    throw new AirlockError('STATE_ERROR', `the receipt says the site published sequence ${sequence} on ${channel}, but this exporter only made ${state.lastSequence(channel)}; is this the right export home?`);
  }
  state.replaceShippedFromReceipt(channel, sequence, receipt.blobs);
  return { sequence, base: sequence > 0 ? { sequence, id: bundleId(channel, sequence) } : null, blobs: receipt.blobs.length };
}

interface ParsedReceipt {
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
    channels: channels.map((c) => ({ channel: c.channel as string, sequence: c.sequence as number })),
    blobs: blobs.map((b) => ({ digest: b.digest as Digest, size: b.size as number })),
  };
}
