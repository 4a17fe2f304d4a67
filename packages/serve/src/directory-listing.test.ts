import { describe, expect, it } from 'vitest';
import { publishDir, serve, servedTree } from './__tests__/fixture.js';
import { sampleFiles } from './__tests__/sample-files.js';

describe('directories', () => {
  it('redirects to the trailing-slash form and lists entries with sizes', async () => {
    const { server } = await servedTree(sampleFiles);
    const redirect = await fetch(`${server.url}keys`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/keys/');
    await redirect.arrayBuffer();
    const listing = await fetch(`${server.url}keys/`);
    expect(listing.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await listing.text();
    expect(html).toContain('<a href="site.asc">site.asc</a></td><td>36<');
    expect(html).toContain('<a href="site.gpg">site.gpg</a></td><td>2<');
    expect(html).toContain('<a href="../">');
    const root = await (await fetch(server.url)).text();
    expect(root).toContain('<a href="keys/">keys/</a>');
  });

  it('escapes hostile names in listings', async () => {
    const publish = await publishDir();
    await publish.snapshot('1', { 'x/<script>alert("x")<\\script>&.txt': 'x', "x/it's.txt": 'y' });
    await publish.switchTo('1');
    const server = await serve(publish.current);
    const html = await (await fetch(`${server.url}x/`)).text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;\\script&#62;&#38;.txt');
    expect(html).toContain('href="%3Cscript%3Ealert(%22x%22)%3C%5Cscript%3E%26.txt"');
    expect(html).toContain('it&#39;s.txt');
  });
});
