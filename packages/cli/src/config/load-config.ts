import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { AirlockError, asAirlockError, invalid, type FieldProblem } from '@airlock/core';
import type { DriverRegistry, ExportConfig } from '@airlock/engine';
import { validateConfig } from './validate-config.js';

/** Reads airlock.yaml and validates all of it, reporting every problem at once with its path. */
export async function loadConfig(path: string, registry: DriverRegistry): Promise<ExportConfig> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    throw asAirlockError(err, 'CONFIG_NOT_FOUND', `cannot read the config file ${absolute}`);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems: FieldProblem[] = doc.errors.map((e) => ({ path: `line ${e.linePos?.[0]?.line ?? '?'}`, message: e.message.split('\n')[0] ?? e.message }));
    throw invalid('CONFIG_INVALID', absolute, problems);
  }
  const raw: unknown = doc.toJS();
  if (raw === null || raw === undefined) throw new AirlockError('CONFIG_INVALID', `${absolute} is empty`);
  return validateConfig(raw, absolute, dirname(absolute), registry);
}
