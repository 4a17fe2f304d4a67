const RISKS = ['stable', 'candidate', 'beta', 'edge'] as const;
const PART_RE = /^[a-zA-Z0-9](?:[a-zA-Z0-9._-]{0,62}[a-zA-Z0-9])?$/;

export interface Channel {
  track: string;
  risk: string;
  branch: string;
}

/** snapd's channel.ParseVerbatim + Clean: `stable`, `2.0`, `edge/fix`, `2.0/beta/fix`; undefined when invalid. */
export function parseChannel(text: string): Channel | undefined {
  const parts = text.split('/');
  if (parts.length > 3 || parts.some((p) => !PART_RE.test(p))) return undefined;
  let track = '';
  let risk = '';
  let branch = '';
  const isRisk = (p: string | undefined): boolean => p !== undefined && (RISKS as readonly string[]).includes(p);
  if (parts.length === 1) {
    if (isRisk(parts[0])) risk = parts[0] as string;
    else track = parts[0] as string;
  } else if (parts.length === 2) {
    if (isRisk(parts[0])) [risk, branch] = parts as [string, string];
    else [track, risk] = parts as [string, string];
  } else [track, risk, branch] = parts as [string, string, string];
  if (risk !== '' && !isRisk(risk)) return undefined;
  return { track: track === '' ? 'latest' : track, risk: risk === '' ? 'stable' : risk, branch };
}

/** `latest/stable`, `2.0/beta`, `latest/edge/fix`. */
export function fullChannel(c: Channel): string {
  return [c.track, c.risk, ...(c.branch ? [c.branch] : [])].join('/');
}

/** The risks a request for `risk` falls back to, most preferred first (edge → beta → candidate → stable). */
export function fallbackRisks(risk: string): string[] {
  const i = (RISKS as readonly string[]).indexOf(risk);
  return i === -1 ? [] : RISKS.slice(0, i + 1).reverse();
}
