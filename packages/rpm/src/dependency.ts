import { compareEvrForDependency, formatEvr, parseEvr } from './vercmp.js';
import type { Dependency, SenseFlags } from './types.js';

export const LESS = 2;
export const GREATER = 4;
export const EQUAL = 8;
const SENSE_MASK = LESS | GREATER | EQUAL;

const FLAG_NAMES: Record<string, SenseFlags> = { LT: LESS, GT: GREATER, EQ: EQUAL, LE: LESS | EQUAL, GE: GREATER | EQUAL };
const OPERATORS: Record<string, SenseFlags> = { '<': LESS, '>': GREATER, '=': EQUAL, '==': EQUAL, '<=': LESS | EQUAL, '>=': GREATER | EQUAL };

/** primary.xml's `flags="GE"` → sense bits; undefined for a value rpm does not write. */
export function flagsFromName(name: string | undefined): SenseFlags | undefined {
  if (name === undefined || name === '') return 0;
  return FLAG_NAMES[name];
}

export function flagsToName(flags: SenseFlags): string | undefined {
  return Object.entries(FLAG_NAMES).find(([, bits]) => bits === (flags & SENSE_MASK))?.[0];
}

/** `name`, `name >= 1.2` or `name = 1:2.0-3` as a config entry or dnf command line writes it. */
export function parseRequest(text: string): Dependency | undefined {
  const match = /^\s*([^\s<>=]+)\s*(?:(<=|>=|==|=|<|>)\s*(\S+))?\s*$/.exec(text);
  if (!match) return undefined;
  const [, name, operator, evr] = match;
  if (name === undefined) return undefined;
  if (operator === undefined || evr === undefined) return { name, flags: 0 };
  return { name, flags: OPERATORS[operator] ?? 0, evr: parseEvr(evr) };
}

/**
 * Does `provide` satisfy `require`? rpm's rpmdsCompare: an unversioned side always matches;
 * otherwise the ranges the two constraints describe must overlap.
 */
export function satisfies(provide: Dependency, require: Dependency): boolean {
  if (provide.name !== require.name) return false;
  const p = provide.flags & SENSE_MASK;
  const r = require.flags & SENSE_MASK;
  if (p === 0 || r === 0 || !provide.evr || !require.evr) return true;
  const sense = compareEvrForDependency(provide.evr, require.evr);
  if (sense < 0) return (p & GREATER) !== 0 || (r & LESS) !== 0;
  if (sense > 0) return (p & LESS) !== 0 || (r & GREATER) !== 0;
  return ((p & EQUAL) !== 0 && (r & EQUAL) !== 0) || ((p & LESS) !== 0 && (r & LESS) !== 0) || ((p & GREATER) !== 0 && (r & GREATER) !== 0);
}

export function formatDependency(dep: Dependency): string {
  const flags = dep.flags & SENSE_MASK;
  if (flags === 0 || !dep.evr) return dep.name;
  const op = Object.entries(OPERATORS).find(([text, bits]) => bits === flags && text !== '==')?.[0] ?? '?';
  return `${dep.name} ${op} ${formatEvr(dep.evr)}`;
}
