import { isIPv6 } from 'node:net';
import { isDigest, type Digest } from '@airlock/core';

export const REPO_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
export const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** docker's domain grammar: dot-separated labels, then an optional port. */
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
const HOST_NAME_RE = new RegExp(`^${LABEL}(?:\\.${LABEL})*(?::[0-9]{1,5})?$`);
const BRACKETED_RE = /^\[([0-9A-Fa-f:.]+)\](?::[0-9]{1,5})?$/;

/**
 * A host name or IPv4 address, or an IPv6 address in brackets, each with an optional port, that
 * also makes a valid URL (which refuses names like `local.5000`, whose numeric last label reads as IPv4).
 */
export function isRegistryHost(host: string): boolean {
  const bracketed = BRACKETED_RE.exec(host);
  const grammar = bracketed ? isIPv6(bracketed[1] ?? '') : HOST_NAME_RE.test(host);
  return grammar && URL.canParse(`https://${host}/`);
}

export interface ImageReference {
  /** host[:port] as written, docker.io for Docker Hub. */
  host: string;
  repository: string;
  tag?: string;
  digest?: Digest;
}

/** Parses `[host[:port]/]path[:tag][@sha256:…]` the way docker does; undefined when malformed. */
export function parseImageReference(text: string): ImageReference | undefined {
  let rest = text;
  let digest: Digest | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const d = rest.slice(at + 1);
    if (!isDigest(d)) return undefined;
    digest = d;
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasHost = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let host = hasHost ? first : 'docker.io';
  if (!isRegistryHost(host)) return undefined;
  if (host === 'index.docker.io') host = 'docker.io';
  let path = hasHost ? rest.slice(slash + 1) : rest;
  let tag: string | undefined;
  const colon = path.lastIndexOf(':');
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!TAG_RE.test(tag)) return undefined;
  }
  if (host === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  if (!REPO_RE.test(path) || path.length > 255) return undefined;
  return { host, repository: path, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

/** The host that actually answers the API for a registry name (Docker Hub's differs from its name). */
export function apiHost(host: string): string {
  return host === 'docker.io' ? 'registry-1.docker.io' : host;
}

/** Loopback registries use plain HTTP, as containerd does; so do hosts the config lists as insecure. */
export function registryBaseUrl(host: string, insecure: string[]): string {
  const api = apiHost(host);
  const name = api.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const loopback = name === 'localhost' || /^127\./.test(name) || name === '::1';
  return `${loopback || insecure.includes(host) || insecure.includes(api) ? 'http' : 'https'}://${api}`;
}
