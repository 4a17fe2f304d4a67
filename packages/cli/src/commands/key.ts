import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { AirlockError, pathExists, readFileLimited, writeFileAtomic } from '@airlock/core';
import { KEY_PASSPHRASE_ENV } from '@airlock/engine';
import { generateKey } from '@airlock/pgp';
import { contextFor } from '../context.js';
import { examples } from '../help.js';

export function registerKey(program: Command): void {
  const key = program.command('key').description('manage exporter keys');
  examples(key, ['airlock key generate --name exporter --out keys']);
  const generate = key
    .command('generate')
    .description('create an OpenPGP signing key: NAME.key (armored private, mode 0600) and NAME.pub.asc')
    .requiredOption('--name <name>', 'key name, used for the file names and the user id')
    .requiredOption('--out <dir>', 'directory to write the key files into')
    .option('--email <email>', 'e-mail address for the user id')
    .option('--passphrase-file <file>', `protect the private key with the passphrase in FILE (or set ${KEY_PASSPHRASE_ENV})`)
    .option('--force', 'overwrite existing key files')
    .action(async (opts: { name: string; out: string; email?: string; passphraseFile?: string; force?: boolean }, cmd: Command) => {
      const { output } = contextFor(cmd);
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(opts.name)) throw new AirlockError('USAGE', '--name must be a plain name (letters, digits, . _ -)');
      const dir = resolve(opts.out);
      const privatePath = join(dir, `${opts.name}.key`);
      const publicPath = join(dir, `${opts.name}.pub.asc`);
      if (!opts.force && ((await pathExists(privatePath)) || (await pathExists(publicPath)))) {
        throw new AirlockError('USAGE', `${privatePath} or ${publicPath} exists already; pass --force to replace it`);
      }
      const passphrase = opts.passphraseFile
        ? (await readFileLimited(opts.passphraseFile, 4096, 'the passphrase file')).toString('utf8').replace(/\r?\n$/, '')
        : process.env[KEY_PASSPHRASE_ENV] || undefined;
      const generated = await generateKey({ name: opts.name, ...(opts.email ? { email: opts.email } : {}), ...(passphrase ? { passphrase } : {}) });
      await writeFileAtomic(privatePath, generated.armoredPrivateKey, 0o600);
      await writeFileAtomic(publicPath, generated.armoredPublicKey, 0o644);
      output.result({ fingerprint: generated.fingerprint, privateKey: privatePath, publicKey: publicPath, protected: Boolean(passphrase) });
      output.line(`created key ${generated.fingerprint}`);
      output.line(`  private: ${privatePath} (keep it on the export host)`);
      output.line(`  public:  ${publicPath} (install on the site: airlock trust add ${publicPath})`);
    });
  examples(generate, ['airlock key generate --name exporter --out keys', 'AIRLOCK_KEY_PASSPHRASE=… airlock key generate --name exporter --out keys --email ops@example.org']);
}
