import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AirlockError, asAirlockError, isAirlockError, readFileLimited, sha256Hex } from '@airlock/core';
import type { Manifest } from './manifest-types.js';
import { MANIFEST_SUFFIX, SIGNATURE_SUFFIX, manifestFileName } from './names.js';
import { validateManifest } from './validate-manifest.js';

export const MAX_MANIFEST_BYTES = 64 << 20;
export const MAX_SIGNATURE_BYTES = 1 << 20;

export interface VerifiedManifest {
  manifest: Manifest;
  /** The exact bytes that were verified: store these, never read the file again. */
  bytes: Buffer;
  /** The detached signature that verified them. */
  signature: Buffer;
  /** Hex sha256 of the manifest bytes as signed. */
  sha256: string;
  /** Fingerprint of the key that made the signature. */
  signer: string;
  path: string;
}

export type VerifyDetached = (data: Buffer, sig: Buffer) => Promise<{ fingerprint: string }>;

/** The path of the single `*.manifest.json` in a bundle dir. */
export async function findManifest(dir: string): Promise<string> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw asAirlockError(err, 'SOURCE_NOT_FOUND', `cannot read bundle directory ${dir}`);
  }
  const manifests = names.filter((n) => n.endsWith(MANIFEST_SUFFIX)).sort();
  const [only, ...more] = manifests;
  if (only === undefined) throw new AirlockError('SOURCE_NOT_FOUND', `${dir} holds no *${MANIFEST_SUFFIX}; point airlock at a bundle directory`);
  if (more.length > 0) throw new AirlockError('USAGE', `${dir} holds several bundles (${manifests.join(', ')}); pass the path of one manifest`);
  return join(dir, only);
}

/**
 * Reads a manifest and its detached signature (both attacker-controlled until verified). Nothing
 * in the manifest is parsed before `verify` accepted the signature over the exact bytes; then the
 * document is validated, the signer must be the exporter it names, and it must not have expired.
 */
export async function readManifest(dirOrPath: string, verify: VerifyDetached, o: { now?: Date } = {}): Promise<VerifiedManifest> {
  const path = await manifestPath(dirOrPath);
  const name = basename(path);
  const bytes = await readFileLimited(path, MAX_MANIFEST_BYTES, name);
  const signature = await readSignature(`${path}${SIGNATURE_SUFFIX}`, name);
  const { manifest, signer } = await verifyManifestBytes({ bytes, signature, name }, verify, { now: o.now ?? new Date() });
  return { manifest, bytes, signature, sha256: sha256Hex(bytes), signer, path };
}

/**
 * The checks of readManifest on bytes already in hand (a manifest the site stored): signature
 * over the exact bytes first, then validation, file name, signer = exporter, and (unless `now`
 * is null, for a manifest that was valid when it was imported) expiry.
 */
export async function verifyManifestBytes(
  input: { bytes: Buffer; signature: Buffer; name: string },
  verify: VerifyDetached,
  o: { now: Date | null },
): Promise<{ manifest: Manifest; signer: string }> {
  const { bytes, signature, name } = input;
  let signer: string;
  try {
    signer = (await verify(bytes, signature)).fingerprint.toUpperCase();
  } catch (err) {
    throw asAirlockError(err, 'SIGNATURE_INVALID', `the signature of ${name} does not verify`);
  }
  const manifest = validateManifest(parseJson(bytes, name));
  if (name !== manifestFileName(manifest.id)) {
    throw new AirlockError('MANIFEST_INVALID', `${name} holds the manifest of bundle ${manifest.id}; the file was renamed, use ${manifestFileName(manifest.id)}`);
  }
  if (signer !== manifest.exporter.fingerprint) {
    throw new AirlockError('SIGNATURE_INVALID', `${name} is signed by ${signer} but names exporter ${manifest.exporter.fingerprint}; refusing it`, {
      details: { signer, exporter: manifest.exporter.fingerprint },
    });
  }
  if (o.now !== null && Date.parse(manifest.expiresAt) < o.now.getTime()) {
    throw new AirlockError('BUNDLE_EXPIRED', `bundle ${manifest.id} expired at ${manifest.expiresAt}; export a fresh bundle`, { details: { expiresAt: manifest.expiresAt } });
  }
  return { manifest, signer };
}

async function manifestPath(dirOrPath: string): Promise<string> {
  let info;
  try {
    info = await stat(dirOrPath);
  } catch (err) {
    throw asAirlockError(err, 'SOURCE_NOT_FOUND', `cannot read ${dirOrPath}`);
  }
  return info.isDirectory() ? findManifest(dirOrPath) : dirOrPath;
}

async function readSignature(path: string, manifestName: string): Promise<Buffer> {
  let signature: Buffer;
  try {
    signature = await readFileLimited(path, MAX_SIGNATURE_BYTES, basename(path));
  } catch (err) {
    if (isAirlockError(err, 'SOURCE_NOT_FOUND')) throw new AirlockError('SIGNATURE_MISSING', `${manifestName} has no signature file ${basename(path)}; the bundle is incomplete or unsigned`, { cause: err });
    throw new AirlockError('SIGNATURE_INVALID', `cannot use ${basename(path)}: ${(err as Error).message}`, { cause: err });
  }
  if (signature.length === 0) throw new AirlockError('SIGNATURE_MISSING', `${basename(path)} is empty`);
  return signature;
}

function parseJson(bytes: Buffer, name: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw asAirlockError(err, 'MANIFEST_INVALID', `${name} is not valid JSON`);
  }
}
