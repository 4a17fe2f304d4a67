import { AirlockError } from '@airlock/core';
import { parseChallenge } from './challenge.js';
import { basicHeader, type BasicCredentials } from './docker-auth.js';
import { registryChosenUrl, tokenRealmPolicy } from './origin-policy.js';
import { parseJson, readLimited } from './read-limited.js';

const RETRIES = 3;
const TOKEN_LIMIT = 1 << 20;
const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface RegistryRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | null;
  /** e.g. `repository:library/nginx:pull`; selects the bearer token. */
  scope: string;
  /** Retry on 5xx and network errors (only for requests that can be repeated). */
  retry?: boolean;
}

/**
 * A distribution-API client for one registry: bearer tokens per scope (anonymous or with basic
 * credentials), basic auth when the registry asks for it, retries on transient failures.
 * Credentials and tokens never leave the registry's origin: URLs the registry chooses (a tags
 * Link, a redirect, an upload Location) get them only while they stay on it, and a token realm
 * gets Basic credentials only on the same origin or a known token service (origin-policy.ts).
 */
export class RegistryClient {
  private readonly tokens = new Map<string, string>();
  private basicWanted = false;
  readonly origin: string;

  constructor(
    readonly baseUrl: string,
    private readonly creds: BasicCredentials | undefined,
    readonly label: string,
  ) {
    this.origin = new URL(baseUrl).origin;
  }

  /** Absolute URL for an API path, or the URL itself when the registry returned an absolute Location. */
  url(pathOrUrl: string): string {
    return registryChosenUrl(pathOrUrl, `${this.baseUrl}/`, this.label, 'API').toString();
  }

  isSameOrigin(url: string): boolean {
    return new URL(url).origin === this.origin;
  }

  /** Headers that authorise a request in `scope`, fetching a fresh token if the registry wants one. */
  async authHeaders(scope: string, forceFresh = false): Promise<Record<string, string>> {
    if (forceFresh) this.tokens.delete(scope);
    if (!this.tokens.has(scope) && !this.basicWanted) {
      const probe = await this.send(`${this.baseUrl}/v2/`, { method: 'GET' }, {});
      await probe.body?.cancel();
      if (probe.status === 401) await this.answerChallenge(probe, scope);
    }
    return this.currentAuth(scope);
  }

  /** Like authHeaders, but empty for a URL on another origin (an upload Location on storage). */
  async authHeadersFor(url: string, scope: string): Promise<Record<string, string>> {
    return this.isSameOrigin(url) ? this.authHeaders(scope) : {};
  }

  /** A request to the registry's own origin; a path or URL on another origin is refused (UPSTREAM_INVALID). */
  async request(pathOrUrl: string, r: RegistryRequest): Promise<Response> {
    const url = this.url(pathOrUrl);
    if (!this.isSameOrigin(url)) {
      throw new AirlockError('UPSTREAM_INVALID', `${this.label} pointed airlock at ${new URL(url).origin}, not its own origin ${this.origin}; airlock does not follow a registry elsewhere with its credentials`, {
        details: { url, registry: this.origin },
      });
    }
    const attempts = r.retry === false ? 1 : RETRIES + 1;
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await new Promise((done) => setTimeout(done, 300 * 2 ** attempt));
      try {
        let res = await this.send(url, r, this.currentAuth(r.scope));
        if (res.status === 401) {
          await res.body?.cancel();
          await this.answerChallenge(res, r.scope);
          res = await this.send(url, r, this.currentAuth(r.scope));
        }
        if ((res.status >= 500 || res.status === 429) && attempt < attempts - 1) {
          await res.body?.cancel();
          lastError = new AirlockError('HTTP_STATUS', `${this.label}: ${res.status} for ${url}`);
          continue;
        }
        return res;
      } catch (err) {
        if (err instanceof AirlockError) throw err;
        lastError = err;
      }
    }
    if (lastError instanceof AirlockError) throw lastError;
    throw new AirlockError('FETCH_FAILED', `${this.label}: cannot reach ${url}: ${(lastError as Error)?.message}; check the address and the network`, { cause: lastError });
  }

  private currentAuth(scope: string): Record<string, string> {
    const token = this.tokens.get(scope);
    if (token) return { Authorization: `Bearer ${token}` };
    if (this.basicWanted && this.creds) return { Authorization: basicHeader(this.creds) };
    return {};
  }

  /** Follows redirects by hand, so `auth` is sent only while the URL stays on `authOrigin`. */
  private async send(url: string, r: Omit<RegistryRequest, 'scope'>, auth: Record<string, string>, authOrigin = this.origin): Promise<Response> {
    let current = url;
    let method = r.method ?? 'GET';
    let body = r.body ?? null;
    for (let hop = 0; ; hop++) {
      const init: RequestInit & { duplex?: 'half' } = {
        method,
        headers: { ...r.headers, ...(new URL(current).origin === authOrigin ? auth : {}) },
        redirect: 'manual',
      };
      if (body !== null) {
        init.body = body;
        init.duplex = 'half';
      }
      const res = await fetch(current, init);
      const location = res.headers.get('location');
      if (!REDIRECTS.has(res.status) || location === null) return res;
      await res.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw new AirlockError('FETCH_FAILED', `${this.label}: ${url} redirects more than ${MAX_REDIRECTS} times`);
      current = registryChosenUrl(location, current, this.label, 'redirect').toString();
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET';
        body = null;
      }
    }
  }

  private async answerChallenge(res: Response, scope: string): Promise<void> {
    const challenge = parseChallenge(res.headers.get('www-authenticate'));
    if (challenge?.scheme === 'basic') {
      if (!this.creds) throw new AirlockError('HTTP_STATUS', `${this.label} wants credentials; add them to the auth file (auth: {file: …})`);
      this.basicWanted = true;
      return;
    }
    const realm = challenge?.scheme === 'bearer' ? challenge.params.realm : undefined;
    if (!realm) throw new AirlockError('HTTP_STATUS', `${this.label} answered 401 without a usable Bearer challenge`);
    const tokenUrl = registryChosenUrl(realm, `${this.baseUrl}/`, this.label, 'token realm');
    const { sendCredentials } = tokenRealmPolicy(tokenUrl, this.origin, this.label);
    if (challenge?.params.service) tokenUrl.searchParams.set('service', challenge.params.service);
    tokenUrl.searchParams.set('scope', scope);
    const headers: Record<string, string> = this.creds && sendCredentials ? { Authorization: basicHeader(this.creds) } : {};
    const answer = await this.send(tokenUrl.toString(), { method: 'GET' }, headers, tokenUrl.origin);
    if (!answer.ok) {
      await answer.body?.cancel();
      const why = this.creds && !sendCredentials ? `; airlock did not send your credentials there, because ${tokenUrl.origin} is not ${this.origin}` : '; check the credentials in the auth file';
      throw new AirlockError('HTTP_STATUS', `${this.label}: the token service refused ${scope} (${answer.status})${why}`);
    }
    const doc = parseJson(await readLimited(answer, TOKEN_LIMIT, 'token response'), `${this.label}: the token service`);
    const fields = typeof doc === 'object' && doc !== null ? (doc as { token?: unknown; access_token?: unknown }) : {};
    const token = typeof fields.token === 'string' ? fields.token : typeof fields.access_token === 'string' ? fields.access_token : undefined;
    if (!token) throw new AirlockError('UPSTREAM_INVALID', `${this.label}: the token response has neither token nor access_token`);
    this.tokens.set(scope, token);
  }
}

export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}
