import { AirlockError } from '@airlock/core';
import { isSha3Base64Url } from './base64.js';
import { decodeAssertion, wholeNumber, type RawAssertion } from './decode.js';
import { decodePublicKey, decodeSignature, type PublicKey, type SignaturePacket } from './openpgp.js';
import { parseTime } from './time.js';

const ACCOUNT_ID = /^(?:[a-zA-Z0-9]{32}|[-a-z0-9]{2,28})$/;
const SNAP_ID = /^[a-zA-Z0-9]{32}$/;

interface Base {
  raw: RawAssertion;
  /** `type/primary-key…`, as the assertions endpoint path spells it. */
  ref: string;
  authorityId: string;
  signKeyId: string;
  revision: number;
  format: number;
  signature: SignaturePacket;
  label: string;
}

export interface AccountKey extends Base {
  type: 'account-key';
  accountId: string;
  name: string;
  since: bigint;
  until: bigint | undefined;
  publicKey: PublicKey;
}

export interface Account extends Base {
  type: 'account';
  accountId: string;
  displayName: string;
  username: string | undefined;
  validation: string;
  timestamp: bigint;
}

export interface SnapDeclaration extends Base {
  type: 'snap-declaration';
  series: string;
  snapId: string;
  /** Empty when the store revoked or renamed the snap. */
  snapName: string;
  publisherId: string;
  timestamp: bigint;
}

export interface SnapRevision extends Base {
  type: 'snap-revision';
  /** base64url SHA3-384 of the .snap. */
  snapSha3: string;
  provenance: string;
  snapId: string;
  snapSize: number;
  snapRevision: number;
  developerId: string;
  timestamp: bigint;
}

export type Assertion = AccountKey | Account | SnapDeclaration | SnapRevision;

/** Decodes one assertion and checks the header rules of its type (UPSTREAM_INVALID otherwise). */
export function readAssertion(input: Buffer | string, what = 'assertion'): Assertion {
  return typedAssertion(decodeAssertion(input, what), what);
}

export function typedAssertion(raw: RawAssertion, what: string): Assertion {
  const h = new Headers(raw, what);
  const signKeyId = h.digest('sign-key-sha3-384');
  const base = {
    raw,
    authorityId: h.text('authority-id'),
    signKeyId,
    revision: h.count('revision'),
    format: h.count('format'),
    signature: decodeSignature(raw.signature, what),
  };
  switch (raw.type) {
    case 'account-key': {
      const accountId = h.id('account-id', ACCOUNT_ID);
      const publicKey = decodePublicKey(raw.body.toString('utf8'), what);
      const declared = h.digest('public-key-sha3-384');
      if (declared !== publicKey.id) throw h.bad(`public-key-sha3-384 ${declared} does not match the key in its body (${publicKey.id})`);
      const since = h.time('since');
      const until = h.optional('until') === undefined ? undefined : h.time('until');
      if (until !== undefined && until < since) throw h.bad('until is before since');
      const name = h.optional('name') ?? '';
      return { ...base, type: 'account-key', ref: `account-key/${declared}`, label: `account-key ${declared} (${accountId}/${name})`, accountId, name, since, until, publicKey };
    }
    case 'account': {
      const accountId = h.id('account-id', ACCOUNT_ID);
      return {
        ...base,
        type: 'account',
        ref: `account/${accountId}`,
        label: `account ${accountId}`,
        accountId,
        displayName: h.text('display-name'),
        username: h.optional('username'),
        validation: h.text('validation'),
        timestamp: h.time('timestamp'),
      };
    }
    case 'snap-declaration': {
      const series = h.text('series');
      const snapId = h.id('snap-id', SNAP_ID);
      const snapName = h.present('snap-name');
      return {
        ...base,
        type: 'snap-declaration',
        ref: `snap-declaration/${series}/${snapId}`,
        label: `snap-declaration ${series}/${snapId} (${snapName || 'revoked'})`,
        series,
        snapId,
        snapName,
        publisherId: h.id('publisher-id', ACCOUNT_ID),
        timestamp: h.time('timestamp'),
      };
    }
    case 'snap-revision': {
      const snapSha3 = h.digest('snap-sha3-384');
      const provenance = h.optional('provenance') ?? 'global-upload';
      const snapRevision = h.required('snap-revision');
      if (snapRevision < 1) throw h.bad('snap-revision must be at least 1');
      return {
        ...base,
        type: 'snap-revision',
        ref: provenance === 'global-upload' ? `snap-revision/${snapSha3}` : `snap-revision/${snapSha3}/${provenance}`,
        label: `snap-revision ${snapSha3}`,
        snapSha3,
        provenance,
        snapId: h.id('snap-id', SNAP_ID),
        snapSize: h.required('snap-size'),
        snapRevision,
        developerId: h.id('developer-id', ACCOUNT_ID),
        timestamp: h.time('timestamp'),
      };
    }
    default:
      throw new AirlockError('UPSTREAM_INVALID', `${what} is a ${JSON.stringify(raw.type.slice(0, 40))} assertion; a snap's chain has only account-key, account, snap-declaration and snap-revision`);
  }
}

class Headers {
  constructor(
    private readonly raw: RawAssertion,
    private readonly what: string,
  ) {}
  bad(reason: string): AirlockError {
    return new AirlockError('UPSTREAM_INVALID', `${this.what} (${this.raw.type}): ${reason}`);
  }
  optional(name: string): string | undefined {
    const value = this.raw.headers[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw this.bad(`${name} must be text`);
    return value;
  }
  present(name: string): string {
    const value = this.optional(name);
    if (value === undefined) throw this.bad(`${name} is missing`);
    return value;
  }
  text(name: string): string {
    const value = this.present(name);
    if (value === '') throw this.bad(`${name} is empty`);
    return value;
  }
  id(name: string, re: RegExp): string {
    const value = this.text(name);
    if (!re.test(value)) throw this.bad(`${name} ${JSON.stringify(value.slice(0, 64))} is not a valid id`);
    return value;
  }
  digest(name: string): string {
    const value = this.text(name);
    if (!isSha3Base64Url(value)) throw this.bad(`${name} is not a base64url SHA3-384`);
    return value;
  }
  count(name: string): number {
    const value = this.optional(name);
    return value === undefined ? 0 : wholeNumber(value, name, `${this.what} (${this.raw.type})`);
  }
  required(name: string): number {
    return wholeNumber(this.present(name), name, `${this.what} (${this.raw.type})`);
  }
  time(name: string): bigint {
    const value = parseTime(this.text(name));
    if (value === undefined) throw this.bad(`${name} is not an RFC 3339 time`);
    return value;
  }
}
