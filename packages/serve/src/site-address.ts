import type { IncomingMessage } from 'node:http';
import { AirlockError } from '@airlock/core';

/** How clients reach this site, as the site page writes it into every snippet. */
export interface SiteAddress {
  /** The base URL, ending in `/`: `http://mirror:8080/` (or the `--public-url`, path included). */
  url: string;
  /** Scheme and authority: `http://mirror:8080`. */
  origin: string;
  /** Authority: `mirror:8080`, what registry clients name. */
  host: string;
  /** Plain HTTP: registry clients must be told the mirror is insecure. */
  insecure: boolean;
}

// A Host header is attacker-controlled and ends up in snippets people paste into shells and config
// files: only a DNS name, IPv4 or bracketed IPv6 address, with an optional port, is taken.
const HOST_RE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

export function isSafeHost(value: string): boolean {
  return value.length <= 260 && HOST_RE.test(value);
}

/**
 * Validates `--public-url`: an http(s) URL without credentials, query or fragment; its path (for a
 * site behind a reverse proxy at a prefix) is kept and made to end in `/`.
 */
export function parsePublicUrl(text: string): SiteAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AirlockError('USAGE', `--public-url wants an absolute URL such as http://mirror.example.internal:8080/ (got ${text})`);
  }
  const problems = [
    url.protocol === 'http:' || url.protocol === 'https:' ? undefined : 'use http:// or https://',
    url.username === '' && url.password === '' ? undefined : 'leave out user and password',
    url.search === '' && url.hash === '' ? undefined : 'leave out ?query and #fragment',
    isSafeHost(url.host) ? undefined : 'use a plain host name or address',
  ].filter((p): p is string => p !== undefined);
  if (problems.length > 0) throw new AirlockError('USAGE', `--public-url ${text} is not usable: ${problems.join('; ')}`);
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  return { url: `${url.origin}${path}`, origin: url.origin, host: url.host, insecure: url.protocol === 'http:' };
}

/**
 * The address for one request: the `--public-url` when given, else the request's Host header when
 * it is a plain host name (clients reached the server by it), else the address it listens on.
 */
export function addressFor(req: IncomingMessage, publicUrl: SiteAddress | undefined, listening: () => string): SiteAddress {
  if (publicUrl !== undefined) return publicUrl;
  const header = req.headers.host;
  const host = header !== undefined && isSafeHost(header) ? header : listening();
  return { url: `http://${host}/`, origin: `http://${host}`, host, insecure: true };
}

const PLACEHOLDERS: Record<string, (a: SiteAddress) => string> = {
  url: (a) => a.url,
  origin: (a) => a.origin,
  host: (a) => a.host,
  insecure: (a) => String(a.insecure),
  tlsVerify: (a) => String(!a.insecure),
};

/** Fills a driver's client template for `address`; anything but the known placeholders stays literal. */
export function renderTemplate(template: string, address: SiteAddress): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => PLACEHOLDERS[name]?.(address) ?? whole);
}
