import { AirlockError } from './errors.js';

/**
 * Canonical JSON: object keys sorted by UTF-16 code unit, no insignificant whitespace, no
 * undefined values. Signing canonical bytes means any reader can re-derive what was signed.
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, '');
}

function serialize(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new AirlockError('INTERNAL', `canonical JSON cannot hold ${value} at ${path || '(root)'}`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v, i) => serialize(v, `${path}[${i}]`)).join(',')}]`;
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${serialize(v, `${path}.${k}`)}`).join(',')}}`;
    }
    default:
      throw new AirlockError('INTERNAL', `canonical JSON cannot hold a ${typeof value} at ${path || '(root)'}`);
  }
}
