import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isAirlockError } from '@airlock/core';
import { expectCodeSync } from '@airlock/test-utils';
import { TestAuthority } from '../../../../fixtures/snap/authority.js';
import { generateTestKey, signAssertion } from '../../../../fixtures/snap/signer.js';
import { AssertionChain } from './chain.js';
import { splitAssertions } from './decode.js';
import { readAssertion, typedAssertion, type Assertion } from './model.js';
import { builtinRoots, readRootFile } from './roots.js';
import { crossCheckSnap } from './snap-check.js';
import { timeFromDate } from './time.js';

const VECTORS = readFileSync(new URL('../../test-data/canonical-vectors.assert', import.meta.url));
const NOW = timeFromDate(new Date());
const vectors = (): Assertion[] => splitAssertions(VECTORS, 'vectors').map((raw, i) => typedAssertion(raw, `vector ${i}`));

describe('assertion verifier on real Canonical assertions', () => {
  it('reads the built-in root: Canonical RSA-8192 key -CvQK… and the canonical account', () => {
    const roots = builtinRoots();
    expect(roots.keys[0]?.publicKey.id).toBe('-CvQKAwRQ5h3Ffn10FILJoEZUXOv6km9FwA80-Rcj-f-6jadQ89VRswHNiEB9Lxk');
    expect(roots.keys[0]?.publicKey.bits).toBe(8192);
    expect(roots.accounts[0]?.accountId).toBe('canonical');
    expect(readRootFile(Buffer.from(roots.keys[0]!.raw.text + '\n' + roots.accounts[0]!.raw.text), 'root').keys).toHaveLength(1);
  });

  it('verifies the store account-key and the snap-declaration fully, and the snap-revision signature', () => {
    const all = vectors();
    expect(all.map((a) => a.type)).toEqual(['account-key', 'account', 'account-key', 'snap-revision', 'snap-declaration']);
    const chain = new AssertionChain(builtinRoots(), all, NOW);
    const [, , store, revision, declaration] = all as [Assertion, Assertion, Assertion, Assertion, Assertion];
    expect(store.type === 'account-key' && store.publicKey.bits).toBe(4096);
    chain.verify(store);
    chain.verify(declaration);
    chain.verifySignature(revision);
    // The vectors' revision is for core, whose declaration is not among them.
    expectCodeSync(() => chain.verify(revision), 'UPSTREAM_INVALID');
  });

  it('refuses every single-character change in the store key and the snap-revision, except in the unsigned issuer id', () => {
    const texts = VECTORS.toString('utf8').split(/\n(?=type: )/);
    for (const index of [2, 3]) {
      const original = texts[index] as string;
      let refusedBySignature = 0;
      let issuerOnly = 0;
      for (let i = 0; i < original.length; i++) {
        const c = original[i] as string;
        const swapped = c === '\n' ? ' ' : /[0-9]/.test(c) ? String((Number(c) + 1) % 10) : /[a-z]/.test(c) ? (c === 'z' ? 'a' : String.fromCharCode(c.charCodeAt(0) + 1)) : c === 'A' ? 'B' : 'A';
        const tampered = original.slice(0, i) + swapped + original.slice(i + 1);
        const rest = vectors().filter((_, k) => k !== index);
        let accepted = false;
        try {
          const a = readAssertion(tampered, 'tampered');
          new AssertionChain(builtinRoots(), [...rest, a], NOW).verifySignature(a);
          // OpenPGP leaves the issuer subpacket outside the signature; everything else must be intact.
          const before = readAssertion(original).signature;
          const { hashedPart, hashTag, value } = a.signature;
          accepted = !(a.raw.content.equals(readAssertion(original).raw.content) && hashedPart.equals(before.hashedPart) && hashTag.equals(before.hashTag) && value.equals(before.value) && a.signature.issuer !== before.issuer);
          if (!accepted) issuerOnly++;
        } catch (err) {
          if (!isAirlockError(err)) throw err;
          if (err.code === 'SIGNATURE_INVALID') refusedBySignature++;
        }
        expect(accepted, `change at ${i} (${JSON.stringify(c)}→${JSON.stringify(swapped)}) of vector ${index} was accepted`).toBe(false);
      }
      expect(refusedBySignature).toBeGreaterThan(original.length / 3);
      expect(issuerOnly).toBeLessThanOrEqual(12); // 8 bytes of base64 span at most 12 characters
    }
  });
});

describe('assertion verifier on a per-run test authority', () => {
  const auth = new TestAuthority();
  const file = Buffer.from('a snap file\n');
  const sha3Hex = createHash('sha3-384').update(file).digest('hex');
  const sha3 = Buffer.from(sha3Hex, 'hex').toString('base64url');
  const snapId = 'A'.repeat(31) + 'b';
  const facts = { name: 'hello', snapId, revision: 7, sha3Hex, size: file.length };
  const roots = () => readRootFile(Buffer.from(auth.rootFile()), 'test root');
  const parts = (revision = auth.revision({ sha3, snapId, size: file.length, revision: 7, developerId: 'acme' })) =>
    [auth.storeAccountKey, auth.account('acme'), auth.declaration(snapId, 'hello', 'acme'), revision].map((t) => readAssertion(t));

  it('accepts a correct chain and returns it in snap download order', () => {
    const chain = new AssertionChain(roots(), parts(), NOW);
    expect(crossCheckSnap(chain, facts).map((a) => a.type)).toEqual(['account-key', 'account', 'snap-declaration', 'snap-revision']);
  });

  it('refuses the chain when the site trusts only the built-in Canonical root', () => {
    expectCodeSync(() => crossCheckSnap(new AssertionChain(builtinRoots(), parts(), NOW), facts), 'SIGNER_UNTRUSTED');
  });

  it('refuses a file whose digest or size differs from the snap-revision', () => {
    const chain = new AssertionChain(roots(), parts(), NOW);
    expectCodeSync(() => crossCheckSnap(chain, { ...facts, sha3Hex: createHash('sha3-384').update('other').digest('hex') }), 'DIGEST_MISMATCH');
    const wrongSize = new AssertionChain(roots(), parts(auth.revision({ sha3, snapId, size: file.length + 1, revision: 7, developerId: 'acme' })), NOW);
    expectCodeSync(() => crossCheckSnap(wrongSize, facts), 'SIZE_MISMATCH');
    expectCodeSync(() => crossCheckSnap(chain, { ...facts, revision: 8 }), 'UPSTREAM_INVALID');
    expectCodeSync(() => crossCheckSnap(chain, { ...facts, name: 'other' }), 'UPSTREAM_INVALID');
  });

  it('refuses a revision signed by a key the chain does not carry, and one whose signature is by another key', () => {
    const stranger = generateTestKey(1024);
    const bySomeoneElse = auth.revision({ sha3, snapId, size: file.length, revision: 7, developerId: 'acme' }, stranger);
    expectCodeSync(() => crossCheckSnap(new AssertionChain(roots(), parts(bySomeoneElse), NOW), facts), 'SIGNER_UNTRUSTED');
    const forged = bySomeoneElse.replace(`sign-key-sha3-384: ${stranger.id}`, `sign-key-sha3-384: ${auth.storeKey.id}`);
    expectCodeSync(() => crossCheckSnap(new AssertionChain(roots(), parts(forged), NOW), facts), 'SIGNATURE_INVALID');
  });

  it('refuses a store key that expired, and an assertion dated before its key was valid', () => {
    const expired = new TestAuthority({ storeSince: '2020-01-01T00:00:00Z', storeUntil: '2021-06-01T00:00:00Z' });
    const chain = (a: TestAuthority, revision: string) =>
      new AssertionChain(readRootFile(Buffer.from(a.rootFile()), 'root'), [a.storeAccountKey, a.account('acme'), a.declaration(snapId, 'hello', 'acme'), revision].map((t) => readAssertion(t)), NOW);
    expectCodeSync(() => crossCheckSnap(chain(expired, expired.revision({ sha3, snapId, size: file.length, revision: 7, developerId: 'acme' })), facts), 'UPSTREAM_KEY_EXPIRED');
    const early = auth.revision({ sha3, snapId, size: file.length, revision: 7, developerId: 'acme', timestamp: '2019-01-01T00:00:00Z' });
    expectCodeSync(() => crossCheckSnap(chain(auth, early), facts), 'UPSTREAM_KEY_EXPIRED');
  });

  it('refuses an authority the roots do not trust, even when its own key chain is complete', () => {
    const other = new TestAuthority({ id: 'otherroot' });
    const foreign = [other.rootAccountKey, other.rootAccount, other.storeAccountKey, other.account('acme'), other.declaration(snapId, 'hello', 'acme'), other.revision({ sha3, snapId, size: file.length, revision: 7, developerId: 'acme' })];
    const err = expectCodeSync(() => crossCheckSnap(new AssertionChain(roots(), foreign.map((t) => readAssertion(t)), NOW), facts), 'SIGNER_UNTRUSTED');
    expect(err.message).toContain('otherroot');
  });

  it('verifies signatures whose RSA value starts with a zero byte (the left-padding pitfall)', () => {
    const key = generateTestKey(1024);
    const selfSigned = (i: number) =>
      signAssertion([['type', 'account-key'], ['authority-id', 'padtest'], ['public-key-sha3-384', key.id], ['account-id', 'padtest'], ['name', `k${i}`], ['since', '2016-01-01T00:00:00Z']], key.body, key);
    let found = 0;
    for (let i = 0; i < 4000 && found < 2; i++) {
      const text = selfSigned(i);
      const a = readAssertion(text);
      if (a.signature.value.length === 128) continue;
      found++;
      expect(() => readRootFile(Buffer.from(text), 'padded')).not.toThrow();
    }
    expect(found).toBe(2);
  });
});
