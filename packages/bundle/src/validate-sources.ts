import { isDigest, isPlainName } from '@airlock/core';
import { ProblemList, join } from './problem-list.js';

/** Sources: plain type and name, unique (type, name), a catalog digest, sorted unique requires. */
export function checkSources(p: ProblemList, sources: unknown[] | undefined): void {
  if (!sources) return;
  const seen = new Map<string, number>();
  sources.forEach((raw, i) => {
    const path = join('sources', i);
    const source = p.object(raw, path);
    if (!source) return;
    p.onlyKeys(source, ['type', 'name', 'catalog', 'requires'], path);
    const type = isPlainName(source.type) ? source.type : undefined;
    if (type === undefined) p.add(join(path, 'type'), 'must be a plain name such as "apt"');
    const name = isPlainName(source.name) ? source.name : undefined;
    if (name === undefined) p.add(join(path, 'name'), "must be a plain name (letters, digits, '.', '_', '-')");
    p.digest(source, 'catalog', path);
    checkRequires(p, p.array(source, 'requires', path), join(path, 'requires'));
    if (type === undefined || name === undefined) return;
    const key = `${type}/${name}`;
    const first = seen.get(key);
    if (first !== undefined) p.add(path, `repeats source ${type} ${JSON.stringify(name)} of sources[${first}]`);
    else seen.set(key, i);
  });
}

function checkRequires(p: ProblemList, requires: unknown[] | undefined, path: string): void {
  if (!requires) return;
  let previous: string | undefined;
  requires.forEach((digest, i) => {
    if (!isDigest(digest)) {
      p.add(join(path, i), 'must be a digest of the form sha256:<64 lowercase hex>');
      return;
    }
    if (previous !== undefined && digest <= previous) p.add(join(path, i), 'must be sorted and unique');
    previous = digest;
  });
}
