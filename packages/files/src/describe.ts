import type { ClientSnippet, DescribeContext, SourceDescription } from '@airlock/core';
import type { FileEntry, FilesCatalog } from './types.js';

/** What `files/<name>/` offers: its files, and commands that fetch them from the site. */
export function describeFiles(catalog: FilesCatalog, ctx: DescribeContext): SourceDescription {
  const files = catalog.entries.filter((e): e is FileEntry => e.type === 'file');
  const dirs = catalog.entries.filter((e) => e.type === 'dir').length;
  const links = catalog.entries.filter((e) => e.type === 'symlink').length;
  const base = `{{url}}files/${ctx.sourceName}/`;
  const clients: ClientSnippet[] = [
    {
      id: 'files-wget',
      title: 'wget: copy the whole tree',
      template: `wget --recursive --level=inf --no-parent --no-host-directories -e robots=off --reject 'index.html*' ${base}`,
      note: `The tree lands under ./files/${ctx.sourceName}/ (below any path prefix of the site URL). Symbolic links arrive as copies of what they point to.`,
    },
  ];
  const first = files[0];
  if (first !== undefined) {
    const basename = first.path.split('/').pop() ?? first.path;
    clients.push({ id: 'files-curl', title: 'curl: fetch one file', template: `curl -fsSLo ${shellQuote(`./${basename}`)} ${base}${urlPath(first.path)}`, note: 'Every file has its own URL under the tree; this is the first one.' });
  }
  return {
    counts: [{ label: 'files', value: files.length }, ...(dirs > 0 ? [{ label: 'directories', value: dirs }] : []), ...(links > 0 ? [{ label: 'symbolic links', value: links }] : [])],
    bytes: files.reduce((sum, f) => sum + f.size, 0),
    clients,
  };
}

/** Percent-encodes each segment, quotes and parentheses included, so the URL needs no shell quoting. */
function urlPath(path: string): string {
  return path
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

function shellQuote(text: string): string {
  return /^[A-Za-z0-9._+/-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
