export type RequestPath = { ok: true; segments: string[]; trailingSlash: boolean } | { ok: false; reason: string };

/**
 * Splits a request target into decoded path segments. The target is attacker-controlled: it is
 * decoded exactly once, segment by segment, and any segment that could step outside the tree
 * after decoding (`..`, an encoded `/` or `\`, NUL) is refused rather than normalised.
 */
export function parseRequestPath(target: string): RequestPath {
  const end = target.search(/[?#]/);
  const rawPath = end === -1 ? target : target.slice(0, end);
  // Absolute-form (`http://host/x`) and asterisk-form targets are for proxies, not for a file tree.
  if (!rawPath.startsWith('/')) return { ok: false, reason: 'the request path must start with /' };
  const segments: string[] = [];
  for (const raw of rawPath.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { ok: false, reason: 'the request path is not valid percent-encoding' };
    }
    if (segment === '' || segment === '.') continue;
    if (segment === '..' || /[/\\\0]/.test(segment)) return { ok: false, reason: 'the request path leaves the published tree' };
    segments.push(segment);
  }
  return { ok: true, segments, trailingSlash: rawPath.endsWith('/') };
}

/** The canonical URL path of `segments`; built from decoded parts so a redirect can never point off-site. */
export function urlPathOf(segments: string[], trailingSlash: boolean): string {
  const path = `/${segments.map(encodeURIComponent).join('/')}`;
  return trailingSlash && segments.length > 0 ? `${path}/` : path;
}
