import type { Readable } from 'node:stream';
import { AirlockError } from '@airlock/core';
import type { SaxesTagPlain } from 'saxes';
import { flagsFromName } from './dependency.js';
import { isSafeHref } from './repomd.js';
import type { Dependency, PrimaryPackage } from './types.js';
import { streamXml } from './xml-stream.js';

const DEP_SECTIONS = new Set(['rpm:provides', 'rpm:requires']);
/** No text node airlock reads (name, arch, checksum, file path) is anywhere near this long. */
const MAX_TEXT = 64 * 1024;
const READ_TEXT = new Set(['name', 'arch', 'checksum', 'file']);

/**
 * Streams primary.xml (attacker-controlled until its checksum matched repomd.xml) and hands each
 * package to `onPackage` as soon as its element closes: a 50k-package primary is never a DOM.
 */
export async function parsePrimary(input: Readable, onPackage: (pkg: PrimaryPackage) => void): Promise<number> {
  let count = 0;
  let pkg: PrimaryPackage | undefined;
  let section: 'provides' | 'requires' | undefined;
  let text = '';
  let failure: unknown;
  let tooLong = false;

  const opentag = (tag: SaxesTagPlain): void => {
    text = '';
    tooLong = false;
    if (tag.name === 'package') pkg = emptyPackage();
    if (!pkg) return;
    const attr = (name: string): string | undefined => tag.attributes[name];
    if (tag.name === 'version') {
      pkg.epoch = attr('epoch') || '0';
      pkg.version = attr('ver') ?? '';
      pkg.release = attr('rel') ?? '';
    } else if (tag.name === 'checksum') pkg.checksumType = attr('type') ?? '';
    else if (tag.name === 'location') pkg.href = attr('href') ?? '';
    else if (tag.name === 'size') pkg.size = Number(attr('package'));
    else if (DEP_SECTIONS.has(tag.name)) section = tag.name === 'rpm:provides' ? 'provides' : 'requires';
    else if (tag.name === 'rpm:entry' && section) pkg[section].push(entryOf(attr));
  };
  const onText = (t: string): void => {
    // Summaries and descriptions may be long and are not read; anything else that long is refused.
    if (text.length + t.length > MAX_TEXT) tooLong = true;
    else text += t;
  };
  const closetag = (tag: SaxesTagPlain): void => {
    const overflowed = tooLong;
    tooLong = false;
    if (overflowed && READ_TEXT.has(tag.name)) throw new AirlockError('UPSTREAM_INVALID', `primary.xml has a <${tag.name}> longer than ${MAX_TEXT} characters`);
    if (!pkg) return;
    if (tag.name === 'name') pkg.name = text;
    else if (tag.name === 'arch') pkg.arch = text;
    else if (tag.name === 'checksum') pkg.checksum = text.trim().toLowerCase();
    else if (tag.name === 'file') pkg.files.push(text);
    else if (DEP_SECTIONS.has(tag.name)) section = undefined;
    else if (tag.name === 'package') {
      onPackage(checked(pkg));
      count++;
      pkg = undefined;
    }
    text = '';
  };

  try {
    await streamXml(input as AsyncIterable<Buffer>, { opentag, text: onText, closetag }, 'primary.xml');
  } catch (err) {
    failure = err;
  }
  if (failure instanceof AirlockError) throw failure;
  if (failure) throw new AirlockError('UPSTREAM_INVALID', `primary.xml cannot be read (${(failure as Error).message}): the upstream metadata is broken or was tampered with`, { cause: failure });
  return count;
}

function emptyPackage(): PrimaryPackage {
  return { name: '', arch: '', epoch: '0', version: '', release: '', checksumType: '', checksum: '', href: '', size: NaN, provides: [], requires: [], files: [] };
}

function entryOf(attr: (name: string) => string | undefined): Dependency {
  const name = attr('name') ?? '';
  const flags = flagsFromName(attr('flags'));
  if (flags === undefined) throw new AirlockError('UPSTREAM_INVALID', `primary.xml has a dependency on ${JSON.stringify(name)} with unknown flags ${JSON.stringify(attr('flags'))}`);
  const dep: Dependency = { name, flags };
  const ver = attr('ver');
  if (flags !== 0 && ver !== undefined) {
    const release = attr('rel');
    dep.evr = { epoch: attr('epoch') || '0', version: ver, ...(release !== undefined ? { release } : {}) };
  }
  if (attr('pre') === '1') dep.pre = true;
  return dep;
}

function checked(pkg: PrimaryPackage): PrimaryPackage {
  const what = `primary.xml package ${JSON.stringify(pkg.name)}`;
  const problem =
    !/^[A-Za-z0-9._+-]{1,255}$/.test(pkg.name) ? 'a malformed name'
    : !/^[A-Za-z0-9_]{1,32}$/.test(pkg.arch) ? 'a malformed arch'
    : !pkg.version || !/^\d+$/.test(pkg.epoch) ? 'a malformed version'
    : !isSafeHref(pkg.href) || !pkg.href.endsWith('.rpm') ? `an unsafe location ${JSON.stringify(pkg.href)}`
    : !/^[0-9a-f]{40,128}$/.test(pkg.checksum) ? 'a malformed checksum'
    : !Number.isSafeInteger(pkg.size) || pkg.size < 0 ? 'a malformed size'
    : undefined;
  if (problem) throw new AirlockError('UPSTREAM_INVALID', `${what} has ${problem}: the upstream metadata is broken or was tampered with`);
  return pkg;
}
