import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createGpgHome, expectCode, requireTools, tempDir } from '@airlock/test-utils';
import { fakeSite } from '../__tests__/fake-site.js';
import { trustAdd, trustList, trustRemove } from './trust.js';

describe('trust add recognises driver trust anchors by content', () => {
  it('adds, lists and removes anchors of a driver kind, and still reads an OpenPGP key file as a key', async () => {
    const root = await tempDir();
    const f = await fakeSite(root);
    const roots = join(root, 'roots.txt');
    await writeFile(roots, 'fake-root\nroot r1 The first root\nroot r2 The second root\n');
    const added = await trustAdd(f.site, roots, f.registry);
    expect(added).toEqual({
      keys: [],
      anchors: [
        { kind: 'fake-root', id: 'r1', description: 'The first root', status: 'added' },
        { kind: 'fake-root', id: 'r2', description: 'The second root', status: 'added' },
      ],
    });
    expect((await trustAdd(f.site, roots, f.registry)).anchors.map((a) => a.status)).toEqual(['present', 'present']);

    const exporter = await f.exporter('a');
    const key = await trustAdd(f.site, exporter.publicKey, f.registry);
    expect(key.anchors).toEqual([]);
    expect(key.keys).toEqual([expect.objectContaining({ fingerprint: exporter.fingerprint, status: 'added', validity: 'valid', expires: null })]);

    const listed = await trustList(f.site);
    expect(listed.keys.map((k) => k.fingerprint)).toEqual([exporter.fingerprint]);
    expect(listed.anchors.map((a) => [a.kind, a.id])).toEqual([['fake-root', 'r1'], ['fake-root', 'r2']]);
    expect(trustRemove(f.site, 'r1')).toBe(true);
    expect(trustRemove(f.site, 'r1')).toBe(false);
    expect((await trustList(f.site)).anchors.map((a) => a.id)).toEqual(['r2']);
    expect(trustRemove(f.site, exporter.fingerprint.toLowerCase())).toBe(true);
    expect((await trustList(f.site)).keys).toEqual([]);
  });

  it('refuses a file of the anchor kind that is malformed with the driver\'s code, and --channel for anchors', async () => {
    const root = await tempDir();
    const f = await fakeSite(root);
    await writeFile(join(root, 'bad.txt'), 'fake-root\nnot a root line\n');
    await expectCode(trustAdd(f.site, join(root, 'bad.txt'), f.registry), 'KEY_INVALID');
    await writeFile(join(root, 'good.txt'), 'fake-root\nroot r1 one\n');
    await expectCode(trustAdd(f.site, join(root, 'good.txt'), f.registry, { channels: ['c'] }), 'USAGE');
    await writeFile(join(root, 'neither.txt'), 'hello\n');
    await expectCode(trustAdd(f.site, join(root, 'neither.txt'), f.registry), 'KEY_INVALID');
  });
});

describe.skipIf(!requireTools('gpg'))('trust add of a key trusted already (real gpg)', () => {
  it('regression: adding a revoked version of a trusted key merges the revocation instead of doing nothing', async () => {
    const root = await tempDir();
    const f = await fakeSite(root);
    const gpg = await createGpgHome();
    onTestFinished(() => gpg.remove());
    gpg.gpgOk(['--passphrase', '', '--quick-gen-key', 'Exporter <exporter@example.org>', 'ed25519', 'sign', 'never']);
    const fingerprint = gpg.fingerprint('exporter@example.org');
    const file = join(root, 'exporter.asc');
    gpg.gpgOk(['--yes', '--armor', '--output', file, '--export', fingerprint]);
    expect((await trustAdd(f.site, file, f.registry)).keys[0]).toMatchObject({ status: 'added', validity: 'valid' });
    expect((await trustAdd(f.site, file, f.registry)).keys[0]).toMatchObject({ status: 'present' });

    const dir = join(gpg.dir, 'openpgp-revocs.d');
    const name = (await readdir(dir)).find((n) => n.startsWith(fingerprint)) ?? '';
    await writeFile(join(root, 'revoke.asc'), (await readFile(join(dir, name), 'utf8')).replace(/^:-----BEGIN/m, '-----BEGIN'));
    gpg.gpgOk(['--import', join(root, 'revoke.asc')]);
    gpg.gpgOk(['--yes', '--armor', '--output', file, '--export', fingerprint]);
    expect((await trustAdd(f.site, file, f.registry)).keys[0]).toMatchObject({ fingerprint, status: 'updated', validity: 'revoked' });
    expect((await trustList(f.site)).keys[0]).toMatchObject({ fingerprint, validity: 'revoked' });
  });
});
