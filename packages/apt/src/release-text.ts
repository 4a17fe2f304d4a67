import type { ParsedRelease } from './release.js';
import type { WrittenIndex } from './index-files.js';

export interface ReleaseInfo {
  upstream: ParsedRelease;
  sourceName: string;
  suite: string;
  flat: boolean;
  components: string[];
  architectures: string[];
  byHash: boolean;
  date: Date;
}

/**
 * The site's Release. Origin, Label, Suite and Codename come from the upstream Release (apt
 * refuses a change of them without --allow-releaseinfo-change, and upstream keeps them stable),
 * with fixed fallbacks. No Valid-Until: an air-gapped snapshot must not expire under its clients.
 */
export function releaseText(info: ReleaseInfo, files: WrittenIndex[]): string {
  const field = (name: string, fallback: string): string => oneLine(info.upstream.fields.get(name)) ?? fallback;
  const suiteName = info.flat ? info.suite.replace(/\/$/, '') || '.' : info.suite;
  const lines = [
    `Origin: ${field('origin', 'airlock')}`,
    `Label: ${field('label', info.sourceName)}`,
    `Suite: ${field('suite', suiteName)}`,
    `Codename: ${field('codename', suiteName)}`,
  ];
  const version = oneLine(info.upstream.fields.get('version'));
  if (version !== undefined) lines.push(`Version: ${version}`);
  lines.push(`Date: ${rfc1123(info.date)}`);
  if (info.architectures.length > 0) lines.push(`Architectures: ${info.architectures.join(' ')}`);
  if (info.components.length > 0) lines.push(`Components: ${info.components.join(' ')}`);
  if (info.byHash) lines.push('Acquire-By-Hash: yes');
  lines.push(`Description: ${info.sourceName} mirrored by airlock`);
  lines.push('SHA256:');
  const width = Math.max(...files.map((f) => String(f.size).length), 1);
  for (const file of files) lines.push(` ${file.sha256} ${String(file.size).padStart(width)} ${file.path}`);
  return `${lines.join('\n')}\n`;
}

/** `Sun, 22 Nov 2026 04:30:55 UTC`, the form apt and dak write. */
export function rfc1123(date: Date): string {
  return date.toUTCString().replace(/GMT$/, 'UTC');
}

/** Upstream values are attacker-controlled text: keep a single printable line or fall back. */
function oneLine(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const line = value.split('\n')[0]?.trim() ?? '';
  return /^[\x20-\x7e]{1,200}$/.test(line) ? line : undefined;
}
