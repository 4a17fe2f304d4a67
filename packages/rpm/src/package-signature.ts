import { open } from 'node:fs/promises';
import { AirlockError, isAirlockError } from '@airlock/core';
import type { Keyring } from '@airlock/pgp';
import { readRpmHeaders } from './rpm-header.js';
import { SIGTAG } from './rpm-tags.js';

/**
 * What `rpm --checksig` and dnf's gpgcheck=1 check: the OpenPGP signature in the signature header
 * (RSAHEADER or DSAHEADER) over the main header, made by a key in `keyring`. The main header
 * holds every file's digest and the payload digest, so it vouches for the whole package once the
 * package's own digest is checked (the vault does that). Returns the signer's fingerprint.
 */
export async function verifyPackageSignature(path: string, keyring: Keyring, label: string): Promise<string> {
  const headers = await readRpmHeaders(path);
  const signature = headers.signature.binary(SIGTAG.RSAHEADER) ?? headers.signature.binary(SIGTAG.DSAHEADER);
  if (!signature) {
    throw new AirlockError('UPSTREAM_UNSIGNED', `${label} carries no header signature, but gpgcheck is on: the vendor did not sign it (rpm --checksig says the same)`, { details: { package: label } });
  }
  const header = await readRange(path, headers.headerStart, headers.headerEnd - headers.headerStart);
  try {
    return (await keyring.verifyDetached(header, signature)).fingerprint;
  } catch (err) {
    if (!isAirlockError(err)) throw err;
    throw new AirlockError(err.code, `${label}: its package signature is not good: ${err.message}`, { cause: err, details: { ...err.details, package: label } });
  }
}

async function readRange(path: string, position: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, position);
    if (bytesRead !== length) throw new AirlockError('UPSTREAM_INVALID', `${path} ends inside its main header`);
    return buffer;
  } finally {
    await handle.close();
  }
}
