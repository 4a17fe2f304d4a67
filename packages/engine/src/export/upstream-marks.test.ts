import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExportState } from '@airlock/state';
import { expectCodeSync, tempDir } from '@airlock/test-utils';
import { ExportMarkBook } from './upstream-marks.js';

const record = (state: ExportState, sequence: number, book: ExportMarkBook): void =>
  state.recordBundle({
    channel: 'c', sequence, id: `c-${sequence}`, manifestSha256: 'm', createdAt: new Date().toISOString(), baseSequence: null, blobs: [], upstreamMarks: book.pending(),
  });

describe('export upstream date marks (apt replay on the export side)', () => {
  it('refuses an older date once a bundle recorded a newer one, per channel and source; equal and newer dates pass', async () => {
    const state = ExportState.open(join(await tempDir(), 'export.db'));
    const first = new ExportMarkBook(state, 'c');
    first.forSource('apt', 'ubuntu').notOlderThanSeen('release:noble', new Date('2025-01-01T00:00:00Z'), 'noble Release');
    first.forSource('apt', 'ubuntu').notOlderThanSeen('release:noble', new Date('2024-06-01T00:00:00Z'), 'noble Release');
    record(state, 1, first);
    expect(state.upstreamMark('c', 'apt/ubuntu:release:noble')).toBe('2025-01-01T00:00:00.000Z');

    const next = new ExportMarkBook(state, 'c');
    const marks = next.forSource('apt', 'ubuntu');
    const error = expectCodeSync(() => marks.notOlderThanSeen('release:noble', new Date('2024-12-31T23:59:59Z'), 'noble Release'), 'UPSTREAM_REPLAY');
    expect(error.message).toContain('up-to-date mirror');
    marks.notOlderThanSeen('release:noble', new Date('2025-01-01T00:00:00Z'), 'noble Release');
    // Another suite, another source and another channel have marks of their own.
    marks.notOlderThanSeen('release:jammy', new Date('2020-01-01T00:00:00Z'), 'jammy Release');
    next.forSource('apt', 'other').notOlderThanSeen('release:noble', new Date('2020-01-01T00:00:00Z'), 'noble Release');
    new ExportMarkBook(state, 'other-channel').forSource('apt', 'ubuntu').notOlderThanSeen('release:noble', new Date('2020-01-01T00:00:00Z'), 'x');
    expectCodeSync(() => marks.notOlderThanSeen('release:noble', new Date(Number.NaN), 'noble Release'), 'UPSTREAM_INVALID');
    state.close();
  });

  it('records nothing until a bundle is recorded (a plan or a failed export leaves the marks alone), and never lowers a mark', async () => {
    const state = ExportState.open(join(await tempDir(), 'export.db'));
    const planned = new ExportMarkBook(state, 'c');
    planned.forSource('apt', 'u').notOlderThanSeen('release:s', new Date('2025-01-01T00:00:00Z'), 's');
    expect(state.upstreamMark('c', 'apt/u:release:s')).toBeNull();
    record(state, 1, planned);
    state.recordBundle({ channel: 'c', sequence: 2, id: 'c-2', manifestSha256: 'm', createdAt: new Date().toISOString(), baseSequence: 1, blobs: [], upstreamMarks: [{ key: 'apt/u:release:s', date: '2020-01-01T00:00:00.000Z' }] });
    expect(state.upstreamMark('c', 'apt/u:release:s')).toBe('2025-01-01T00:00:00.000Z');
    state.close();
  });
});
