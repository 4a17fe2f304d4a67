import { digestHex } from '@airlock/core';
import { flagsToName } from './dependency.js';
import { isPrimaryFile, type DependencyKind, type PackageMeta, type PackageFile } from './header-package.js';
import { esc } from './xml-text.js';
import type { Dependency } from './types.js';

const DEP_ORDER: DependencyKind[] = ['provides', 'requires', 'conflicts', 'obsoletes', 'suggests', 'enhances', 'recommends', 'supplements'];

export function primaryOpen(count: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="${count}">\n`;
}

export const PRIMARY_CLOSE = '</metadata>';

/** One `<package>` of primary.xml, in createrepo_c's element order. */
export function primaryPackage(p: PackageMeta): string {
  const lines = [
    '<package type="rpm">',
    `  <name>${esc(p.name)}</name>`,
    `  <arch>${esc(p.arch)}</arch>`,
    `  <version epoch="${esc(p.epoch)}" ver="${esc(p.version)}" rel="${esc(p.release)}"/>`,
    `  <checksum type="sha256" pkgid="YES">${digestHex(p.digest)}</checksum>`,
    `  <summary>${esc(p.summary)}</summary>`,
    `  <description>${esc(p.description)}</description>`,
    `  <packager>${esc(p.packager)}</packager>`,
    `  <url>${esc(p.url)}</url>`,
    `  <time file="${p.buildTime}" build="${p.buildTime}"/>`,
    `  <size package="${p.packageSize}" installed="${p.installedSize}" archive="${p.archiveSize}"/>`,
    `  <location href="${esc(p.href)}"/>`,
    '  <format>',
    `    <rpm:license>${esc(p.license)}</rpm:license>`,
    `    <rpm:vendor>${esc(p.vendor)}</rpm:vendor>`,
    `    <rpm:group>${esc(p.group)}</rpm:group>`,
    `    <rpm:buildhost>${esc(p.buildHost)}</rpm:buildhost>`,
    `    <rpm:sourcerpm>${esc(p.sourceRpm)}</rpm:sourcerpm>`,
    `    <rpm:header-range start="${p.headerStart}" end="${p.headerEnd}"/>`,
  ];
  for (const kind of DEP_ORDER) {
    const deps = p.deps[kind];
    if (deps.length === 0) continue;
    lines.push(`    <rpm:${kind}>`, ...deps.map((d) => `      ${entry(d, kind === 'requires')}`), `    </rpm:${kind}>`);
  }
  for (const file of p.files.filter((f) => isPrimaryFile(f.path))) lines.push(`    ${fileElement(file)}`);
  lines.push('  </format>', '</package>', '');
  return lines.join('\n');
}

export function fileElement(file: PackageFile): string {
  return file.type === 'file' ? `<file>${esc(file.path)}</file>` : `<file type="${file.type}">${esc(file.path)}</file>`;
}

function entry(dep: Dependency, withPre: boolean): string {
  let attrs = `name="${esc(dep.name)}"`;
  const flags = flagsToName(dep.flags);
  if (flags && dep.evr) {
    attrs += ` flags="${flags}" epoch="${esc(dep.evr.epoch)}" ver="${esc(dep.evr.version)}"`;
    if (dep.evr.release !== undefined) attrs += ` rel="${esc(dep.evr.release)}"`;
  }
  if (withPre && dep.pre) attrs += ' pre="1"';
  return `<rpm:entry ${attrs}/>`;
}
