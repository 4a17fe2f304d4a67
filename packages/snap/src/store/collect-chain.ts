import { sha3HexToBase64Url } from '../assertions/base64.js';
import type { TrustedRoots } from '../assertions/chain.js';
import type { Assertion } from '../assertions/model.js';
import type { AssertionFetcher } from './fetch-assertions.js';

/** Deep enough for root → store → delegated keys; a longer chain is refused by the verifier anyway. */
const MAX_KEY_DEPTH = 8;

/**
 * Fetches what a snap's revision rests on, as snapd's fetcher follows prerequisites: the
 * snap-revision, its snap-declaration, the developer and publisher accounts, and every signing
 * account-key up to a trusted root (with its account). Nothing is trusted yet: the chain verifies later.
 */
export async function collectChain(sha3Hex: string, snapId: string, roots: TrustedRoots, fetcher: AssertionFetcher): Promise<Assertion[]> {
  const rootKeys = new Set(roots.keys.map((k) => k.publicKey.id));
  const rootAccounts = new Set(roots.accounts.map((a) => a.accountId));
  const found = new Map<string, Assertion>();
  const add = async (ref: string, depth = 0): Promise<void> => {
    if (found.has(ref) || depth > MAX_KEY_DEPTH) return;
    const a = await fetcher.get(ref);
    found.set(ref, a);
    if (!rootKeys.has(a.signKeyId)) await add(`account-key/${a.signKeyId}`, depth + 1);
    const accounts = a.type === 'account-key' ? [a.accountId] : a.type === 'snap-declaration' ? [a.publisherId] : a.type === 'snap-revision' ? [a.developerId] : [];
    for (const id of accounts) if (!rootAccounts.has(id)) await add(`account/${id}`, depth);
  };
  await add(`snap-revision/${sha3HexToBase64Url(sha3Hex)}`);
  await add(`snap-declaration/16/${snapId}`);
  return [...found.values()];
}
