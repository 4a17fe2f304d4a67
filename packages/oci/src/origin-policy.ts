import { AirlockError } from '@airlock/core';

/**
 * Token services that live on another origin than their registry, known by name. Basic
 * credentials go to a token realm only when it is the registry's own origin or listed here.
 */
const KNOWN_TOKEN_SERVICES: Record<string, readonly string[]> = {
  'https://registry-1.docker.io': ['https://auth.docker.io'],
};

/** Parses a URL the registry chose (a Link, a realm, a Location): attacker-controlled. */
export function registryChosenUrl(text: string, base: string, label: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    throw new AirlockError('UPSTREAM_INVALID', `${label}: the registry sent an invalid ${what} URL ${JSON.stringify(text.slice(0, 200))}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new AirlockError('UPSTREAM_INVALID', `${label}: the ${what} URL ${url.href} is not http(s)`);
  if (url.username !== '' || url.password !== '') throw new AirlockError('UPSTREAM_INVALID', `${label}: the ${what} URL carries credentials of its own`);
  return url;
}

/**
 * Where the registry at `registryOrigin` may send airlock for a token. Plain http only when the
 * registry itself is plain http (loopback, or listed in insecureRegistries); `sendCredentials`
 * only for the registry's own origin or a known token service of it.
 */
export function tokenRealmPolicy(realm: URL, registryOrigin: string, label: string): { sendCredentials: boolean } {
  if (realm.protocol === 'http:' && registryOrigin.startsWith('https:')) {
    throw new AirlockError('UPSTREAM_INVALID', `${label}: the registry sends airlock to the plain-http token service ${realm.origin}; airlock only fetches tokens over https from an https registry`, {
      details: { realm: realm.origin, registry: registryOrigin },
    });
  }
  const sendCredentials = realm.origin === registryOrigin || (KNOWN_TOKEN_SERVICES[registryOrigin] ?? []).includes(realm.origin);
  return { sendCredentials };
}
