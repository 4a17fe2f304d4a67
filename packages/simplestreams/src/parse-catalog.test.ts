import { describe, expect, it } from 'vitest';
import { expectCodeSync, tempDir } from '@airlock/test-utils';
import { exportToVault, memoryStream, spec } from './__tests__/memory-stream.js';
import { parseSimplestreamsCatalog } from './parse-catalog.js';

describe('simplestreams catalog validation (bundle input, untrusted until reverify)', () => {
  it('accepts what resolve produced', async () => {
    const root = await tempDir();
    const { catalog } = await exportToVault(await memoryStream(), spec({}, root), root);
    expect(parseSimplestreamsCatalog(catalog)).toBe(catalog);
  });

  it('lists unsafe paths, unknown documents, duplicate versions and bad numbers', async () => {
    const root = await tempDir();
    const { catalog } = await exportToVault(await memoryStream(), spec({}, root), root);
    const bad = structuredClone(catalog) as any;
    bad.versions[0].items[0].path = '../escape';
    bad.versions[1].document = `sha256:${'f'.repeat(64)}`;
    bad.versions.push(structuredClone(catalog.versions[2]));
    bad.max = 0;
    bad.extra = true;
    const err = expectCodeSync(() => parseSimplestreamsCatalog(bad), 'MANIFEST_INVALID');
    const paths = (err.details?.problems as Array<{ path: string }>).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['extra', 'max', 'versions[0].items[0].path', 'versions[1].document', `versions[${catalog.versions.length}]`]));
  });

  it('refuses a second index and a null keyring without insecure', async () => {
    const root = await tempDir();
    const { catalog } = await exportToVault(await memoryStream(), spec({}, root), root);
    const bad = structuredClone(catalog) as any;
    bad.documents.push({ ...bad.documents[0], digest: `sha256:${'e'.repeat(64)}` });
    bad.keyring = null;
    const err = expectCodeSync(() => parseSimplestreamsCatalog(bad), 'MANIFEST_INVALID');
    expect((err.details?.problems as Array<{ path: string }>).map((p) => p.path)).toEqual(expect.arrayContaining(['documents', 'keyring']));
  });
});
