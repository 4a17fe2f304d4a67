import { AirlockError, type Fetcher } from '@airlock/core';
import { MAX_BODY, MAX_HEADERS, MAX_SIGNATURE } from '../assertions/decode.js';
import { readAssertion, type Assertion } from '../assertions/model.js';

export const ASSERTION_MEDIA_TYPE = 'application/x.ubuntu.assertion';

/**
 * Fetches assertions from `GET <store>/v2/assertions/<type>/<key…>` one at a time, as snapd's
 * store installs do (with the legacy v1 device headers snapd sends there), keeping each answer's
 * bytes exactly. An answer that is not the assertion asked for is refused.
 */
export class AssertionFetcher {
  private readonly cache = new Map<string, Promise<Assertion>>();

  constructor(
    private readonly store: string,
    private readonly fetcher: Fetcher,
  ) {}

  get(ref: string): Promise<Assertion> {
    let pending = this.cache.get(ref);
    if (!pending) {
      pending = this.fetch(ref);
      this.cache.set(ref, pending);
    }
    return pending;
  }

  private async fetch(ref: string): Promise<Assertion> {
    const url = `${this.store}/v2/assertions/${ref.split('/').map(encodeURIComponent).join('/')}`;
    let bytes: Buffer;
    try {
      bytes = await this.fetcher.getBytes(url, {
        maxBytes: MAX_HEADERS + MAX_BODY + MAX_SIGNATURE + 8,
        headers: { Accept: ASSERTION_MEDIA_TYPE, 'X-Ubuntu-Series': '16' },
      });
    } catch (err) {
      throw new AirlockError('UPSTREAM_INVALID', `cannot fetch the ${ref} assertion from ${url}; the store must serve every assertion of a snap's chain`, { cause: err, details: { assertion: ref } });
    }
    const assertion = readAssertion(bytes, `${ref} from ${url}`);
    if (assertion.ref !== ref) throw new AirlockError('UPSTREAM_INVALID', `asked the store for ${ref}, it answered ${assertion.ref}`, { details: { assertion: ref } });
    return assertion;
  }
}
