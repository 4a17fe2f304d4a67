import type { Readable } from 'node:stream';
import { AirlockError } from '@airlock/core';
import type { SaxesTagPlain } from 'saxes';
import { streamXml } from './xml-stream.js';

/**
 * Streams filelists.xml (attacker-controlled until its checksum matched repomd.xml) and returns,
 * for each of the `wanted` paths, the pkgids of the packages that ship it. Only those paths are
 * kept: the full file list of a large repo is never held in memory.
 */
export async function findFileOwners(input: Readable, wanted: Set<string>): Promise<Map<string, Set<string>>> {
  const owners = new Map<string, Set<string>>();
  let pkgid: string | undefined;
  let text = '';
  let inFile = false;
  const opentag = (tag: SaxesTagPlain): void => {
    if (tag.name === 'package') pkgid = String(tag.attributes.pkgid ?? '').toLowerCase();
    inFile = tag.name === 'file';
    text = '';
  };
  const onText = (t: string): void => {
    if (inFile && text.length < 4096) text += t;
  };
  const closetag = (tag: SaxesTagPlain): void => {
    if (tag.name === 'file' && pkgid && wanted.has(text)) {
      const set = owners.get(text) ?? new Set<string>();
      set.add(pkgid);
      owners.set(text, set);
    }
    if (tag.name === 'package') pkgid = undefined;
    inFile = false;
  };
  try {
    await streamXml(input as AsyncIterable<Buffer>, { opentag, text: onText, closetag }, 'filelists.xml');
  } catch (err) {
    if (err instanceof AirlockError) throw err;
    throw new AirlockError('UPSTREAM_INVALID', `filelists.xml cannot be read (${(err as Error).message}): the upstream metadata is broken or was tampered with`, { cause: err });
  }
  return owners;
}
