import { createRequire } from 'node:module';
import type { parse as parseYaml } from 'yaml';
import { isRecord } from '@airlock/core';

const SNAP_YAML_LIMIT = 256 * 1024;

/**
 * The snaps this one needs installed first, by snapd's rule (overlord/snapstate doPrerequisites,
 * snap.NeededDefaultProviders): none for base, os, core, kernel, gadget and snapd snaps; otherwise
 * its base (`core` when empty, none when `none`) and the default-provider of each content plug.
 */
export function prerequisitesOf(type: string, base: string, snapYaml: string): string[] {
  if (['base', 'os', 'core', 'kernel', 'gadget', 'snapd'].includes(type)) return [];
  const needed = new Set<string>();
  if (base !== 'none') needed.add(base === '' ? 'core' : base);
  for (const provider of defaultProviders(snapYaml)) needed.add(provider);
  return [...needed].sort();
}

/** Default providers of content plugs in meta/snap.yaml (store-supplied text; malformed yields none). */
export function defaultProviders(snapYaml: string): string[] {
  if (snapYaml === '' || snapYaml.length > SNAP_YAML_LIMIT) return [];
  let doc: unknown;
  try {
    const { parse } = createRequire(import.meta.url)('yaml') as { parse: typeof parseYaml }; // loaded on first use
    doc = parse(snapYaml, { maxAliasCount: 0 });
  } catch {
    return [];
  }
  const plugs = isRecord(doc) && isRecord(doc.plugs) ? doc.plugs : {};
  const found = new Set<string>();
  for (const [name, plug] of Object.entries(plugs)) {
    if (!isRecord(plug)) continue;
    const iface = typeof plug.interface === 'string' ? plug.interface : name;
    const provider = plug['default-provider'];
    if (iface !== 'content' || typeof provider !== 'string' || provider === '') continue;
    const snap = provider.split(':')[0] as string;
    if (/^[a-z0-9](?:-?[a-z0-9])*$/.test(snap)) found.add(snap);
  }
  return [...found].sort();
}
