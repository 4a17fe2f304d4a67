import { AirlockError } from '@airlock/core';
import type { Account, AccountKey, Assertion, SnapDeclaration, SnapRevision } from './model.js';
import { signatureVerifies } from './openpgp.js';
import { formatTime } from './time.js';

/** What a verifier starts from: root account-keys and the accounts they belong to, trusted as they are. */
export interface TrustedRoots {
  keys: AccountKey[];
  accounts: Account[];
}

/**
 * A set of assertions verified against trusted roots with snapd's checks (asserts/database.go):
 * the signing key is a root or a carried account-key that itself verifies, its account is the
 * assertion's authority, it is valid now and was valid at the assertion's timestamp, the signature
 * holds, the authority is a trusted account, and the prerequisites exist and verify. Keys the
 * carried assertions bring count only once they chain to a root.
 */
export class AssertionChain {
  private readonly byRef = new Map<string, Assertion>();
  private readonly verified = new Set<string>();
  private readonly rootKeys: Map<string, AccountKey>;
  private readonly trustedAccounts: Map<string, Account>;

  constructor(
    roots: TrustedRoots,
    assertions: Assertion[],
    private readonly now: bigint,
  ) {
    this.rootKeys = new Map(roots.keys.map((k) => [k.publicKey.id, k]));
    this.trustedAccounts = new Map(roots.accounts.map((a) => [a.accountId, a]));
    for (const a of assertions) this.add(a);
  }

  /** Keeps the highest revision per primary key, as snapd's database does. */
  add(a: Assertion): void {
    const known = this.byRef.get(a.ref);
    if (known && known.revision > a.revision) return;
    if (known && known.revision === a.revision && known.raw.text !== a.raw.text) {
      throw new AirlockError('UPSTREAM_INVALID', `two different ${a.label} assertions carry the same revision ${a.revision}`);
    }
    this.byRef.set(a.ref, a);
  }

  find(ref: string): Assertion | undefined {
    return this.byRef.get(ref);
  }

  isTrusted(a: Assertion): boolean {
    return (a.type === 'account-key' && this.rootKeys.get(a.publicKey.id)?.raw.text === a.raw.text) || (a.type === 'account' && this.trustedAccounts.get(a.accountId)?.raw.text === a.raw.text);
  }

  /** Verifies `a` and everything it depends on; throws a coded error naming the assertion and key. */
  verify(a: Assertion): void {
    if (this.verified.has(a.raw.text) || this.isTrusted(a)) return;
    this.verifySignature(a);
    this.checkPrerequisites(a);
    this.verified.add(a.raw.text);
  }

  /** The checks on `a` itself and its signing key chain, without its other prerequisites. */
  verifySignature(a: Assertion): void {
    const key = this.signingKey(a);
    if (key.accountId !== a.authorityId) {
      throw new AirlockError('SIGNER_UNTRUSTED', `${a.label} names authority ${a.authorityId} but is signed by a key of ${key.accountId} (${a.signKeyId})`, { details: this.facts(a) });
    }
    if (this.now < key.since || (key.until !== undefined && this.now >= key.until)) {
      throw new AirlockError('UPSTREAM_KEY_EXPIRED', `${a.label} is signed with key ${a.signKeyId}, which is valid ${window(key)}, not now (${formatTime(this.now)})`, { details: this.facts(a) });
    }
    if (!signatureVerifies(a.raw.content, a.signature, key.publicKey)) {
      throw new AirlockError('SIGNATURE_INVALID', `${a.label}: the signature by key ${a.signKeyId} (${key.accountId}) does not verify; the assertion was altered`, { details: this.facts(a) });
    }
    if ('timestamp' in a && (a.timestamp < key.since || (key.until !== undefined && a.timestamp >= key.until))) {
      throw new AirlockError('UPSTREAM_KEY_EXPIRED', `${a.label} is dated ${formatTime(a.timestamp)}, outside the validity of its signing key ${a.signKeyId} (${window(key)})`, { details: this.facts(a) });
    }
    if (!this.trustedAccounts.has(a.authorityId)) {
      throw new AirlockError('SIGNER_UNTRUSTED', `${a.label} is issued by ${a.authorityId}, which is not a trusted root account (trusted: ${[...this.trustedAccounts.keys()].join(', ')}); add its root with airlock trust add`, { details: this.facts(a) });
    }
  }

  private signingKey(a: Assertion): AccountKey {
    const root = this.rootKeys.get(a.signKeyId);
    if (root) return root;
    const carried = this.byRef.get(`account-key/${a.signKeyId}`);
    if (!carried || carried.type !== 'account-key') {
      throw new AirlockError('SIGNER_UNTRUSTED', `${a.label} is signed by key ${a.signKeyId}, which is neither a trusted root nor a carried account-key`, { details: this.facts(a) });
    }
    if (carried === a) throw new AirlockError('SIGNER_UNTRUSTED', `${a.label} signs itself but is not a trusted root; add it with airlock trust add if it is one`, { details: this.facts(a) });
    this.verify(carried);
    return carried;
  }

  private checkPrerequisites(a: Assertion): void {
    switch (a.type) {
      case 'account-key':
        this.account(a.accountId, a.label);
        for (const other of this.byRef.values()) {
          if (other.type === 'account-key' && other !== a && other.accountId === a.accountId && other.name === a.name && a.name !== '') {
            throw new AirlockError('UPSTREAM_INVALID', `${a.label} and ${other.label} have the same account and name`);
          }
        }
        return;
      case 'snap-declaration':
        this.account(a.publisherId, a.label);
        return;
      case 'snap-revision':
        if (a.provenance !== 'global-upload') {
          throw new AirlockError('UPSTREAM_INVALID', `${a.label} has provenance ${a.provenance}; only store-uploaded snaps (global-upload) are supported`);
        }
        this.account(a.developerId, a.label);
        this.declaration(a.snapId, a.label);
        return;
      case 'account':
        return;
    }
  }

  account(id: string, forWhat: string): Account {
    const found = this.trustedAccounts.get(id) ?? this.byRef.get(`account/${id}`);
    if (!found || found.type !== 'account') throw missing(`account ${id}`, forWhat);
    this.verify(found);
    return found;
  }

  declaration(snapId: string, forWhat: string): SnapDeclaration {
    const found = this.byRef.get(`snap-declaration/16/${snapId}`);
    if (!found || found.type !== 'snap-declaration') throw missing(`snap-declaration 16/${snapId}`, forWhat);
    this.verify(found);
    return found;
  }

  revision(sha3: string, forWhat: string): SnapRevision {
    const found = this.byRef.get(`snap-revision/${sha3}`);
    if (!found || found.type !== 'snap-revision') throw missing(`snap-revision ${sha3}`, forWhat);
    this.verify(found);
    return found;
  }

  /** The account-keys, accounts and declaration a revision rests on, in `snap download` order, without trusted ones. */
  chainOf(revision: SnapRevision): Assertion[] {
    const declaration = this.declaration(revision.snapId, revision.label);
    const out: Assertion[] = [];
    const push = (a: Assertion | undefined): void => {
      if (a && !this.isTrusted(a) && !out.includes(a)) out.push(a);
    };
    const keysOf = (a: Assertion): void => {
      const key = this.byRef.get(`account-key/${a.signKeyId}`);
      if (key && key !== a) {
        keysOf(key);
        push(key);
      }
    };
    for (const a of [declaration, revision, this.account(declaration.publisherId, declaration.label), this.account(revision.developerId, revision.label)]) keysOf(a);
    push(this.account(declaration.publisherId, declaration.label));
    push(declaration);
    push(this.account(revision.developerId, revision.label));
    push(revision);
    return out;
  }

  private facts(a: Assertion): Record<string, unknown> {
    return { assertion: a.ref, signKey: a.signKeyId, authority: a.authorityId };
  }
}

function window(key: AccountKey): string {
  return `from ${formatTime(key.since)}${key.until === undefined ? '' : ` until ${formatTime(key.until)}`}`;
}

function missing(what: string, forWhat: string): AirlockError {
  return new AirlockError('UPSTREAM_INVALID', `${forWhat} needs ${what}, which was not carried`, { details: { missing: what } });
}
