import { AirlockError, type TrustAnchor, type TrustAnchorKind } from '@airlock/core';
import { CANONICAL_ACCOUNT, CANONICAL_ROOT_ACCOUNT_KEY } from './builtin-roots.js';
import type { TrustedRoots } from './chain.js';
import { encodeStream, splitAssertions } from './decode.js';
import { readAssertion, typedAssertion, type Account, type AccountKey } from './model.js';
import { signatureVerifies } from './openpgp.js';

export const SNAP_ROOT_KIND = 'snap-root';

/** The roots a stock snapd trusts: Canonical's root account-key and the canonical account. */
export function builtinRoots(): TrustedRoots {
  return {
    keys: [readAssertion(CANONICAL_ROOT_ACCOUNT_KEY, 'built-in Canonical root account-key') as AccountKey],
    accounts: [readAssertion(CANONICAL_ACCOUNT, 'built-in canonical account') as Account],
  };
}

/**
 * Reads a root file (account-key and account assertions). Each account-key must sign itself and
 * each account must be signed by one of the file's keys of the same account, so a truncated or
 * altered file is refused rather than trusted.
 */
export function readRootFile(data: Buffer, what: string): TrustedRoots {
  const all = splitAssertions(data, what).map((raw, i) => typedAssertion(raw, `${what} #${i + 1}`));
  const keys = all.filter((a): a is AccountKey => a.type === 'account-key');
  const accounts = all.filter((a): a is Account => a.type === 'account');
  if (keys.length === 0) throw new AirlockError('UPSTREAM_INVALID', `${what} holds no account-key assertion; a snap root file holds the root's account-key and account assertions`);
  if (keys.length + accounts.length !== all.length) throw new AirlockError('UPSTREAM_INVALID', `${what} may hold only account-key and account assertions`);
  for (const key of keys) {
    if (key.signKeyId !== key.publicKey.id || key.authorityId !== key.accountId) {
      throw new AirlockError('UPSTREAM_UNSIGNED', `${what}: ${key.label} is signed by ${key.signKeyId}, not by itself; a root account-key signs itself`);
    }
    if (!signatureVerifies(key.raw.content, key.signature, key.publicKey)) throw new AirlockError('SIGNATURE_INVALID', `${what}: the self-signature of ${key.label} does not verify`);
  }
  for (const account of accounts) {
    const key = keys.find((k) => k.publicKey.id === account.signKeyId);
    if (!key || key.accountId !== account.authorityId || !signatureVerifies(account.raw.content, account.signature, key.publicKey)) {
      throw new AirlockError('SIGNATURE_INVALID', `${what}: ${account.label} is not signed by a root key in the same file`);
    }
  }
  return { keys, accounts };
}

/** `airlock trust add root.assert`: a file of assertions is a snap root; anything else (an OpenPGP key) is not. */
export const snapRootAnchors: TrustAnchorKind = {
  kind: SNAP_ROOT_KIND,
  read(data: Buffer): TrustAnchor[] | null {
    if (!/^\s*type: account(-key)?\n/.test(data.subarray(0, 64).toString('latin1'))) return null;
    const roots = readRootFile(data, 'snap root file');
    return roots.keys.map((key) => {
      const accounts = roots.accounts.filter((a) => a.accountId === key.accountId);
      return {
        kind: SNAP_ROOT_KIND,
        id: key.publicKey.id,
        description: `snap store root ${key.name || '(unnamed)'} of account ${key.accountId}${accounts[0] ? ` (${accounts[0].displayName})` : ''}, ${key.publicKey.bits}-bit RSA`,
        data: encodeStream([key.raw.text, ...accounts.map((a) => a.raw.text)]),
      };
    });
  },
};

/** The site's roots: the built-in Canonical root plus every snap-root anchor the operator added. */
export function siteRoots(anchors: TrustAnchor[]): TrustedRoots {
  const roots = builtinRoots();
  for (const anchor of anchors) {
    const added = readRootFile(Buffer.from(anchor.data, 'utf8'), `trusted snap root ${anchor.id}`);
    roots.keys.push(...added.keys);
    roots.accounts.push(...added.accounts);
  }
  return roots;
}
