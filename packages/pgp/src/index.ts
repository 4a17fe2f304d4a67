export { generateKey, type GeneratedKey } from './generate.js';
export { loadSigner } from './signer.js';
export { readPublicKeys, binaryKeyring, type PublicKeyInfo } from './public-keys.js';
export { normalizeFingerprint } from './fingerprint.js';
export { Keyring } from './keyring.js';
export { mergeKeyUpdate } from './merge-key.js';
export type { SignatureCheck, VerifyOptions } from './verify-packets.js';
export { keyValidity, type KeyValidity } from './key-validity.js';
