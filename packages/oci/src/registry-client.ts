import { AirlockError } from '@airlock/core';
import { parseChallenge } from './challenge.js';
import { basicHeader, type BasicCredentials } from './docker-auth.js';
import { readLimited } from './read-limited.js';

const RETRIES = 3;
const TOKEN_LIMIT = 1 << 20;

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
 */
export class RegistryClient {
  private readonly tokens = new Map<string, string>();
  private basicWanted = false;

  constructor(
    readonly baseUrl: string,
    private readonly creds: BasicCredentials | undefined,
    readonly label: string,
  ) {}

  /** Absolute URL for an API path, or the URL itself when the registry returned an absolute Location. */
  url(pathOrUrl: string): string {
    return new URL(pathOrUrl, `${this.baseUrl}/`).toString();
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

  async request(pathOrUrl: string, r: RegistryRequest): Promise<Response> {
    const url = this.url(pathOrUrl);
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

  private send(url: string, r: Omit<RegistryRequest, 'scope'>, auth: Record<string, string>): Promise<Response> {
    const init: RequestInit & { duplex?: 'half' } = { method: r.method ?? 'GET', headers: { ...r.headers, ...auth }, redirect: 'follow' };
    if (r.body !== undefined && r.body !== null) {
      init.body = r.body;
      init.duplex = 'half';
    }
    return fetch(url, init);
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
    const tokenUrl = new URL(realm);
    if (tokenUrl.protocol !== 'https:' && tokenUrl.protocol !== 'http:') throw new AirlockError('UPSTREAM_INVALID', `${this.label}: token realm ${realm} is not http(s)`);
    if (challenge?.params.service) tokenUrl.searchParams.set('service', challenge.params.service);
    tokenUrl.searchParams.set('scope', scope);
    const headers: Record<string, string> = this.creds ? { Authorization: basicHeader(this.creds) } : {};
    const answer = await fetch(tokenUrl, { headers });
    if (!answer.ok) {
      await answer.body?.cancel();
      throw new AirlockError('HTTP_STATUS', `${this.label}: the token service refused ${scope} (${answer.status}); check the credentials in the auth file`);
    }
    let doc: { token?: unknown; access_token?: unknown };
    try {
      doc = JSON.parse((await readLimited(answer, TOKEN_LIMIT, 'token response')).toString('utf8')) as typeof doc;
    } catch (err) {
      throw new AirlockError('UPSTREAM_INVALID', `${this.label}: the token service sent no JSON token`, { cause: err });
    }
    const token = typeof doc.token === 'string' ? doc.token : typeof doc.access_token === 'string' ? doc.access_token : undefined;
    if (!token) throw new AirlockError('UPSTREAM_INVALID', `${this.label}: the token response has neither token nor access_token`);
    this.tokens.set(scope, token);
  }
}

export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}
