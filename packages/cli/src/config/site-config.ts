import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { AirlockError, invalid, isRecord, pathExists, reportUnknownKeys, type FieldProblem, type LocalReference } from '@airlock/core';
import type { AirlockHome } from '@airlock/engine';
import { readConfigDocument } from './load-config.js';

/** Where `import` pushes published images, from the site config's `publish.registry`. */
export interface RegistryTarget {
  /** `[http(s)://]host[:port][/prefix]`, as `--registry` takes it. */
  url: string;
  insecure: boolean;
  credentials?: { file: string } | { env: string };
}

/**
 * The import side's own settings. It has no airlock.yaml (that describes what the exporter
 * fetches); this file lives in the airlock home (`site.yaml`, written by `airlock init`) or is
 * named with `--site-config`.
 */
export interface SiteConfig {
  path: string | null;
  publish: { registry?: RegistryTarget };
}

export const SITE_CONFIG_KEYS = ['publish'];
const REGISTRY_KEYS = ['url', 'insecure', 'credentials'];
export const REGISTRY_TARGET_RE = /^(?:https?:\/\/)?[A-Za-z0-9.\-]+(?::\d{1,5})?(?:\/[a-z0-9._\-/]*)?$|^(?:https?:\/\/)?\[[0-9A-Fa-f:.]+\](?::\d{1,5})?(?:\/[a-z0-9._\-/]*)?$/;
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function siteConfigPath(home: AirlockHome): string {
  return join(home.root, 'site.yaml');
}

/** `--site-config FILE`, else `<home>/site.yaml` when it exists, else no settings. */
export async function loadSiteConfig(home: AirlockHome, explicit: string | undefined): Promise<SiteConfig> {
  const path = explicit ? resolve(explicit) : siteConfigPath(home);
  if (!explicit && !(await pathExists(path))) return { path: null, publish: {} };
  const doc = await readConfigDocument(path);
  const { config, problems } = inspectSiteConfig(doc.raw, doc.path, doc.dir);
  if (problems.length > 0) throw invalid('CONFIG_INVALID', doc.path, problems);
  return config;
}

/** Validates a site config document, listing every problem. */
export function inspectSiteConfig(raw: unknown, path: string, dir: string): { config: SiteConfig; problems: FieldProblem[]; files: LocalReference[] } {
  const problems: FieldProblem[] = [];
  const files: LocalReference[] = [];
  const config: SiteConfig = { path, publish: {} };
  if (raw === null) return { config, problems, files };
  if (!isRecord(raw)) return { config, problems: [{ path: '', message: 'must be a mapping (publish: …)' }], files };
  reportUnknownKeys(raw, SITE_CONFIG_KEYS, '', problems);
  if (raw.publish === undefined || raw.publish === null) return { config, problems, files };
  if (!isRecord(raw.publish)) return { config, problems: [...problems, { path: 'publish', message: 'must be a mapping (registry: …)' }], files };
  reportUnknownKeys(raw.publish, ['registry'], 'publish', problems);
  const registry = raw.publish.registry;
  if (registry === undefined || registry === null) return { config, problems, files };
  const at = 'publish.registry';
  if (!isRecord(registry)) return { config, problems: [...problems, { path: at, message: 'must be a mapping with url, insecure and credentials' }], files };
  reportUnknownKeys(registry, REGISTRY_KEYS, at, problems);
  const url = registry.url;
  if (typeof url !== 'string' || !REGISTRY_TARGET_RE.test(url)) problems.push({ path: `${at}.url`, message: 'required: the registry to push images to, [http(s)://]host[:port][/prefix], e.g. registry.site.example:5000/airlock' });
  if (registry.insecure !== undefined && typeof registry.insecure !== 'boolean') problems.push({ path: `${at}.insecure`, message: 'must be true or false (true: plain HTTP to a registry that is not on loopback)' });
  const credentials = parseCredentials(registry.credentials, `${at}.credentials`, dir, problems);
  if (credentials && 'file' in credentials) files.push({ field: `${at}.credentials.file`, path: credentials.file, kind: 'file' });
  if (typeof url === 'string' && REGISTRY_TARGET_RE.test(url)) {
    config.publish.registry = { url, insecure: registry.insecure === true, ...(credentials ? { credentials } : {}) };
  }
  return { config, problems, files };
}

function parseCredentials(raw: unknown, at: string, dir: string, problems: FieldProblem[]): RegistryTarget['credentials'] {
  if (raw === undefined) return undefined;
  const message = 'must be { file: PATH } (a docker/podman auth.json) or { env: NAME } (a variable holding user:password); never the secret itself';
  if (!isRecord(raw) || Object.keys(raw).length !== 1) return void problems.push({ path: at, message });
  if (typeof raw.file === 'string' && raw.file !== '' && !raw.file.includes('\0')) {
    return { file: raw.file.startsWith('~/') ? resolve(homedir(), raw.file.slice(2)) : resolve(dir, raw.file) };
  }
  if (typeof raw.env === 'string' && ENV_NAME_RE.test(raw.env)) return { env: raw.env };
  return void problems.push({ path: at, message });
}

/** `user:password` from the variable a site config names. */
export function credentialsFromEnv(name: string): { username: string; password: string } {
  const value = process.env[name];
  const colon = value?.indexOf(':') ?? -1;
  if (value === undefined || colon <= 0) {
    throw new AirlockError('CONFIG_INVALID', `publish.registry.credentials names the variable ${name}, which is ${value === undefined ? 'not set' : 'not of the form user:password'}; export ${name}=USER:PASSWORD before airlock import`);
  }
  return { username: value.slice(0, colon), password: value.slice(colon + 1) };
}

/** What `airlock init` writes to `<home>/site.yaml` when there is none: every setting, commented out. */
export const SITE_CONFIG_TEMPLATE = `# airlock site config: settings of this isolated site (the export side's airlock.yaml is not
# needed here). airlock import reads this file; airlock config check validates it.
#
# publish:
#   registry:                         # after each publication, push the oci images here
#     url: registry.site.example:5000/airlock    # [http(s)://]host[:port][/prefix]
#     insecure: false                 # true: plain HTTP to a registry that is not on loopback
#     credentials:
#       file: /etc/airlock/registry-auth.json    # a docker/podman auth.json ("auths")
#       # or: env: AIRLOCK_REGISTRY_CREDENTIALS  # a variable holding user:password
`;
