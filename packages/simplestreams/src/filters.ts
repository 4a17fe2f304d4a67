/** One sstream-mirror filter: `key=v`, `key!=v`, `key~re` or `key!~re`. */
export interface Filter {
  /** The expression as written, for messages and plan output. */
  text: string;
  key: string;
  op: '=' | '!=' | '~' | '!~';
  value: string;
}

// sstream-mirror's grammar (simplestreams/filters.py): a word key (dashes allowed, as in
// `bootloader-type`), optional spaces, the operator, optional spaces, then the rest as the value.
const FILTER_RE = /^([\w-]+) *(!?[=~]) *(.*)$/s;

/** Parses a filter; returns a message instead when it is not one (the caller collects problems). */
export function parseFilter(text: string): Filter | string {
  const match = FILTER_RE.exec(text);
  if (!match) return 'must be key=value, key!=value, key~regex or key!~regex';
  const [, key = '', op = '', value = ''] = match;
  if (op === '~' || op === '!~') {
    try {
      new RegExp(value);
    } catch (err) {
      return `the regular expression ${JSON.stringify(value)} is invalid: ${(err as Error).message}`;
    }
  }
  return { text, key, op: op as Filter['op'], value };
}

const compiled = new Map<string, RegExp>();

function regex(value: string): RegExp {
  let re = compiled.get(value);
  if (re === undefined) {
    re = new RegExp(value);
    compiled.set(value, re);
  }
  return re;
}

/**
 * True when every filter matches the flattened item (AND). A missing key compares as the empty
 * string and `~` is an unanchored search, exactly as sstream-mirror does.
 */
export function matchesAll(filters: readonly Filter[], item: Readonly<Record<string, string>>): boolean {
  return filters.every((f) => {
    const value = Object.hasOwn(item, f.key) ? (item[f.key] ?? '') : '';
    const hit = f.op === '=' || f.op === '!=' ? value === f.value : regex(f.value).test(value);
    return f.op.startsWith('!') ? !hit : hit;
  });
}
