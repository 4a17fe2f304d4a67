import { resolve } from 'node:path';
import { isRecord, invalid, isAirlockError, isPlainName, parseDuration, parseSize, type FieldProblem } from '@airlock/core';
import type { DriverRegistry, ExportConfig, SourceConfig } from '@airlock/engine';

const TOP_LEVEL = new Set(['channel', 'signing', 'volumes', 'expiresAfter', 'sources']);
const DEFAULT_MAX_VOLUME = '4GiB';
const DEFAULT_EXPIRY = '90d';


/** Validates the whole document, collecting every problem (drivers validate their own entries). */
export function validateConfig(raw: unknown, path: string, configDir: string, registry: DriverRegistry): ExportConfig {
  const inspected = inspectConfig(raw, path, configDir, registry);
  if (inspected.problems.length > 0) throw invalid('CONFIG_INVALID', path, inspected.problems);
  return inspected.config;
}

/** A config entry whose driver accepted it, with the field path it was read from. */
export interface ParsedSource extends SourceConfig {
  at: string;
}

export interface InspectedConfig {
  problems: FieldProblem[];
  /** Meaningful only when there are no problems; the parts that did parse are in `sources` and `signing`. */
  config: ExportConfig;
  sources: ParsedSource[];
}

/** Every problem of the document, and every part that parsed, so `config check` can look further. */
export function inspectConfig(raw: unknown, path: string, configDir: string, registry: DriverRegistry): InspectedConfig {
  const problems: FieldProblem[] = [];
  const bad = (at: string, message: string): void => void problems.push({ path: at, message });
  if (!isRecord(raw)) {
    problems.push({ path: '', message: 'must be a mapping with channel, signing, volumes and sources' });
    return { problems, config: { path, configDir, channel: '', signing: { key: '' }, volumes: { maxSize: 0, compression: 'zstd' }, expiresAfterMs: 0, sources: [] }, sources: [] };
  }

  for (const key of Object.keys(raw)) {
    if (key === 'publish') bad(key, 'publish settings (the registry import pushes to) belong to the isolated side: put them in site.yaml in its airlock home (airlock init writes one), not in airlock.yaml');
    else if (!TOP_LEVEL.has(key)) bad(key, `unknown field (known: ${[...TOP_LEVEL].join(', ')})`);
  }
  if (!isPlainName(raw.channel)) bad('channel', 'required: a plain name such as site-a (letters, digits, . _ -)');

  const signing = raw.signing;
  let key = '';
  let passphraseFile: string | undefined;
  if (!isRecord(signing)) bad('signing', 'required: a mapping with key: PATH (and optional passphraseFile: PATH)');
  else {
    for (const k of Object.keys(signing)) if (k !== 'key' && k !== 'passphraseFile') bad(`signing.${k}`, 'unknown field (known: key, passphraseFile)');
    if (typeof signing.key !== 'string' || !signing.key) bad('signing.key', 'required: path of the exporter private key');
    else key = resolve(configDir, signing.key);
    if (signing.passphraseFile !== undefined) {
      if (typeof signing.passphraseFile !== 'string' || !signing.passphraseFile) bad('signing.passphraseFile', 'must be a path');
      else passphraseFile = resolve(configDir, signing.passphraseFile);
    }
  }

  const volumes = raw.volumes ?? {};
  let maxSize = 0;
  let compression: 'zstd' | 'none' = 'zstd';
  if (!isRecord(volumes)) bad('volumes', 'must be a mapping with maxSize and compression');
  else {
    for (const k of Object.keys(volumes)) if (k !== 'maxSize' && k !== 'compression') bad(`volumes.${k}`, 'unknown field (known: maxSize, compression)');
    maxSize = attempt(() => parseSize((volumes.maxSize as string | number | undefined) ?? DEFAULT_MAX_VOLUME), 'volumes.maxSize', bad) ?? 0;
    if (volumes.compression !== undefined && volumes.compression !== 'zstd' && volumes.compression !== 'none') bad('volumes.compression', 'must be zstd or none');
    else if (volumes.compression) compression = volumes.compression;
  }
  const expiresAfter = raw.expiresAfter ?? DEFAULT_EXPIRY;
  const expiresAfterMs = typeof expiresAfter === 'string' ? (attempt(() => parseDuration(expiresAfter), 'expiresAfter', bad) ?? 0) : (bad('expiresAfter', 'must be a duration such as 90d'), 0);

  const sources = validateSources(raw.sources, configDir, registry, problems);
  const config: ExportConfig = {
    path,
    configDir,
    channel: raw.channel as string,
    signing: passphraseFile ? { key, passphraseFile } : { key },
    volumes: { maxSize, compression },
    expiresAfterMs,
    sources: sources.map(({ type, name, spec }) => ({ type, name, spec })),
  };
  return { problems, config, sources };
}

function validateSources(raw: unknown, configDir: string, registry: DriverRegistry, problems: FieldProblem[]): ParsedSource[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.push({ path: 'sources', message: 'required: a list of sources (each with type and name)' });
    return [];
  }
  const sources: ParsedSource[] = [];
  const names = new Set<string>();
  raw.forEach((entry: unknown, i) => {
    const at = `sources[${i}]`;
    if (!isRecord(entry)) return void problems.push({ path: at, message: 'must be a mapping with type and name' });
    if (typeof entry.type !== 'string' || !registry.has(entry.type)) {
      return void problems.push({ path: `${at}.type`, message: `must be one of: ${registry.types.join(', ')}` });
    }
    try {
      const spec = registry.get(entry.type).parseSpec(entry, at, configDir);
      const key = `${entry.type}/${spec.name}`;
      if (names.has(key)) problems.push({ path: `${at}.name`, message: `another ${entry.type} source is already named ${spec.name}` });
      names.add(key);
      sources.push({ type: entry.type, name: spec.name, spec, at });
    } catch (err) {
      if (!isAirlockError(err, 'CONFIG_INVALID')) throw err;
      const listed = err.details?.problems as FieldProblem[] | undefined;
      problems.push(...(listed ?? [{ path: at, message: err.message }]));
    }
  });
  return sources;
}

function attempt<T>(fn: () => T, at: string, bad: (at: string, message: string) => void): T | undefined {
  try {
    return fn();
  } catch (err) {
    bad(at, err instanceof Error ? err.message : String(err));
    return undefined;
  }
}
