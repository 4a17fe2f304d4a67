import type { Compression } from '@airlock/bundle';

/** One `sources[]` entry after its driver validated it. */
export interface SourceConfig {
  type: string;
  name: string;
  spec: { name: string };
}

/** airlock.yaml, validated and with paths made absolute (the cli loads and validates it). */
export interface ExportConfig {
  path: string;
  configDir: string;
  channel: string;
  signing: { key: string; passphraseFile?: string };
  volumes: { maxSize: number; compression: Compression };
  /** How long an exported bundle stays importable. */
  expiresAfterMs: number;
  sources: SourceConfig[];
}

export const KEY_PASSPHRASE_ENV = 'AIRLOCK_KEY_PASSPHRASE';
