import { publishDir, rawRequest, serve, type RawResponse, type Tree } from './fixture.js';

/** A publication record as the engine writes it, with one described source unless told otherwise. */
export function record(over: { type?: string; name?: string; channel?: string; description?: unknown; exporterKey?: string | null } = {}): string {
  const description = over.description === undefined
    ? {
        counts: [{ label: 'packages', value: 9 }],
        bytes: 2048,
        clients: [
          { id: 'key', title: 'fetch the key', template: 'curl -fsSLo /etc/apt/keyrings/airlock-site.gpg {{url}}keys/site.gpg' },
          { id: 'list', title: 'sources', file: '/etc/apt/sources.list.d/x.list', template: 'deb [signed-by=/k] {{url}}apt/x stable main', note: 'then apt-get update' },
          { id: 'mirror', title: 'mirror', template: 'location = "{{host}}"\ninsecure = {{insecure}}\n[host."{{origin}}"]\n--src-tls-verify={{tlsVerify}} {{unknown}}' },
        ],
      }
    : over.description;
  return JSON.stringify({
    snapshot: '000007',
    siteKey: 'F'.repeat(40),
    publishedAt: '2030-01-02T03:04:05.678Z',
    channels: [
      {
        channel: over.channel ?? 'site-a',
        sequence: 3,
        bundle: 'site-a-000003',
        manifestSha256: 'a'.repeat(64),
        importedAt: '2030-01-02T03:00:00.000Z',
        exporterKey: over.exporterKey === undefined ? 'E'.repeat(40) : over.exporterKey,
        sources: [{ type: over.type ?? 'apt', name: over.name ?? 'x', catalog: `sha256:${'c'.repeat(64)}`, bundleCatalog: `sha256:${'c'.repeat(64)}`, bundle: 'site-a-000003', sequence: 3, description }],
      },
    ],
  });
}

/** A server whose live snapshot holds `tree` plus keys/ (and the record, when given). */
export async function servedPublication(recordText: string | undefined, options: { publicUrl?: string; extra?: Tree } = {}) {
  const publish = await publishDir();
  await publish.snapshot('1', { 'keys/site.gpg': 'k', 'apt/x/dists/stable/Release': 'r', ...(recordText === undefined ? {} : { 'airlock-publication.json': recordText }), ...options.extra });
  await publish.switchTo('1');
  return serve(publish.current, undefined, options.publicUrl);
}

/** GET with a Host header of our choosing (fetch() does not let a caller set it). */
export function getWithHost(port: number, path: string, host: string): Promise<RawResponse> {
  return rawRequest(port, path, 'GET', { host });
}
