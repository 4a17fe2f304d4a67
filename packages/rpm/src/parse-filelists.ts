import type { Readable } from 'node:stream';
import { AirlockError } from '@airlock/core';
import { SaxesParser } from 'saxes';

/**
 * Streams filelists.xml (attacker-controlled until its checksum matched repomd.xml) and returns,
 * for each of the `wanted` paths, the pkgids of the packages that ship it. Only those paths are
 * kept: the full file list of a large repo is never held in memory.
 */
export async function findFileOwners(input: Readable, wanted: Set<string>): Promise<Map<string, Set<string>>> {
  const parser = new SaxesParser({ xmlns: false });
  const owners = new Map<string, Set<string>>();
  let pkgid: string | undefined;
  let text = '';
  let inFile = false;
  parser.on('opentag', (tag) => {
    if (tag.name === 'package') pkgid = String(tag.attributes.pkgid ?? '').toLowerCase();
    inFile = tag.name === 'file';
    text = '';
  });
  parser.on('text', (t) => {
    if (inFile && text.length < 4096) text += t;
  });
  parser.on('closetag', (tag) => {
    if (tag.name === 'file' && pkgid && wanted.has(text)) {
      const set = owners.get(text) ?? new Set<string>();
      set.add(pkgid);
      owners.set(text, set);
    }
    if (tag.name === 'package') pkgid = undefined;
    inFile = false;
  });
  try {
    for await (const chunk of input) parser.write((chunk as Buffer).toString('utf8'));
    parser.close();
  } catch (err) {
    throw new AirlockError('UPSTREAM_INVALID', `filelists.xml cannot be read (${(err as Error).message}): the upstream metadata is broken or was tampered with`, { cause: err });
  }
  return owners;
}
