import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpgHome, expectOnlyCodedErrors, mutatedBytes, mutatedText, requireTools, type GpgHome } from '@airlock/test-utils';
import { generateKey, Keyring, loadSigner, readPublicKeys } from './index.js';

// Fuzzing of the OpenPGP inputs airlock reads from media and mirrors: public keys (armored and
// binary), detached signatures and clearsigned documents. Seeds are made by the real gpg and by
// our own signer. Besides "only coded errors", acceptance is checked: a verified document is
// always the signed one.
const ARMOR_TOKENS = ['-----BEGIN PGP SIGNED MESSAGE-----', '-----BEGIN PGP SIGNATURE-----', '-----END PGP SIGNATURE-----', '-----BEGIN PGP PUBLIC KEY BLOCK-----', '-----END PGP PUBLIC KEY BLOCK-----', 'Hash: SHA256', 'Hash: MD5', 'Comment: x', 'Version: 1', '- ', '-', '=', '==', 'Suite: evil', ''];
const DATA = Buffer.from('Origin: Fuzz\nSuite: stable\nSHA256:\n 0123 45 main/binary-amd64/Packages\n');
const TEXT = 'Origin: Fuzz\nSuite: stable\n- a line that starts with a dash\nSHA256:\n 0123 45 main/binary-amd64/Packages\n';

let home: GpgHome;
let keyring: Keyring;
const armoredKeys: string[] = [];
const binaryKeys: Buffer[] = [];
const detachedArmored: string[] = [];
const detachedBinary: Buffer[] = [];
const clearsigned: string[] = [];

/** Clearsigned text is compared as signatures see it: line ends and trailing blanks do not count. */
const canonical = (text: string): string => text.replace(/\r\n/g, '\n').split('\n').map((l) => l.replace(/[ \t\r]+$/, '')).join('\n').replace(/\n+$/, '');

describe.skipIf(!requireTools('gpg'))('fuzz: pgp', () => {
  beforeAll(async () => {
    home = await createGpgHome();
    home.gpgOk(['--quick-gen-key', '--passphrase', '', 'Fuzz Upstream <upstream@example.invalid>', 'ed25519', 'sign', 'never']);
    home.gpgOk(['--quick-gen-key', '--passphrase', '', 'Fuzz Legacy <legacy@example.invalid>', 'rsa2048', 'sign', 'never']);
    for (const who of ['upstream@example.invalid', 'legacy@example.invalid']) {
      armoredKeys.push(home.gpgOk(['--armor', '--export', who]).stdout);
      const binary = join(home.dir, `${who}.gpg`);
      home.gpgOk(['--output', binary, '--export', who]);
      binaryKeys.push(await readFile(binary));
    }
    const data = join(home.dir, 'data');
    const text = join(home.dir, 'text');
    await writeFile(data, DATA);
    await writeFile(text, TEXT);
    for (const who of ['upstream@example.invalid', 'legacy@example.invalid']) {
      home.gpgOk(['--yes', '--local-user', who, '--armor', '--output', `${data}.asc`, '--detach-sign', data]);
      home.gpgOk(['--yes', '--local-user', who, '--output', `${data}.sig`, '--detach-sign', data]);
      home.gpgOk(['--yes', '--local-user', who, '--output', `${text}.clear`, '--clearsign', text]);
      detachedArmored.push(await readFile(`${data}.asc`, 'utf8'));
      detachedBinary.push(await readFile(`${data}.sig`));
      clearsigned.push(await readFile(`${text}.clear`, 'utf8'));
    }
    const ours = await generateKey({ name: 'Fuzz Exporter' });
    const signer = await loadSigner(ours.armoredPrivateKey);
    armoredKeys.push(ours.armoredPublicKey);
    detachedArmored.push(await signer.signDetachedArmored(DATA));
    detachedBinary.push(Buffer.from(await signer.signDetachedBinary(DATA)));
    clearsigned.push(await signer.clearsign(TEXT));
    keyring = await Keyring.fromKeys([...armoredKeys]);
  }, 120_000);
  afterAll(() => home.remove());

  it('the seeds verify', async () => {
    for (const sig of [...detachedArmored, ...detachedBinary]) await keyring.verifyDetached(DATA, sig);
    for (const doc of clearsigned) expect(canonical((await keyring.verifyClearsigned(doc)).body)).toBe(canonical(TEXT));
  });

  it('readPublicKeys over mutated armored and binary keys gives only KEY_INVALID', async () => {
    const input = fc.oneof(mutatedText(armoredKeys, { tokens: ARMOR_TOKENS, maxOps: 3 }), mutatedBytes(binaryKeys, { hotspots: [[0, 8]], maxOps: 3 }));
    await expectOnlyCodedErrors(input, (key) => readPublicKeys(key), { target: 'pgp readPublicKeys', numRuns: 300, codes: ['KEY_INVALID'] });
  });

  it('verifyDetached over mutated signatures: coded refusals, and nothing but the signed data is ever accepted', async () => {
    const signature = fc.oneof(mutatedText(detachedArmored, { tokens: ARMOR_TOKENS, maxOps: 3 }), mutatedBytes(detachedBinary, { hotspots: [[0, 16]], maxOps: 3 }));
    const data = fc.oneof({ arbitrary: fc.constant(DATA), weight: 3 }, { arbitrary: mutatedBytes(DATA, { maxOps: 1 }), weight: 1 });
    await expectOnlyCodedErrors(fc.tuple(data, signature), async ([d, s]) => {
      await keyring.verifyDetached(d, s);
      if (!d.equals(DATA)) throw new Error(`a signature verified over altered data: ${JSON.stringify(d.toString('latin1'))}`);
    }, { target: 'pgp verifyDetached', numRuns: 400, codes: ['SIGNATURE_INVALID', 'SIGNATURE_MISSING', 'SIGNER_UNTRUSTED'] });
  });

  it('verifyClearsigned over mutated documents: coded refusals, and an accepted body is always the signed text', async () => {
    await expectOnlyCodedErrors(mutatedText(clearsigned, { tokens: ARMOR_TOKENS, maxOps: 3 }), async (doc) => {
      const { body } = await keyring.verifyClearsigned(doc);
      if (canonical(body) !== canonical(TEXT)) throw new Error(`verifyClearsigned accepted an altered body: ${JSON.stringify(body)}`);
    }, { target: 'pgp verifyClearsigned', numRuns: 400, codes: ['SIGNATURE_INVALID', 'SIGNATURE_MISSING', 'SIGNER_UNTRUSTED'] });
  });
});
