import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { readFileLimited, type FieldProblem, type LocalReference } from '@airlock/core';
import { readPublicKeys } from '@airlock/pgp';

const KEY_FILE_LIMIT = 16 << 20;

/** Checks that each referenced file is there, of the right kind, readable, and (for keys) a key. */
export async function checkLocalFiles(refs: LocalReference[]): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  for (const ref of refs) {
    const problem = await checkOne(ref);
    if (problem) problems.push({ path: ref.field, message: problem });
  }
  return problems;
}

async function checkOne(ref: LocalReference): Promise<string | undefined> {
  let info;
  try {
    info = await stat(ref.path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? `${ref.path} does not exist` : `cannot look at ${ref.path}: ${(err as Error).message}`;
  }
  if (ref.kind === 'file' && !info.isFile()) return `${ref.path} is not a regular file`;
  if (ref.kind === 'directory' && !info.isDirectory()) return `${ref.path} is not a directory`;
  if (ref.kind === 'file-or-directory' && !info.isFile() && !info.isDirectory()) return `${ref.path} is neither a file nor a directory`;
  try {
    await access(ref.path, info.isDirectory() ? constants.R_OK | constants.X_OK : constants.R_OK);
  } catch {
    return `${ref.path} is not readable by this user`;
  }
  if (ref.content === 'openpgp-public-keys') return keyProblem(ref.path);
  return undefined;
}

async function keyProblem(path: string): Promise<string | undefined> {
  try {
    await readPublicKeys(await readFileLimited(path, KEY_FILE_LIMIT, path));
    return undefined;
  } catch (err) {
    return `${path} holds no usable OpenPGP public key (${(err as Error).message})`;
  }
}

/** The exporter key must be an armored private key (its passphrase is not needed to check that). */
export async function signingKeyProblem(path: string): Promise<string | undefined> {
  const basic = await checkOne({ field: 'signing.key', path, kind: 'file' });
  if (basic) return `${basic} (create it with: airlock key generate --name exporter --out DIR)`;
  const bytes = await readFileLimited(path, KEY_FILE_LIMIT, path);
  if (!bytes.includes('-----BEGIN PGP PRIVATE KEY BLOCK-----')) return `${path} is not an armored OpenPGP private key (the .key file airlock key generate writes, not the .pub.asc)`;
  try {
    await readPublicKeys(bytes);
    return undefined;
  } catch (err) {
    return `${path} cannot be read as an OpenPGP key (${(err as Error).message})`;
  }
}
