import { isDigest, type Digest, type FieldProblem } from '@airlock/core';

export type JsonObject = Record<string, unknown>;
/** Where in the document; a function for paths only built when there is a problem to report. */
export type Path = string | (() => string);

/** Collects every problem of a document so validation can report them all at once. */
export class ProblemList {
  readonly items: FieldProblem[] = [];

  add(path: Path, message: string): void {
    this.items.push({ path: pathText(path), message });
  }

  get empty(): boolean {
    return this.items.length === 0;
  }

  /** The value as a plain object, or undefined (with a problem) when it is not one. */
  object(value: unknown, path: Path): JsonObject | undefined {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as JsonObject;
    this.add(path, 'must be an object');
    return undefined;
  }

  /** Flags fields a v1 reader does not know: a writer that adds fields must bump the format version. */
  onlyKeys(obj: JsonObject, allowed: readonly string[], path: Path): void {
    for (const key in obj) {
      if (Object.hasOwn(obj, key) && !allowed.includes(key)) this.add(join(path, key), 'unknown field');
    }
  }

  string(obj: JsonObject, key: string, path: Path): string | undefined {
    const value = obj[key];
    if (typeof value === 'string' && value.length > 0) return value;
    this.add(join(path, key), 'must be a non-empty string');
    return undefined;
  }

  /** A safe integer no smaller than `min`. */
  integer(obj: JsonObject, key: string, path: Path, min: number): number | undefined {
    const value = obj[key];
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) return value;
    this.add(join(path, key), `must be a whole number of at least ${min}`);
    return undefined;
  }

  digest(obj: JsonObject, key: string, path: Path): Digest | undefined {
    const value = obj[key];
    if (isDigest(value)) return value;
    this.add(join(path, key), 'must be a digest of the form sha256:<64 lowercase hex>');
    return undefined;
  }

  array(obj: JsonObject, key: string, path: Path): unknown[] | undefined {
    const value = obj[key];
    if (Array.isArray(value)) return value;
    this.add(join(path, key), 'must be an array');
    return undefined;
  }
}

export function pathText(path: Path): string {
  return typeof path === 'string' ? path : path();
}

export function join(path: Path, key: string | number): string {
  const at = pathText(path);
  if (typeof key === 'number') return `${at}[${key}]`;
  return at ? `${at}.${key}` : key;
}
