import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { requireTools } from '@airlock/test-utils';
import { createGpgHome, type GpgHome } from '@airlock/test-utils';
import { binaryKeyring, generateKey, Keyring, loadSigner, readPublicKeys } from './index.js';

async function gpgHome(): Promise<GpgHome> {
  const home = await createGpgHome();
  onTestFinished(() => home.remove());
  return home;
}

const release = 'Origin: Airlock\nLabel: Airlock\nSuite: stable\nDate: Thu, 01 Jan 2026 00:00:00 UTC\n- dash-escaped line\nFrom the archive\nSHA256:\n 0123 45 main/binary-amd64/Packages\n';

describe.skipIf(!requireTools('gpg', 'gpgv'))('our keys and signatures in real gpg', () => {
  it('gpg imports our public key and verifies our armored and binary detached signatures', async () => {
    const home = await gpgHome();
    const key = await generateKey({ name: 'Airlock Exporter', email: 'exporter@example.org' });
    const signer = await loadSigner(key.armoredPrivateKey);
    await writeFile(join(home.dir, 'key.asc'), key.armoredPublicKey);
    home.gpgOk(['--import', join(home.dir, 'key.asc')]);
    expect(home.fingerprint('exporter@example.org')).toBe(key.fingerprint);

    const data = join(home.dir, 'SHA256SUMS');
    await writeFile(data, 'abc  file\n');
    await writeFile(`${data}.asc`, await signer.signDetachedArmored(await readFile(data)));
    await writeFile(`${data}.sig`, await signer.signDetachedBinary(await readFile(data)));
    for (const sig of [`${data}.asc`, `${data}.sig`]) {
      const result = home.gpgOk(['--status-fd', '1', '--verify', sig, data]);
      expect(result.stdout).toContain(`[GNUPG:] VALIDSIG ${key.fingerprint}`);
    }
    await writeFile(data, 'abd  file\n');
    expect(home.gpg(['--verify', `${data}.asc`, data]).status).not.toBe(0);
  });

  it('gpg and gpgv with our binary keyring verify our clearsigned documents, and gpg reads back the body', async () => {
    const home = await gpgHome();
    const key = await generateKey({ name: 'Airlock Site' });
    const signer = await loadSigner(key.armoredPrivateKey);
    const infos = await readPublicKeys(key.armoredPublicKey);
    const keyringFile = join(home.dir, 'site.gpg');
    await writeFile(keyringFile, binaryKeyring(infos));
    const inRelease = join(home.dir, 'InRelease');
    await writeFile(inRelease, await signer.clearsign(release));

    const gpgv = home.gpgv(keyringFile, ['--status-fd', '1', inRelease]);
    expect(gpgv.status, gpgv.stderr).toBe(0);
    expect(gpgv.stdout).toContain(`[GNUPG:] VALIDSIG ${key.fingerprint}`);

    home.gpgOk(['--import', keyringFile]);
    const verified = home.gpgOk(['--status-fd', '1', '--verify', inRelease]);
    expect(verified.stdout).toContain(`[GNUPG:] VALIDSIG ${key.fingerprint}`);
    const body = join(home.dir, 'body');
    home.gpgOk(['--output', body, '--decrypt', inRelease]);
    expect(await readFile(body, 'utf8')).toBe(release);

    await writeFile(inRelease, (await readFile(inRelease, 'utf8')).replace('Suite: stable', 'Suite: stabla'));
    expect(home.gpgv(keyringFile, [inRelease]).status).not.toBe(0);
  });

  it('gpgv verifies our detached signature against our binary keyring', async () => {
    const home = await gpgHome();
    const key = await generateKey({ name: 'Airlock Site' });
    const signer = await loadSigner(key.armoredPrivateKey);
    const keyringFile = join(home.dir, 'site.gpg');
    await writeFile(keyringFile, signer.binaryPublicKey);
    const data = join(home.dir, 'Release');
    await writeFile(data, release);
    await writeFile(`${data}.gpg`, await signer.signDetachedArmored(release));
    const result = home.gpgv(keyringFile, ['--status-fd', '1', `${data}.gpg`, data]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(`[GNUPG:] VALIDSIG ${key.fingerprint}`);
  });

  it('gpg imports our passphrase-protected private key and its signatures verify with our Keyring', async () => {
    const home = await gpgHome();
    const key = await generateKey({ name: 'Airlock Site', email: 'site@example.org', passphrase: 'pass phrase' });
    await writeFile(join(home.dir, 'site.key'), key.armoredPrivateKey);
    home.gpgOk(['--passphrase', 'pass phrase', '--import', join(home.dir, 'site.key')]);
    const data = join(home.dir, 'data');
    await writeFile(data, 'signed by gpg with our key\n');
    home.gpgOk(['--passphrase', 'pass phrase', '-u', key.fingerprint, '--detach-sign', data]);
    const keyring = await Keyring.fromKeys([key.armoredPublicKey]);
    const result = await keyring.verifyDetached(await readFile(data), await readFile(`${data}.sig`));
    expect(result.fingerprint).toBe(key.fingerprint);
  });
});
