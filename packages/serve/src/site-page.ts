import { formatSize } from '@airlock/core';
import { html, SafeHtml } from './html.js';
import type { SiteDocument, SiteSource } from './site-document.js';
import { SITE_STYLE } from './site-style.js';

/** A top-level entry of the published tree, linked from the page (the trees keep their listings). */
export interface TopEntry {
  name: string;
  isDir: boolean;
}

/**
 * The site page: the publication, the site key, and per source its counts, sizes and the client
 * configuration for this host. Static HTML: no scripts, no external assets, readable as text.
 */
export function sitePage(doc: SiteDocument, entries: TopEntry[], note?: string): string {
  const title = doc.publication ? `airlock site: publication ${doc.publication.snapshot}` : 'airlock site';
  return page(title, html`
<header>
<h1>airlock site</h1>
<p>Served at <code>${doc.url}</code>${doc.publication ? html`, publication <strong>${doc.publication.snapshot}</strong>${doc.publication.publishedAt ? html` published ${time(doc.publication.publishedAt)}` : ''}` : ''}.
Machine-readable: <a href="airlock.json">airlock.json</a>.</p>
${doc.problem ? html`<p class="problem">${doc.problem}</p>` : ''}
${note ? html`<p class="problem">${note}</p>` : ''}
</header>
${contents(doc)}
${publication(doc)}
${siteKey(doc)}
${doc.sources.map(source)}
${browse(entries)}
`);
}

/** The 503 page while nothing is published: what to run to publish something. */
export function nothingPublishedPage(): string {
  return page('airlock site: nothing published yet', html`
<h1>Nothing is published yet</h1>
<p>This airlock site has no current publication, so there is nothing for clients to use.</p>
<p>On this machine, trust the exporter key once, then import a bundle:</p>
<pre><code>airlock trust add exporter.pub.asc
airlock import /media/usb/BUNDLE</code></pre>
<p>This page then shows how to point apt, dnf, container runtimes, MAAS and snapd at this host.</p>
`);
}

function page(title: string, body: SafeHtml): string {
  return html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><style>${new SafeHtml(SITE_STYLE)}</style></head>
<body>${body}</body></html>
`.text;
}

function contents(doc: SiteDocument): SafeHtml {
  const items = [
    ...(doc.publication ? [html`<li><a href="#publication">Publication</a></li>`] : []),
    html`<li><a href="#site-key">Site key</a></li>`,
    ...doc.sources.map((s) => html`<li><a href="#${anchor(s)}">${s.type}/${s.name}</a></li>`),
    html`<li><a href="#browse">Browse the files</a></li>`,
  ];
  return html`<nav><h2>Contents</h2><ul>${items}</ul></nav>`;
}

function publication(doc: SiteDocument): SafeHtml | string {
  if (!doc.publication) return '';
  const rows = doc.publication.channels.map(
    (c) => html`<tr><td>${c.channel}</td><td>${c.sequence}</td><td><code>${c.bundle}</code></td><td>${c.importedAt ? time(c.importedAt) : html`<span class="muted">not recorded</span>`}</td><td>${c.exporterKey ? html`<code>${c.exporterKey}</code>` : html`<span class="muted">not recorded</span>`}</td></tr>`,
  );
  return html`<section id="publication"><h2>Publication</h2>
<p>Snapshot <strong>${doc.publication.snapshot}</strong>. Each channel is a stream of signed bundles; this is the newest bundle of each that the site publishes.</p>
<table><tr><th>Channel</th><th>Sequence</th><th>Bundle</th><th>Imported</th><th>Signed by exporter key</th></tr>${rows}</table></section>`;
}

function siteKey(doc: SiteDocument): SafeHtml {
  return html`<section id="site-key"><h2>Site key</h2>
<p>Everything this site republishes (apt Release files, repomd.xml, simplestreams indexes) is signed by the site key${doc.siteKey.fingerprint ? html` <code>${doc.siteKey.fingerprint}</code>` : ''}.
Clients fetch it from <a href="keys/site.gpg">keys/site.gpg</a> (binary, for apt <code>signed-by</code>, MAAS and gpgv) or <a href="keys/site.asc">keys/site.asc</a> (armored, for dnf).
Compare the fingerprint with the one <code>airlock status</code> shows on the site before trusting it.</p></section>`;
}

function source(s: SiteSource): SafeHtml {
  const facts = [...s.counts.map((c) => html`<tr><th>${c.label}</th><td>${c.value}</td></tr>`), ...(s.bytes === null ? [] : [html`<tr><th>size</th><td>${formatSize(s.bytes)}</td></tr>`])];
  const href = `${encodeURIComponent(s.type)}/${encodeURIComponent(s.name)}/`;
  return html`<section class="source" id="${anchor(s)}"><h2>${s.type}/${s.name}</h2>
<p>From channel ${s.channel}, bundle <code>${s.bundle}</code> (sequence ${s.sequence}). Files: <a href="${href}">${href}</a></p>
${facts.length > 0 ? html`<table>${facts}</table>` : ''}
${s.described ? s.clients.map((c) => snippet(s, c)) : html`<p class="muted">This source was published without a description of its clients (by an older airlock, or its driver could not describe it); its files are above.</p>`}
</section>`;
}

function snippet(s: SiteSource, c: SiteSource['clients'][number]): SafeHtml {
  return html`<div class="snippet"><h3>${c.title}</h3>
${c.file ? html`<p class="file">In <code>${c.file}</code>:</p>` : ''}<pre data-snippet="${s.type}/${s.name}/${c.id}"><code>${c.text}</code></pre>
${c.note ? html`<p class="note">${c.note}</p>` : ''}</div>`;
}

function browse(entries: TopEntry[]): SafeHtml {
  const items = entries.map((e) => {
    const label = e.name + (e.isDir ? '/' : '');
    return html`<li><a href="${encodeURIComponent(e.name)}${e.isDir ? '/' : ''}">${label}</a></li>`;
  });
  return html`<section id="browse"><h2>Browse the files</h2>
<p>Every directory of the publication has a plain listing.</p><ul>${items}</ul></section>`;
}

function time(iso: string): SafeHtml {
  const shown = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z$/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : iso;
  return html`<time datetime="${iso}">${shown}</time>`;
}

const anchor = (s: SiteSource): string => `source-${s.type}-${s.name}`;
