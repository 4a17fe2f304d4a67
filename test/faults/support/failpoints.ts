import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGES = fileURLToPath(new URL('../../../packages/', import.meta.url));
const FAILPOINT_CALL = /\bfailpoint\(\s*'([^']+)'\s*\)/g;

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '__tests__' && entry.name !== 'node_modules') files.push(...sourceFiles(path));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')) {
      files.push(path);
    }
  }
  return files;
}

/** Every failpoint name in the product's sources (packages/*\/src), found by reading them. */
export function failpointNames(): string[] {
  const names = new Set<string>();
  for (const pkg of readdirSync(PACKAGES)) {
    let files: string[];
    try {
      files = sourceFiles(join(PACKAGES, pkg, 'src'));
    } catch {
      continue;
    }
    for (const file of files) for (const match of readFileSync(file, 'utf8').matchAll(FAILPOINT_CALL)) names.add(match[1] as string);
  }
  return [...names].sort();
}

export type ScenarioName = 'export' | 'import' | 'rollback';

/**
 * Failpoints that only a driver keeping history reaches (the files driver of the kill world has no
 * merge): each is killed, with a re-run, in the named test file, which must set it.
 */
export const KILLED_ELSEWHERE: Readonly<Record<string, string>> = {
  'publish:after-merge-stored': 'test/simplestreams-roundtrip.test.ts',
};

/**
 * Which run reaches a failpoint, by the part of the pipeline its name starts with. A name with a
 * prefix not listed here fails the suite: add the run that reaches it.
 */
export function scenarioOf(name: string): ScenarioName | null {
  const prefix = name.split(':')[0] ?? '';
  if (prefix === 'export' || prefix === 'bundle') return 'export';
  if (prefix === 'import' || prefix === 'vault' || prefix === 'publish' || prefix === 'prune' || prefix === 'state') return 'import';
  if (prefix === 'rollback') return 'rollback';
  return null;
}

/** The hits to kill at, given how often a clean run passed the point: the first, the middle and the last. */
export function hitsToKill(passes: number): number[] {
  return [...new Set([1, Math.ceil(passes / 2), passes])].filter((n) => n >= 1 && n <= passes);
}
