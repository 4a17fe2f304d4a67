/** "name version" of every stanza of a Packages file, sorted. */
export function packagesOf(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .filter((s) => s.trim() !== '')
    .map((s) => `${/^Package: (.*)$/m.exec(s)?.[1]} ${/^Version: (.*)$/m.exec(s)?.[1]}`)
    .sort();
}
