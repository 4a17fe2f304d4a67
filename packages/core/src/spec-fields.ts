import { invalid, type FieldProblem } from './errors.js';
import { isPlainName } from './names.js';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Adds a problem for every key of `record` that is not `allowed`, at `<at>.<key>`. */
export function reportUnknownKeys(record: Record<string, unknown>, allowed: readonly string[], at: string, problems: FieldProblem[]): void {
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) problems.push({ path: at ? `${at}.${key}` : key, message: `unknown key (allowed: ${allowed.join(', ')})` });
  }
}

export interface SpecFields {
  raw: Record<string, unknown>;
  /** Every problem found so far; the driver adds its own, then throws once. */
  problems: FieldProblem[];
  /** The config path of one of this entry's keys, e.g. `sources[2].url`. */
  field(key: string): string;
}

/**
 * The checks every driver's config entry starts with: a mapping (refused at once otherwise), only
 * known keys, the driver's own type, and a plain name.
 */
export function specFields(raw: unknown, type: string, at: string, keys: readonly string[]): SpecFields {
  if (!isRecord(raw)) throw invalid('CONFIG_INVALID', `${type} source`, [{ path: at, message: 'must be a mapping' }]);
  const problems: FieldProblem[] = [];
  const field = (key: string): string => (at ? `${at}.${key}` : key);
  reportUnknownKeys(raw, keys, at, problems);
  if (raw.type !== type) problems.push({ path: field('type'), message: `must be "${type}"` });
  if (!isPlainName(raw.name)) problems.push({ path: field('name'), message: 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit' });
  return { raw, problems, field };
}
