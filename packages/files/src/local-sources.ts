import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { AirlockError, asAirlockError, type Progress } from '@airlock/core';
import { walkTree, type FoundFile, type WalkedEntry } from './walk-tree.js';

/** Entries found under one configured path, tagged with that path for conflict messages. */
export interface LocalGroup {
  origin: string;
  entries: WalkedEntry[];
}

/**
 * Reads each configured path: a directory contributes its contents at the tree root, a file its
 * basename. A configured path itself is followed if it is a symlink: the operator named it.
 * `onFile` sees every regular file as it is found, in the order of the groups' entries.
 */
export async function readLocalSources(paths: string[], progress: Progress, onFile: (file: FoundFile) => void): Promise<LocalGroup[]> {
  const groups: LocalGroup[] = [];
  for (const abs of paths) {
    let info;
    try {
      info = await stat(abs);
    } catch (err) {
      throw new AirlockError('SOURCE_NOT_FOUND', `${abs} does not exist or cannot be read; fix "path" in the config`, { cause: err, details: { path: abs } });
    }
    if (info.isDirectory()) {
      const entries = await walkTree(abs, (m) => progress.warn(m), onFile).catch((err: unknown) => {
        throw asAirlockError(err, 'IO_ERROR', `cannot read the tree under ${abs}`);
      });
      groups.push({ origin: abs, entries });
    } else if (info.isFile()) {
      const file: FoundFile = { kind: 'file', path: basename(abs), abs, follow: true };
      onFile(file);
      groups.push({ origin: abs, entries: [file] });
    } else {
      throw new AirlockError('SOURCE_NOT_FOUND', `${abs} is neither a regular file nor a directory; fix "path" in the config`, { details: { path: abs } });
    }
  }
  return groups;
}
