import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCode, tempDir } from '@airlock/test-utils';
import { makeSiteFixture, publishFixture } from './__tests__/site-fixture.js';
import type { OciCatalog } from './types.js';

describe('two OCI sources with the same repo:tag', () => {
  it('are refused at publish with PUBLISH_FAILED naming both sources, before the second writes anything', async () => {
    const root = await tempDir();
    const f = await makeSiteFixture(root);
    const staging = join(root, 'staging');
    await publishFixture(f, staging, 'mirror-a');
    const error = await expectCode(publishFixture(f, staging, 'mirror-b'), 'PUBLISH_FAILED');
    expect(error.message).toContain('"mirror-a" and "mirror-b"');
    expect(error.details).toEqual({ sources: ['mirror-a', 'mirror-b'], references: ['acc/app:1', 'acc/multi:latest'] });
    expect(await readdir(join(staging, 'oci'))).toEqual(['mirror-a']);
  });

  it('publish side by side when their repository:tag names differ', async () => {
    const root = await tempDir();
    const f = await makeSiteFixture(root);
    const staging = join(root, 'staging');
    const renamed: OciCatalog = { ...f.catalog, images: f.catalog.images.map((i) => ({ ...i, repository: `other/${i.repository}` })) };
    await publishFixture(f, staging, 'mirror-a');
    await publishFixture(f, staging, 'mirror-b', renamed);
    expect((await readdir(join(staging, 'oci'))).sort()).toEqual(['mirror-a', 'mirror-b']);
  });
});
