import { AirlockError, invalid, isSha256Hex, type FieldProblem } from '@airlock/core';

export interface SumsEntry {
  name: string;
  sha256: string;
}

/** `sha256sum` text mode lines, sorted by name, so `sha256sum -c SHA256SUMS` works in the bundle dir. */
export function formatSha256Sums(files: SumsEntry[]): string {
  const seen = new Set<string>();
  for (const file of files) {
    if (!isPlainFileName(file.name)) throw new AirlockError('INTERNAL', `cannot list ${JSON.stringify(file.name)} in SHA256SUMS: not a plain file name`);
    if (!isSha256Hex(file.sha256)) throw new AirlockError('INTERNAL', `cannot list ${file.name} in SHA256SUMS: ${JSON.stringify(file.sha256)} is not a sha256`);
    if (seen.has(file.name)) throw new AirlockError('INTERNAL', `${file.name} is listed twice in SHA256SUMS`);
    seen.add(file.name);
  }
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return sorted.map((f) => `${f.sha256}  ${f.name}\n`).join('');
}

const LINE = /^([0-9a-f]{64}) [ *](.+)$/;

/** Parses SHA256SUMS (attacker-controlled): every line a digest and a plain file name, each name once. */
export function parseSha256Sums(text: string): SumsEntry[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const problems: FieldProblem[] = [];
  const entries: SumsEntry[] = [];
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    const path = `line ${i + 1}`;
    const match = LINE.exec(line);
    if (!match?.[1] || !match[2]) return problems.push({ path, message: 'must be "<64 lowercase hex>  <file name>"' });
    const name = match[2];
    if (!isPlainFileName(name)) return problems.push({ path, message: `${JSON.stringify(name)} is not a plain file name` });
    if (seen.has(name)) return problems.push({ path, message: `lists ${name} again` });
    seen.add(name);
    return entries.push({ name, sha256: match[1] });
  });
  if (lines.length === 0) problems.push({ path: '', message: 'lists no files' });
  if (problems.length > 0) throw invalid('MANIFEST_INVALID', 'SHA256SUMS', problems);
  return entries;
}

/** A file directly in the bundle dir: no separators, no dot names, nothing sha256sum would escape. */
function isPlainFileName(name: string): boolean {
  return /^[A-Za-z0-9._+-]+$/.test(name) && name !== '.' && name !== '..';
}
