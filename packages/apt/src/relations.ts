import type { RelationOp } from './version.js';

/** One alternative of a relation field: `name[:arch] [(op version)]`. */
export interface Relation {
  name: string;
  op?: RelationOp;
  version?: string;
}

const OPS: Record<string, RelationOp> = { '<<': '<<', '<=': '<=', '=': '=', '>=': '>=', '>>': '>>', '<': '<=', '>': '>=' };
/** A build profile `<!nocheck>`, never the `<<`/`<=`/`<` operators. */
const PROFILE_RE = /<(?![<=])[^<>]*>/g;
const RELATION_RE = /^([a-z0-9][a-z0-9+.\-]*)(?::([a-z0-9-]+))?\s*(?:\(\s*(<<|<=|=|>=|>>|<|>)\s*([^\s)]+)\s*\))?$/i;

/**
 * Parses Depends-style fields (attacker-controlled upstream text): comma-separated groups of
 * `|` alternatives. Architecture restrictions `[...]` and build profiles `<...>` are dropped, and so
 * is the `:any`/`:native` qualifier. Unparseable alternatives are returned in `bad`.
 */
export function parseRelations(field: string | undefined): { groups: Relation[][]; bad: string[] } {
  const groups: Relation[][] = [];
  const bad: string[] = [];
  if (field === undefined) return { groups, bad };
  for (const group of field.split(',')) {
    if (group.trim() === '') continue;
    const alternatives: Relation[] = [];
    for (const raw of group.split('|')) {
      const text = raw.includes('[') || raw.includes('<') ? raw.replace(/\[[^\]]*\]/g, '').replace(PROFILE_RE, '').trim() : raw.trim();
      const match = RELATION_RE.exec(text);
      if (!match?.[1]) {
        bad.push(raw.trim());
        continue;
      }
      const op = match[3] === undefined ? undefined : OPS[match[3]];
      alternatives.push(op !== undefined && match[4] !== undefined ? { name: match[1], op, version: match[4] } : { name: match[1] });
    }
    // Arrays grown by push reserve 17 slots; the closure keeps these for every package it chose.
    if (alternatives.length > 0) groups.push(alternatives.slice());
  }
  return { groups: groups.slice(), bad };
}

export function formatRelation(relation: Relation): string {
  return relation.op === undefined ? relation.name : `${relation.name} (${relation.op} ${relation.version ?? ''})`;
}

export function formatGroup(group: Relation[]): string {
  return group.map(formatRelation).join(' | ');
}
