import type { Evr } from './types.js';

/**
 * rpm's rpmvercmp (rpmio/rpmvercmp.c, rpm ≥ 4.15): segments of digits or letters compared in turn,
 * `~` sorts before anything (even the end), `^` sorts after the end but before any other segment.
 * Returns -1, 0 or 1.
 */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && isSeparator(a[i]!)) i++;
    while (j < b.length && isSeparator(b[j]!)) j++;
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (!(i < a.length && j < b.length)) break;
    const numeric = isDigit(a[i]!);
    const take = numeric ? isDigit : isAlpha;
    const si = i;
    const sj = j;
    while (i < a.length && take(a[i]!)) i++;
    while (j < b.length && take(b[j]!)) j++;
    const one = a.slice(si, i);
    const two = b.slice(sj, j);
    if (two.length === 0) return numeric ? 1 : -1;
    const rc = numeric ? compareNumeric(one, two) : compareStrings(one, two);
    if (rc !== 0) return rc;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

/** Orders epoch:version-release as rpm does (a missing epoch is 0, a missing release sorts first). */
export function compareEvr(a: Evr, b: Evr): number {
  const epochs = compareNumeric(a.epoch || '0', b.epoch || '0');
  if (epochs !== 0) return epochs;
  const versions = rpmvercmp(a.version, b.version);
  if (versions !== 0) return versions;
  return rpmvercmp(a.release ?? '', b.release ?? '');
}

/**
 * Compares a provide with a requirement: a release missing on either side is not compared, so
 * `Requires: foo >= 2.0` matches `foo = 2.0-3` (rpm's rpmdsCompare).
 */
export function compareEvrForDependency(a: Evr, b: Evr): number {
  if (!a.release || !b.release) return compareEvr({ epoch: a.epoch, version: a.version }, { epoch: b.epoch, version: b.version });
  return compareEvr(a, b);
}

/** Parses `[epoch:]version[-release]` as rpm splits it (the last `-` starts the release). */
export function parseEvr(text: string): Evr {
  const withEpoch = /^(\d+):(.*)$/.exec(text);
  const epoch = withEpoch?.[1] ?? '0';
  const rest = withEpoch?.[2] ?? text;
  const dash = rest.lastIndexOf('-');
  return dash > 0 ? { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) } : { epoch, version: rest };
}

export function formatEvr(evr: Evr): string {
  const epoch = evr.epoch && evr.epoch !== '0' ? `${evr.epoch}:` : '';
  return `${epoch}${evr.version}${evr.release ? `-${evr.release}` : ''}`;
}

function isSeparator(c: string): boolean {
  return !isDigit(c) && !isAlpha(c) && c !== '~' && c !== '^';
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function isAlpha(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

function stripZeros(s: string): string {
  return s.replace(/^0+/, '');
}

function compareNumeric(a: string, b: string): number {
  const x = stripZeros(a);
  const y = stripZeros(b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return compareStrings(x, y);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
