import { basename } from 'node:path';
import { isRecord, isAirlockError, type FieldProblem, type LocalReference } from '@airlock/core';
import type { DriverRegistry } from '@airlock/engine';
import { readConfigDocument } from './load-config.js';
import { checkLocalFiles, signingKeyProblem } from './check-files.js';
import { inspectSiteConfig, SITE_CONFIG_KEYS } from './site-config.js';
import { inspectConfig } from './validate-config.js';

export interface ConfigCheck {
  path: string;
  /** export: an airlock.yaml for export and plan; site: the import side's site.yaml. */
  kind: 'export' | 'site';
  ok: boolean;
  problems: FieldProblem[];
  sources: Array<{ type: string; name: string }>;
  /** Local files the config refers to that were checked. */
  files: number;
}

const EXPORT_KEYS = ['channel', 'signing', 'volumes', 'expiresAfter', 'sources'];

/**
 * Validates a config without network access: every field every driver checks, then every local
 * file the parts that parsed refer to (keys, keyrings, trees, images, lists). All problems at once.
 */
export async function checkConfigFile(path: string, registry: DriverRegistry): Promise<ConfigCheck> {
  let doc;
  try {
    doc = await readConfigDocument(path);
  } catch (err) {
    if (isAirlockError(err, 'CONFIG_INVALID')) return result(err.details?.problems as FieldProblem[], basename(path) === 'site.yaml' ? 'site' : 'export', path);
    throw err;
  }
  const kind = kindOf(doc.raw, doc.path);
  if (kind === 'site') {
    const site = inspectSiteConfig(doc.raw, doc.path, doc.dir);
    const problems = [...site.problems, ...(await checkLocalFiles(site.files))];
    return { ...result(problems, 'site', doc.path), files: site.files.length };
  }
  const inspected = inspectConfig(doc.raw ?? {}, doc.path, doc.dir, registry);
  const problems = [...inspected.problems];
  const refs: LocalReference[] = [];
  if (inspected.config.signing.passphraseFile) refs.push({ field: 'signing.passphraseFile', path: inspected.config.signing.passphraseFile, kind: 'file' });
  for (const source of inspected.sources) refs.push(...(registry.get(source.type).localFiles?.(source.spec, source.at) ?? []));
  const keyProblem = inspected.config.signing.key ? await signingKeyProblem(inspected.config.signing.key) : undefined;
  if (keyProblem) problems.push({ path: 'signing.key', message: keyProblem });
  problems.push(...(await checkLocalFiles(refs)));
  return {
    ...result(problems, 'export', doc.path),
    sources: inspected.sources.map((s) => ({ type: s.type, name: s.name })),
    files: refs.length + (inspected.config.signing.key ? 1 : 0),
  };
}

/**
 * A document holding only site keys (publish) is a site config, and so is an empty site.yaml
 * (the commented template `airlock init` writes); everything else is checked as an airlock.yaml.
 */
function kindOf(raw: unknown, path: string): 'export' | 'site' {
  if (raw === null) return basename(path) === 'site.yaml' ? 'site' : 'export';
  if (!isRecord(raw)) return 'export';
  const keys = Object.keys(raw);
  return keys.length > 0 && keys.every((k) => SITE_CONFIG_KEYS.includes(k)) && !keys.some((k) => EXPORT_KEYS.includes(k)) ? 'site' : 'export';
}

function result(problems: FieldProblem[], kind: 'export' | 'site', path: string): ConfigCheck {
  return { path, kind, ok: problems.length === 0, problems, sources: [], files: 0 };
}
