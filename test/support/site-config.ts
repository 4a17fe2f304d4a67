import { spawnSync } from 'node:child_process';
import type { RenderedSnippet, SiteDocument } from '@airlock/serve';

/**
 * The served publication's /airlock.json: the client configuration the real-client tests use, so
 * every snippet the site page shows is the one a real client was proven with.
 */
export async function siteDocument(siteUrl: string): Promise<SiteDocument> {
  const res = await fetch(new URL('airlock.json', siteUrl));
  if (res.status !== 200) throw new Error(`${siteUrl}airlock.json answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as SiteDocument;
}

/** One snippet of one source; a missing one fails the test, naming what the page does offer. */
export function snippet(doc: SiteDocument, source: string, id: string): RenderedSnippet {
  const [type, name] = source.split('/');
  const found = doc.sources.find((s) => s.type === type && s.name === name);
  if (!found) throw new Error(`the site page has no source ${source} (it has ${doc.sources.map((s) => `${s.type}/${s.name}`).join(', ')})`);
  const hit = found.clients.find((c) => c.id === id);
  if (!hit) throw new Error(`the site page has no snippet ${id} for ${source} (it has ${found.clients.map((c) => c.id).join(', ')})`);
  return hit;
}

/**
 * Moves a client's absolute paths (/etc/apt/keyrings/, /etc/maas/) into a test directory; the
 * rest of the snippet stays exactly as the page shows it.
 */
export function relocate(text: string, moves: Record<string, string>): string {
  let out = text;
  for (const [from, to] of Object.entries(moves)) out = out.split(from).join(to);
  return out;
}

/** Runs a command snippet with sh -e in `cwd`, as an operator pasting it into a shell would. */
export function runSnippet(text: string, cwd: string, env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  // Tests may run as root: a snippet must never touch the machine's own configuration.
  if (/(^|[\s=])\/(etc|usr|var)\//m.test(text)) throw new Error(`relocate the system paths of this snippet before running it:\n${text}`);
  const r = spawnSync('sh', ['-ec', text], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}
