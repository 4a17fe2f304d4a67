import { createHash } from 'node:crypto';
import { sha256Digest } from '@airlock/core';
import type { TrustAnchor } from '@airlock/core';
import { TestAuthority } from '../../../../fixtures/snap/authority.js';
import { snapIdFor } from '../../../../fixtures/snap/store.js';
import { snapRootAnchors } from '../assertions/roots.js';
import type { CatalogChannel, CatalogRevision, SnapCatalog } from '../types.js';

/** Catalogs over small stand-in files (reverify hashes bytes; it never unpacks a snap), signed by a per-run authority. */
export class CatalogFixture {
  readonly authority = new TestAuthority({ bits: 1024 });
  readonly files = new Map<string, Buffer>();
  private readonly assertions = new Map<string, string>();

  anchors(): TrustAnchor[] {
    return snapRootAnchors.read(Buffer.from(this.authority.rootFile())) ?? [];
  }

  revision(name: string, revision: number, extra: Partial<CatalogRevision> = {}): { revision: CatalogRevision; assertions: string[] } {
    const bytes = Buffer.from(`${name} ${revision} ${'x'.repeat(revision)}`);
    const sha3 = createHash('sha3-384').update(bytes).digest();
    const snapId = snapIdFor(name);
    const digest = sha256Digest(bytes);
    this.files.set(digest, bytes);
    const texts = [
      this.authority.storeAccountKey,
      this.authority.account('acme'),
      this.authority.declaration(snapId, name, 'acme'),
      this.authority.revision({ sha3: sha3.toString('base64url'), snapId, size: bytes.length, revision, developerId: 'acme' }),
    ];
    return {
      assertions: texts,
      revision: {
        name,
        snapId,
        revision,
        architectures: ['all'],
        version: `1.${revision}`,
        type: 'app',
        base: 'core22',
        confinement: 'strict',
        epoch: { read: [0], write: [0] },
        summary: '',
        title: name,
        description: '',
        license: '',
        snapYaml: '',
        publisher: { id: 'acme', username: 'acme', displayName: 'acme' },
        createdAt: '2021-01-03T00:00:00Z',
        digest,
        size: bytes.length,
        sha3: sha3.toString('hex'),
        prerequisites: [],
        ...extra,
      },
    };
  }

  catalog(revisions: Array<[string, number]>, channels: Array<[string, number, string]>, keepRevisions = 2): SnapCatalog {
    const made = revisions.map(([n, r]) => this.revision(n, r));
    const assertions = new Set(made.flatMap((m) => m.assertions));
    const chans: CatalogChannel[] = channels.map(([name, revision, channel]) => ({ name, revision, channel, architecture: 'amd64', releasedAt: '2024-01-01T00:00:00.000Z' }));
    return { version: 1, store: 'https://store.test', architectures: ['amd64'], keepRevisions, requested: [...new Set(revisions.map(([n]) => n))], revisions: made.map((m) => m.revision), channels: chans, assertions: [...assertions] };
  }
}
