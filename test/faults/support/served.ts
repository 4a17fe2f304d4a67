import { startServer, type RunningServer } from '@airlock/serve';

/** Serves `<siteHome>/publish/current` the way `airlock serve` does, from this test process. */
export async function serveSite(siteHome: string): Promise<RunningServer> {
  return startServer({ root: `${siteHome}/publish/current`, host: '127.0.0.1', port: 0 });
}

export async function fetchText(server: RunningServer, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(new URL(path, server.url));
  return { status: res.status, body: await res.text() };
}
