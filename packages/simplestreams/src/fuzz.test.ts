import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAirlockError } from '@airlock/core';
import { checkIndexFile } from './conformance/index-file.js';
import { checkProductsFile } from './conformance/products-file.js';
import { parseJsonObject } from './documents.js';
import { parseSimplestreamsCatalog } from './parse-catalog.js';
import { flattenItems } from './products-tree.js';
import { selectVersions } from './select.js';

/** Only AirlockErrors (or a result) may come out of code that reads upstream or bundle JSON. */
function onlyAirlockErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!isAirlockError(err)) throw err;
  }
}

const key = fc.oneof(fc.constantFrom('products', 'versions', 'items', 'path', 'sha256', 'size', 'ftype', 'arch', '__proto__', 'constructor', 'content_id', 'updated'), fc.string({ maxLength: 8 }));
const tree = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(key, tie('node'), { maxKeys: 5 })),
})).node;
const productsLike = fc.record({ content_id: fc.string(), products: fc.dictionary(fc.string(), fc.dictionary(key, tree, { maxKeys: 4 }), { maxKeys: 3 }) }, { requiredKeys: [] });

describe('simplestreams parsers under fuzzing: only AirlockErrors come out', () => {
  it('parseJsonObject on arbitrary text', () => {
    fc.assert(fc.property(fc.string(), (text) => onlyAirlockErrors(() => parseJsonObject(text, 'fuzz'))));
  });

  it('flattenItems and selectVersions on arbitrary JSON trees', () => {
    fc.assert(
      fc.property(fc.oneof(tree, productsLike), (value) => {
        const doc = JSON.parse(JSON.stringify({ products: value })) as Record<string, unknown>;
        onlyAirlockErrors(() => flattenItems(doc, 'fuzz'));
        onlyAirlockErrors(() => selectVersions(doc, `sha256:${'0'.repeat(64)}`, 'cid', { filters: [], max: 1 }, { filters: [], max: 1 }, 'fuzz'));
      }),
      { numRuns: 500 },
    );
  });

  it('the conformance checks never throw, they report', () => {
    fc.assert(
      fc.property(fc.oneof(tree, productsLike), (value) => {
        const doc = JSON.parse(JSON.stringify(value ?? null)) as unknown;
        expect(Array.isArray(checkProductsFile(doc).problems)).toBe(true);
        expect(Array.isArray(checkIndexFile(doc, { signed: true }).problems)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('parseSimplestreamsCatalog on arbitrary JSON', () => {
    fc.assert(fc.property(fc.oneof(tree, fc.dictionary(fc.constantFrom('version', 'documents', 'versions', 'custom', 'keyring', 'max'), tree)), (value) => onlyAirlockErrors(() => parseSimplestreamsCatalog(JSON.parse(JSON.stringify(value ?? null))))), { numRuns: 500 });
  });
});
