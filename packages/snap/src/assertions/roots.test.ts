import { describe, expect, it } from 'vitest';
import { generateKey, readPublicKeys } from '@airlock/pgp';
import { expectCodeSync } from '@airlock/test-utils';
import { TestAuthority } from '../../../../fixtures/snap/authority.js';
import { CANONICAL_ACCOUNT, CANONICAL_ROOT_ACCOUNT_KEY } from './builtin-roots.js';
import { siteRoots, snapRootAnchors } from './roots.js';

describe('snap-root trust anchors (airlock trust add root.assert)', () => {
  const auth = new TestAuthority({ bits: 1024 });

  it('reads a root file into one anchor per root key, id = its sha3-384 key id, data = the original bytes', () => {
    const anchors = snapRootAnchors.read(Buffer.from(auth.rootFile()));
    expect(anchors).toHaveLength(1);
    expect(anchors?.[0]).toMatchObject({ kind: 'snap-root', id: auth.rootKey.id, data: auth.rootFile() });
    expect(anchors?.[0]?.description).toContain('account testroot (Test Root)');
    expect(siteRoots(anchors ?? []).keys.map((k) => k.publicKey.id)).toEqual(['-CvQKAwRQ5h3Ffn10FILJoEZUXOv6km9FwA80-Rcj-f-6jadQ89VRswHNiEB9Lxk', auth.rootKey.id]);
    expect(snapRootAnchors.read(Buffer.from(`${CANONICAL_ROOT_ACCOUNT_KEY}\n${CANONICAL_ACCOUNT}`))?.[0]?.id).toBe('-CvQKAwRQ5h3Ffn10FILJoEZUXOv6km9FwA80-Rcj-f-6jadQ89VRswHNiEB9Lxk');
  });

  it('returns null for an OpenPGP key, so trust add treats it as an exporter key', async () => {
    const key = await generateKey({ name: 'someone' });
    expect(snapRootAnchors.read(Buffer.from(key.armoredPublicKey))).toBeNull();
    expect(snapRootAnchors.read(Buffer.from((await readPublicKeys(key.armoredPublicKey))[0]!.binary))).toBeNull();
  });

  it('refuses a malformed root file, one that is not self-signed, and an account signed by another key', () => {
    expectCodeSync(() => snapRootAnchors.read(Buffer.from('type: account-key\nauthority-id: x\n\nAAAA\n')), 'UPSTREAM_INVALID');
    expectCodeSync(() => snapRootAnchors.read(Buffer.from(auth.storeAccountKey)), 'UPSTREAM_UNSIGNED');
    expectCodeSync(() => snapRootAnchors.read(Buffer.from(`${auth.rootAccountKey}\n${auth.account('testroot')}`)), 'SIGNATURE_INVALID');
    const flipped = auth.rootFile().replace('name: root', 'name: ro0t');
    expectCodeSync(() => snapRootAnchors.read(Buffer.from(flipped)), 'SIGNATURE_INVALID');
  });
});
