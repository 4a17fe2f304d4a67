import { digestHex } from '@airlock/core';
import type { PackageMeta } from './header-package.js';
import { fileElement } from './primary-xml.js';
import { esc } from './xml-text.js';

export function filelistsOpen(count: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<filelists xmlns="http://linux.duke.edu/metadata/filelists" packages="${count}">\n`;
}

export const FILELISTS_CLOSE = '</filelists>';

export function filelistsPackage(p: PackageMeta): string {
  const head = `<package pkgid="${digestHex(p.digest)}" name="${esc(p.name)}" arch="${esc(p.arch)}">\n  <version epoch="${esc(p.epoch)}" ver="${esc(p.version)}" rel="${esc(p.release)}"/>\n`;
  return `${head}${p.files.map((f) => `  ${fileElement(f)}\n`).join('')}</package>\n`;
}

export function otherOpen(count: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<otherdata xmlns="http://linux.duke.edu/metadata/other" packages="${count}">\n`;
}

export const OTHER_CLOSE = '</otherdata>';

export function otherPackage(p: PackageMeta): string {
  const head = `<package pkgid="${digestHex(p.digest)}" name="${esc(p.name)}" arch="${esc(p.arch)}">\n  <version epoch="${esc(p.epoch)}" ver="${esc(p.version)}" rel="${esc(p.release)}"/>\n`;
  const logs = p.changelogs.map((c) => `  <changelog author="${esc(c.author)}" date="${c.date}">${esc(c.text)}</changelog>\n`).join('');
  return `${head}${logs}</package>\n`;
}
