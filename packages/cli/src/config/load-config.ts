import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { asAirlockError, invalid, type FieldProblem } from '@airlock/core';
import type { DriverRegistry, ExportConfig } from '@airlock/engine';
import { validateConfig } from './validate-config.js';

export interface ConfigDocument {
  path: string;
  dir: string;
  /** The YAML as plain data; null for an empty file (or one holding only comments). */
  raw: unknown;
}

/** Reads and parses a YAML config file, reporting every syntax error at once with its line. */
export async function readConfigDocument(path: string): Promise<ConfigDocument> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    throw asAirlockError(err, 'CONFIG_NOT_FOUND', `cannot read the config file ${absolute}`);
  }
  const { parseDocument } = await import('yaml'); // large: loaded only by commands that read a config
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems: FieldProblem[] = doc.errors.map((e) => ({ path: `line ${e.linePos?.[0]?.line ?? '?'}`, message: e.message.split('\n')[0] ?? e.message }));
    throw invalid('CONFIG_INVALID', absolute, problems);
  }
  return { path: absolute, dir: dirname(absolute), raw: doc.toJS() ?? null };
}

/** Reads airlock.yaml and validates all of it, reporting every problem at once with its path. */
export async function loadConfig(path: string, registry: DriverRegistry): Promise<ExportConfig> {
  const doc = await readConfigDocument(path);
  if (doc.raw === null) throw invalid('CONFIG_INVALID', doc.path, [{ path: '', message: 'the file is empty: give channel, signing, volumes and sources' }]);
  return validateConfig(doc.raw, doc.path, doc.dir, registry);
}
