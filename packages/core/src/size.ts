import { AirlockError } from './errors.js';

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1000,
  kb: 1000,
  m: 1000 ** 2,
  mb: 1000 ** 2,
  g: 1000 ** 3,
  gb: 1000 ** 3,
  t: 1000 ** 4,
  tb: 1000 ** 4,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** Parses `4GiB`, `700MiB`, `1.5G`, `1048576` into bytes. IEC (KiB) units are powers of 1024, SI (KB) of 1000. */
export function parseSize(input: string | number): number {
  if (typeof input === 'number') {
    if (Number.isSafeInteger(input) && input > 0) return input;
    throw new AirlockError('USAGE', `size must be a positive whole number of bytes, got ${input}`);
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(input);
  const unit = match?.[2]?.toLowerCase();
  const factor = unit === undefined ? undefined : UNITS[unit];
  if (!match || factor === undefined) {
    throw new AirlockError('USAGE', `cannot read size ${JSON.stringify(input)}: use a number with an optional unit such as 700MiB, 4GiB or 4.7GB`);
  }
  const bytes = Math.floor(Number(match[1]) * factor);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new AirlockError('USAGE', `size ${JSON.stringify(input)} is out of range`);
  return bytes;
}

export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return i === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[i]}`;
}

/** Parses durations such as `90d`, `12h`, `30m` into milliseconds. */
export function parseDuration(input: string): number {
  const match = /^\s*(\d+)\s*([smhdw])\s*$/.exec(input);
  const factors: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };
  const factor = match?.[2] ? factors[match[2]] : undefined;
  if (!match || factor === undefined) throw new AirlockError('USAGE', `cannot read duration ${JSON.stringify(input)}: use e.g. 90d, 12h or 30m`);
  return Number(match[1]) * factor;
}
