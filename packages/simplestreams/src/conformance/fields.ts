import { isRecord } from '@airlock/core';
import { unsafePathReason } from '../safe-path.js';
import { isSupportDate, parseUpdated } from '../updated.js';

/** Collects what a client would refuse, as `<where>: <what>` lines. */
export class Findings {
  readonly lines: string[] = [];
  add(at: string, message: string): void {
    if (this.lines.length < 200) this.lines.push(`${at}: ${message}`);
  }
  get empty(): boolean {
    return this.lines.length === 0;
  }
}

export type Obj = Record<string, unknown>;

/** A pydantic `str` field: present and a JSON string (pydantic 2 does not turn numbers into strings). */
export function requireString(obj: Obj, key: string, at: string, out: Findings): void {
  if (typeof obj[key] !== 'string') out.add(at, `${JSON.stringify(key)} must be a string${key in obj ? '' : ' (missing)'}`);
}

export function optionalString(obj: Obj, key: string, at: string, out: Findings): void {
  if (obj[key] !== undefined && obj[key] !== null && typeof obj[key] !== 'string') out.add(at, `${JSON.stringify(key)} must be a string or null`);
}

/** `date | None` (support_eol): YYYY-MM-DD or null; `required` when the model gives no default. */
export function supportDate(obj: Obj, key: string, at: string, out: Findings, required: boolean): void {
  if (!(key in obj)) {
    if (required) out.add(at, `${JSON.stringify(key)} is required (a YYYY-MM-DD date or null)`);
    return;
  }
  if (obj[key] !== null && !isSupportDate(obj[key])) out.add(at, `${JSON.stringify(key)} must be a YYYY-MM-DD date or null`);
}

export function updatedField(obj: Obj, at: string, out: Findings): void {
  if (parseUpdated(obj.updated) === undefined) out.add(at, '"updated" must be an RFC 2822 date ("Thu, 24 Jul 2025 08:01:49 +0000") or ISO 8601');
}

/** A non-empty JSON object of objects (products, versions, items). */
export function entries(obj: Obj, key: string, at: string, out: Findings): Array<[string, Obj]> {
  const value = obj[key];
  if (!isRecord(value) || Object.keys(value).length === 0) {
    out.add(at, `${JSON.stringify(key)} must be a non-empty object`);
    return [];
  }
  const result: Array<[string, Obj]> = [];
  for (const [name, child] of Object.entries(value)) {
    if (isRecord(child)) result.push([name, child]);
    else out.add(`${at} ${name}`, 'must be an object');
  }
  return result;
}

/**
 * What every item needs for both clients: ftype, a safe relative path, a sha256 and an integer
 * size (python's checksumming reader refuses an item without size or checksum).
 */
export function downloadableItem(item: Obj, at: string, out: Findings): void {
  requireString(item, 'ftype', at, out);
  const reason = unsafePathReason(item.path);
  if (reason !== undefined) out.add(at, `"path" ${reason}`);
  if (typeof item.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(item.sha256)) out.add(at, '"sha256" must be 64 lowercase hex digits');
  if (typeof item.size !== 'number' || !Number.isSafeInteger(item.size) || item.size < 0) out.add(at, '"size" must be a whole number of bytes');
}
