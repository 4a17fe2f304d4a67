import { readClearsigned } from './clearsigned.js';
import { toBytes } from './input.js';
import { parsePublicKeys, type ParsedPublicKey, type PublicKeyInfo } from './public-keys.js';
import { readDetachedSignature } from './signature-packets.js';
import { verifyPackets, type SignatureCheck, type VerifyOptions } from './verify-packets.js';

/** A set of trusted public keys that signatures are checked against. */
export class Keyring {
  readonly fingerprints: string[];
  readonly #keys: ParsedPublicKey[];

  private constructor(keys: ParsedPublicKey[]) {
    this.#keys = keys;
    this.fingerprints = keys.map((key) => key.info.fingerprint);
  }

  /** Armored or binary key data (each may hold several keys) or keys already read; duplicates collapse. */
  static async fromKeys(keys: Array<string | Uint8Array | PublicKeyInfo>): Promise<Keyring> {
    const byFingerprint = new Map<string, ParsedPublicKey>();
    for (const source of keys) {
      const data = typeof source === 'string' || source instanceof Uint8Array ? source : source.binary;
      for (const parsed of await parsePublicKeys(data)) {
        if (!byFingerprint.has(parsed.info.fingerprint)) byFingerprint.set(parsed.info.fingerprint, parsed);
      }
    }
    return new Keyring([...byFingerprint.values()]);
  }

  /**
   * `signature` is armored or binary. The whole document is checked before anything is returned,
   * and the signing key must be valid (not revoked, not expired) at `options.now`, default now.
   */
  async verifyDetached(data: Uint8Array | string, signature: string | Uint8Array, options: VerifyOptions = {}): Promise<SignatureCheck> {
    const packets = await readDetachedSignature(signature);
    return verifyPackets(packets, this.#keys, { binary: toBytes(data) }, options);
  }

  /** Verifies a clearsigned document (InRelease, .sjson) and returns the signed text only. */
  async verifyClearsigned(text: string, options: VerifyOptions = {}): Promise<SignatureCheck & { body: string }> {
    const document = await readClearsigned(text);
    const check = await verifyPackets(document.packets, this.#keys, { text: document.signedText }, options);
    return { ...check, body: document.body };
  }
}
