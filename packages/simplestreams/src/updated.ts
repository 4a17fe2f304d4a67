const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const RFC2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * Reads an `updated` value the way MAAS 3.8 does (`updated_validator`): RFC 2822 as
 * simplestreams writes it (`%a, %d %b %Y %H:%M:%S %z`), or ISO 8601. Undefined when it is neither.
 */
export function parseUpdated(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const rfc = RFC2822.exec(value);
  if (rfc) {
    const [, , day, month, year, hh, mm, ss, sign, oh, om] = rfc;
    const offset = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
    const utc = Date.UTC(Number(year), MONTHS.indexOf(month ?? ''), Number(day), Number(hh), Number(mm), Number(ss)) - offset * 60_000;
    return valid(new Date(utc), Number(day), Number(hh), Number(mm), Number(ss));
  }
  const iso = ISO.exec(value);
  if (iso) {
    const [, year, month, day, hh, mm, ss, , zone] = iso;
    const date = new Date(`${year}-${month}-${day}T${hh}:${mm}:${ss}${zone ?? 'Z'}`);
    return valid(date, Number(day), Number(hh), Number(mm), Number(ss));
  }
  return undefined;
}

function valid(date: Date, day: number, hh: number, mm: number, ss: number): Date | undefined {
  if (Number.isNaN(date.getTime()) || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 59) return undefined;
  return date;
}

/** `Thu, 24 Jul 2025 08:01:49 +0000`, the form simplestreams (util.timestamp) writes. */
export function formatUpdated(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/** YYYY-MM-DD as MAAS 3.8's support_eol_validator reads it. */
export function isSupportDate(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}
