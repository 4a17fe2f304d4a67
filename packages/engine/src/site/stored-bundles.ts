import { copyFile, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { asAirlockError, ensureDir } from '@airlock/core';
import type { AirlockHome } from '../home.js';

/**
 * A verified manifest and its signature are kept in the home, so volumes can arrive later from
 * other media and publications can be rebuilt without the original bundle directory.
 */
export async function storeManifest(home: AirlockHome, id: string, sha256: string, manifestPath: string): Promise<string> {
  const dir = join(home.bundles, `${id}-${sha256.slice(0, 12)}`);
  await ensureDir(dir);
  const target = join(dir, basename(manifestPath));
  await copyFile(manifestPath, target);
  await copyFile(`${manifestPath}.asc`, `${target}.asc`);
  return target;
}

/** Reads a manifest this site already verified and stored. */
export async function loadStoredManifest(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw asAirlockError(err, 'STATE_ERROR', `the stored manifest ${path} is unreadable`);
  }
}
