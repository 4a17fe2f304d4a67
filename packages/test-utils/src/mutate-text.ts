import fc from 'fast-check';

export interface TextMutationOptions {
  /** Format-specific words to splice in (field names, operators, armor lines). */
  tokens?: readonly string[];
  /** Most mutations applied to one input (default 4). */
  maxOps?: number;
}

/** Characters that trip text parsers: line ends, NUL, BOM, separators, non-BMP and lone surrogates. */
const AWKWARD = ['\n', '\r\n', '\r', '\0', '\t', ' ', '\ufeff', '\u2028', '\u00e9', '\u{1f600}', '\ud800', ':', ',', '|', '(', ')', '<', '>', '[', ']', '"', '&', '#', '-', '='];

type TextOp =
  | { op: 'delete-line'; line: number }
  | { op: 'repeat-line'; line: number; times: number }
  | { op: 'insert-line'; line: number; text: string }
  | { op: 'swap-lines'; a: number; b: number }
  | { op: 'edit'; line: number; at: number; remove: number; text: string }
  | { op: 'truncate'; at: number }
  | { op: 'crlf' };

/**
 * Inputs made from real valid text by line-aware mutations: lines deleted, repeated, swapped or
 * inserted, characters edited with format tokens and awkward characters, truncation, CRLF line
 * ends. Real stanzas, Release files, XML and armor stay mostly well-formed, so the parser gets deep.
 */
export function mutatedText(seeds: string | readonly string[], o: TextMutationOptions = {}): fc.Arbitrary<string> {
  const list = typeof seeds === 'string' ? [seeds] : [...seeds];
  if (list.length === 0) throw new Error('mutatedText needs at least one seed');
  const tokens = o.tokens ?? [];
  const word = fc.oneof(
    { arbitrary: fc.constantFrom(...AWKWARD), weight: 2 },
    ...(tokens.length > 0 ? [{ arbitrary: fc.constantFrom(...tokens), weight: 3 }] : []),
    { arbitrary: fc.string({ maxLength: 16 }), weight: 1 },
    { arbitrary: fc.string({ maxLength: 8, unit: 'binary' }), weight: 1 },
  );
  const op: fc.Arbitrary<TextOp> = fc.oneof(
    fc.record({ op: fc.constant('delete-line' as const), line: fc.nat() }),
    fc.record({ op: fc.constant('repeat-line' as const), line: fc.nat(), times: fc.integer({ min: 2, max: 300 }) }),
    fc.record({ op: fc.constant('insert-line' as const), line: fc.nat(), text: word }),
    fc.record({ op: fc.constant('swap-lines' as const), a: fc.nat(), b: fc.nat() }),
    { arbitrary: fc.record({ op: fc.constant('edit' as const), line: fc.nat(), at: fc.nat(), remove: fc.integer({ min: 0, max: 12 }), text: word }), weight: 4 },
    fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('crlf' as const) }),
  );
  return fc
    .record({ seed: fc.nat(), ops: fc.array(op, { minLength: 1, maxLength: o.maxOps ?? 4 }) })
    .map(({ seed, ops }) => ops.reduce(apply, list[seed % list.length] as string));
}

function apply(text: string, m: TextOp): string {
  const lines = text.split('\n');
  const pick = (n: number): number => n % lines.length;
  switch (m.op) {
    case 'delete-line':
      lines.splice(pick(m.line), 1);
      break;
    case 'repeat-line': {
      const i = pick(m.line);
      lines.splice(i, 0, ...Array.from({ length: m.times - 1 }, () => lines[i] as string));
      break;
    }
    case 'insert-line':
      lines.splice(m.line % (lines.length + 1), 0, m.text);
      break;
    case 'swap-lines': {
      const [a, b] = [pick(m.a), pick(m.b)];
      [lines[a], lines[b]] = [lines[b] as string, lines[a] as string];
      break;
    }
    case 'edit': {
      const i = pick(m.line);
      const line = lines[i] as string;
      const at = m.at % (line.length + 1);
      lines[i] = line.slice(0, at) + m.text + line.slice(at + m.remove);
      break;
    }
    case 'truncate':
      return text.slice(0, m.at % (text.length + 1));
    case 'crlf':
      return text.replace(/\r?\n/g, '\r\n');
  }
  return lines.join('\n');
}
