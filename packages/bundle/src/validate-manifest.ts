import { invalid, isPlainName } from '@airlock/core';
import type { Compression, Manifest } from './manifest-types.js';
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, bundleId } from './names.js';
import { ProblemList, join, type JsonObject } from './problem-list.js';
import { checkBlobsAndVolumes } from './validate-contents.js';
import { checkSources } from './validate-sources.js';

const MANIFEST_KEYS = [
  'format', 'version', 'id', 'channel', 'sequence', 'base', 'createdAt', 'expiresAt',
  'exporter', 'compression', 'maxVolumeSize', 'sources', 'blobs', 'volumes',
] as const;
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const FINGERPRINT = /^[0-9A-F]{40}$/;

/**
 * Checks a parsed manifest (attacker-controlled until its signature verified, and still checked
 * after) and returns it as a Manifest. Throws MANIFEST_INVALID listing every problem found.
 */
export function validateManifest(raw: unknown): Manifest {
  const problems = new ProblemList();
  const doc = problems.object(raw, '');
  if (doc) checkDocument(problems, doc);
  if (!problems.empty) throw invalid('MANIFEST_INVALID', 'bundle manifest', problems.items);
  return doc as unknown as Manifest;
}

function checkDocument(p: ProblemList, doc: JsonObject): void {
  p.onlyKeys(doc, MANIFEST_KEYS, '');
  if (doc.format !== BUNDLE_FORMAT) p.add('format', `must be ${JSON.stringify(BUNDLE_FORMAT)}`);
  if (doc.version !== BUNDLE_FORMAT_VERSION) p.add('version', `must be ${BUNDLE_FORMAT_VERSION}; this airlock reads bundle format v${BUNDLE_FORMAT_VERSION} only`);

  const channel = isPlainName(doc.channel) ? doc.channel : undefined;
  if (channel === undefined) p.add('channel', "must be a plain name (letters, digits, '.', '_', '-'; up to 64 characters)");
  const sequence = p.integer(doc, 'sequence', '', 1);
  const id = p.string(doc, 'id', '');
  if (id !== undefined && channel !== undefined && sequence !== undefined && id !== bundleId(channel, sequence)) {
    p.add('id', `must be ${JSON.stringify(bundleId(channel, sequence))} (channel and sequence)`);
  }
  checkBase(p, doc.base, channel, sequence);
  checkTimes(p, doc);
  checkExporter(p, doc.exporter);

  const compression = doc.compression === 'zstd' || doc.compression === 'none' ? (doc.compression as Compression) : undefined;
  if (compression === undefined) p.add('compression', 'must be "zstd" or "none"');
  const maxVolumeSize = p.integer(doc, 'maxVolumeSize', '', 1);

  checkSources(p, p.array(doc, 'sources', ''));
  checkBlobsAndVolumes(p, p.array(doc, 'blobs', ''), p.array(doc, 'volumes', ''), { id, compression, maxVolumeSize });
}

function checkBase(p: ProblemList, raw: unknown, channel: string | undefined, sequence: number | undefined): void {
  if (raw === null) return;
  const base = p.object(raw, 'base');
  if (!base) return;
  p.onlyKeys(base, ['sequence', 'id'], 'base');
  const baseSequence = p.integer(base, 'sequence', 'base', 1);
  const baseId = p.string(base, 'id', 'base');
  if (baseSequence !== undefined && sequence !== undefined && baseSequence >= sequence) {
    p.add('base.sequence', `must be lower than the bundle's sequence ${sequence}`);
  }
  if (baseSequence !== undefined && baseId !== undefined && channel !== undefined && baseId !== bundleId(channel, baseSequence)) {
    p.add('base.id', `must be ${JSON.stringify(bundleId(channel, baseSequence))}`);
  }
}

function checkTimes(p: ProblemList, doc: JsonObject): void {
  const times: Record<string, number | undefined> = {};
  for (const key of ['createdAt', 'expiresAt']) {
    const value = doc[key];
    const ms = typeof value === 'string' && RFC3339_UTC.test(value) ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(ms)) p.add(key, 'must be an RFC 3339 UTC time such as 2024-01-31T12:00:00Z');
    else times[key] = ms;
  }
  const { createdAt, expiresAt } = times;
  if (createdAt !== undefined && expiresAt !== undefined && expiresAt <= createdAt) p.add('expiresAt', 'must be later than createdAt');
}

function checkExporter(p: ProblemList, raw: unknown): void {
  const exporter = p.object(raw, 'exporter');
  if (!exporter) return;
  p.onlyKeys(exporter, ['tool', 'version', 'fingerprint'], 'exporter');
  if (exporter.tool !== 'airlock') p.add('exporter.tool', 'must be "airlock"');
  const version = p.string(exporter, 'version', 'exporter');
  if (version !== undefined && version.length > 64) p.add('exporter.version', 'must be at most 64 characters');
  if (typeof exporter.fingerprint !== 'string' || !FINGERPRINT.test(exporter.fingerprint)) {
    p.add(join('exporter', 'fingerprint'), 'must be an OpenPGP fingerprint: 40 uppercase hex characters');
  }
}
