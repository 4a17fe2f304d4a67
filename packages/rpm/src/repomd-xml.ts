import { esc } from './xml-text.js';

export interface RepomdData {
  type: string;
  href: string;
  checksum: string;
  checksumType: string;
  size: number;
  openChecksum?: string;
  openChecksumType?: string;
  openSize?: number;
}

/** repomd.xml as createrepo_c writes it; `revision` and timestamps are the publication time. */
export function repomdXml(data: RepomdData[], timestamp: number): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">',
    `  <revision>${timestamp}</revision>`,
  ];
  for (const d of data) {
    lines.push(`  <data type="${esc(d.type)}">`, `    <checksum type="${esc(d.checksumType)}">${esc(d.checksum)}</checksum>`);
    if (d.openChecksum) lines.push(`    <open-checksum type="${esc(d.openChecksumType ?? d.checksumType)}">${esc(d.openChecksum)}</open-checksum>`);
    lines.push(`    <location href="${esc(d.href)}"/>`, `    <timestamp>${timestamp}</timestamp>`, `    <size>${d.size}</size>`);
    if (d.openSize !== undefined) lines.push(`    <open-size>${d.openSize}</open-size>`);
    lines.push('  </data>');
  }
  lines.push('</repomd>', '');
  return lines.join('\n');
}
