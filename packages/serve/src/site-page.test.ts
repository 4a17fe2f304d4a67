import { describe, expect, it } from 'vitest';
import { expectCode } from '@airlock/test-utils';
import { publishDir, serve } from './__tests__/fixture.js';
import { getWithHost, record, servedPublication } from './__tests__/site-record.js';
import { startServer } from './server.js';
import { parsePublicUrl, renderTemplate } from './site-address.js';
import type { SiteDocument } from './site-document.js';

const snippetTexts = (doc: SiteDocument): string[] => doc.sources.flatMap((s) => s.clients.map((c) => c.text));

/** Text of every element with a data-snippet attribute, entities decoded: what a browser shows. */
function snippetsInPage(page: string): Map<string, string> {
  const decode = (t: string): string => t.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
  return new Map([...page.matchAll(/<pre data-snippet="([^"]*)"><code>([\s\S]*?)<\/code><\/pre>/g)].map((m) => [decode(m[1] ?? ''), decode(m[2] ?? '')]));
}

describe('the site page and /airlock.json', () => {
  it('show the publication, the source with its counts and size, and every snippet for the host the client used', async () => {
    const server = await servedPublication(record());
    const json = await getWithHost(server.port, '/airlock.json', 'mirror.example.internal:8080');
    expect(json.status).toBe(200);
    expect(json.headers['content-type']).toBe('application/json');
    expect(json.headers.vary).toBe('Host');
    const doc = JSON.parse(json.body) as SiteDocument;
    expect(doc).toMatchObject({
      format: 'airlock-site/1',
      published: true,
      url: 'http://mirror.example.internal:8080/',
      siteKey: { fingerprint: 'F'.repeat(40), gpg: 'http://mirror.example.internal:8080/keys/site.gpg' },
      publication: { snapshot: '000007', publishedAt: '2030-01-02T03:04:05.678Z', channels: [{ channel: 'site-a', sequence: 3, exporterKey: 'E'.repeat(40), importedAt: '2030-01-02T03:00:00.000Z' }] },
    });
    expect(doc.sources).toHaveLength(1);
    expect(doc.sources[0]).toMatchObject({ type: 'apt', name: 'x', url: 'http://mirror.example.internal:8080/apt/x/', described: true, bytes: 2048, counts: [{ label: 'packages', value: 9 }] });
    expect(snippetTexts(doc)).toEqual([
      'curl -fsSLo /etc/apt/keyrings/airlock-site.gpg http://mirror.example.internal:8080/keys/site.gpg',
      'deb [signed-by=/k] http://mirror.example.internal:8080/apt/x stable main',
      'location = "mirror.example.internal:8080"\ninsecure = true\n[host."http://mirror.example.internal:8080"]\n--src-tls-verify=false {{unknown}}',
    ]);

    const page = await getWithHost(server.port, '/', 'mirror.example.internal:8080');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'/);
    // The page shows exactly what the JSON says.
    expect([...snippetsInPage(page.body).values()]).toEqual(snippetTexts(doc));
    expect([...snippetsInPage(page.body).keys()]).toEqual(['apt/x/key', 'apt/x/list', 'apt/x/mirror']);
    for (const text of ['000007', 'site-a-000003', 'E'.repeat(40), '2030-01-02 03:00:00 UTC', '2.00 KiB', '/etc/apt/sources.list.d/x.list', 'then apt-get update', '<a href="apt/x/">']) expect(page.body).toContain(text);
    // Offline and script-free: nothing to fetch, nothing to run.
    expect(page.body).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|url\(/i);
  });

  it('regression: hostile source, channel and snippet strings are printed as text, never as markup', async () => {
    const evil = '<script>alert(1)</script>"\'&<img src=x onerror=alert(2)>';
    const server = await servedPublication(
      record({
        type: `apt${evil}`,
        name: `x${evil}`,
        channel: `c${evil}`,
        exporterKey: evil,
        description: { counts: [{ label: evil, value: 1 }], bytes: 1, clients: [{ id: evil, title: evil, file: evil, template: `${evil}{{url}}`, note: evil }] },
      }),
    );
    const page = await (await fetch(server.url)).text();
    expect(page).not.toMatch(/<script|<img/i);
    expect(page).toContain('&#60;script&#62;alert(1)&#60;/script&#62;&#34;&#39;&#38;&#60;img src=x onerror=alert(2)&#62;');
    // Links to the hostile tree are percent-encoded, so they stay inside the site.
    expect(page).toContain(`href="${encodeURIComponent(`apt${evil}`).replace(/'/g, '&#39;')}/`);
    const doc = (await (await fetch(`${server.url}airlock.json`)).json()) as SiteDocument;
    expect(doc.sources[0]?.name).toBe(`x${evil}`);
    expect(doc.sources[0]?.clients[0]?.text).toBe(`${evil}${server.url}`);
  });

  it('regression: a Host header that is not a plain host name is not written into the page; the listening address is used', async () => {
    const server = await servedPublication(record());
    const listening = `http://127.0.0.1:${server.port}/`;
    for (const host of ['mirror"><b>bold</b>', 'a.example;rm -rf /', 'a.example/evil', 'a b', 'user@a.example', "a.example'$(id)", '']) {
      const page = await getWithHost(server.port, '/', host);
      expect(page.status, host).toBe(200);
      expect(page.body, host).not.toContain('<b>');
      const doc = JSON.parse((await getWithHost(server.port, '/airlock.json', host)).body) as SiteDocument;
      expect(doc.url, host).toBe(listening);
      expect(snippetTexts(doc)[0], host).toBe(`curl -fsSLo /etc/apt/keyrings/airlock-site.gpg ${listening}keys/site.gpg`);
    }
    for (const host of ['[::1]:8080', 'MIRROR.example', '10.0.0.9']) {
      expect((JSON.parse((await getWithHost(server.port, '/airlock.json', host)).body) as SiteDocument).url).toBe(`http://${host}/`);
    }
  });

  it('uses --public-url instead of the Host header, path prefix and https included', async () => {
    const server = await servedPublication(record(), { publicUrl: 'https://airlock.example.org/site' });
    const doc = JSON.parse((await getWithHost(server.port, '/airlock.json', 'other.example:9')).body) as SiteDocument;
    expect(doc.url).toBe('https://airlock.example.org/site/');
    expect(snippetTexts(doc)).toEqual([
      'curl -fsSLo /etc/apt/keyrings/airlock-site.gpg https://airlock.example.org/site/keys/site.gpg',
      'deb [signed-by=/k] https://airlock.example.org/site/apt/x stable main',
      'location = "airlock.example.org"\ninsecure = false\n[host."https://airlock.example.org"]\n--src-tls-verify=true {{unknown}}',
    ]);
    expect((await getWithHost(server.port, '/', 'other.example:9')).body).not.toContain('other.example');
  });

  it('answers 503 with what to do while nothing is published', async () => {
    const publish = await publishDir();
    const server = await serve(publish.current);
    const page = await fetch(server.url);
    expect(page.status).toBe(503);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('airlock import /media/usb/BUNDLE');
    const json = await fetch(`${server.url}airlock.json`);
    expect(json.status).toBe(503);
    expect(await json.json()).toEqual({ format: 'airlock-site/1', published: false, message: 'nothing is published yet; run airlock import' });
  });

  it('shows a source published without a description, and a snapshot without a record, with their files', async () => {
    const legacy = await servedPublication(record({ description: null }));
    const doc = (await (await fetch(`${legacy.url}airlock.json`)).json()) as SiteDocument;
    expect(doc.sources[0]).toMatchObject({ name: 'x', described: false, clients: [], bytes: null });
    expect(await (await fetch(legacy.url)).text()).toContain('published without a description of its clients');

    const bare = await servedPublication(undefined);
    const page = await fetch(bare.url);
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain('has no publication record');
    expect(body).toContain('<a href="apt/">apt/</a>');
    expect(((await (await fetch(`${bare.url}airlock.json`)).json()) as SiteDocument).publication).toBeNull();
  });

  it('answers 500, saying why, when the record is unreadable', async () => {
    const server = await servedPublication('{"snapshot": 7');
    const json = await fetch(`${server.url}airlock.json`);
    expect(json.status).toBe(500);
    expect(((await json.json()) as SiteDocument).problem).toContain('airlock-publication.json is not valid JSON');
    expect((await fetch(server.url)).status).toBe(500);
  });

  it('keeps directory listings under every tree, links the trees from the page, and answers HEAD without a body', async () => {
    const server = await servedPublication(record());
    const page = await (await fetch(server.url)).text();
    for (const tree of ['apt/', 'keys/', 'airlock-publication.json']) expect(page).toContain(`<a href="${tree}">${tree}</a>`);
    const listing = await (await fetch(`${server.url}apt/x/dists/`)).text();
    expect(listing).toContain('Index of /apt/x/dists/');
    expect(await (await fetch(`${server.url}keys/site.gpg`)).text()).toBe('k');
    const head = await fetch(server.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await fetch(`${server.url}airlock.json?pretty=1`)).status).toBe(200);
  });
});

describe('site addresses', () => {
  it('refuses a --public-url that is not a plain http(s) URL, before listening', async () => {
    for (const bad of ['mirror:8080', 'ftp://mirror/', 'http://user:pw@mirror/', 'http://mirror/?x=1', 'http://mirror/#top', 'not a url']) {
      expect(() => parsePublicUrl(bad), bad).toThrow();
    }
    await expectCode(startServer({ root: '/nonexistent', host: '127.0.0.1', port: 0, publicUrl: 'ftp://mirror/' }), 'USAGE');
    expect(parsePublicUrl('http://Mirror.Example:80')).toEqual({ url: 'http://mirror.example/', origin: 'http://mirror.example', host: 'mirror.example', insecure: true });
  });

  it('fills only the known placeholders', () => {
    const address = parsePublicUrl('http://m:81/p/');
    expect(renderTemplate('{{url}} {{origin}} {{host}} {{insecure}} {{tlsVerify}} {{URL}} {url} {{ url }}', address)).toBe('http://m:81/p/ http://m:81 m:81 true false {{URL}} {url} {{ url }}');
  });
});
