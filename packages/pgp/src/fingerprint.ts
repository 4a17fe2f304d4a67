import { AirlockError } from '@airlock/core';

const FINGERPRINT = /^[0-9A-F]{40}$/;

/** Accepts `0x`-prefixed, spaced or lowercase input; returns 40 uppercase hex characters (USAGE otherwise). */
export function normalizeFingerprint(input: string): string {
  const compact = input.replace(/\s+/g, '').replace(/^0x/i, '').toUpperCase();
  if (!FINGERPRINT.test(compact)) {
    throw new AirlockError('USAGE', `${JSON.stringify(input.slice(0, 100))} is not an OpenPGP fingerprint: give the 40 hex characters gpg prints (spaces allowed)`);
  }
  return compact;
}

export function hexFingerprint(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}
