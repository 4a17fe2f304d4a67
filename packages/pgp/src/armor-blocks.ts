const BEGIN_LINE = /-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----/g;
const END_LINE = /-----END PGP (PUBLIC|PRIVATE) KEY BLOCK-----/g;

/**
 * The key blocks of an armored text (attacker-controlled key files): from each BEGIN line to the
 * first END line of the same kind after it. Linear in the text, unlike a lazy regular expression,
 * which rescans to the end for every BEGIN line that has no END.
 */
export function armoredKeyBlocks(text: string): string[] {
  const ends: Record<string, Array<{ start: number; end: number }>> = { PUBLIC: [], PRIVATE: [] };
  for (const m of text.matchAll(END_LINE)) ends[m[1] as string]?.push({ start: m.index, end: m.index + m[0].length });
  const next: Record<string, number> = { PUBLIC: 0, PRIVATE: 0 };
  const blocks: string[] = [];
  let cursor = 0;
  for (const m of text.matchAll(BEGIN_LINE)) {
    if (m.index < cursor) continue;
    const kind = m[1] as string;
    const list = ends[kind] ?? [];
    let i = next[kind] ?? 0;
    while (i < list.length && (list[i]?.start ?? 0) < m.index + m[0].length) i++;
    next[kind] = i;
    const end = list[i]?.end;
    if (end === undefined) continue;
    blocks.push(text.slice(m.index, end));
    cursor = end;
  }
  return blocks;
}
