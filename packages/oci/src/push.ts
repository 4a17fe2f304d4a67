import { readFile, stat } from 'node:fs/promises';
import { AirlockError, type Digest, type Progress } from '@airlock/core';
import { mapConcurrent } from '@airlock/fetch';
import { credentialsFor, type BasicCredentials } from './docker-auth.js';
import { isIndexType } from './media-types.js';
import { registryBaseUrl } from './reference.js';
import { RegistryClient } from './registry-client.js';
import { servedContent, type ServedContent } from './served-layouts.js';
import { uploadFile } from './upload-file.js';

export interface PushOptions {
  /** Force plain HTTP for a non-loopback registry. */
  insecure?: boolean;
  authFile?: string;
  /** Used instead of authFile when given (e.g. from an environment variable the site config names). */
  credentials?: BasicCredentials;
  progress?: Progress;
}

export interface PushResult {
  registry: string;
  repositories: number;
  blobsUploaded: number;
  blobsMounted: number;
  blobsPresent: number;
  manifests: number;
}

/**
 * Pushes every image of a publication to a registry: blobs (HEAD first, cross-repo mount when a
 * blob is already in another pushed repository, else a monolithic upload), then manifests, children
 * by digest before indexes, and tags last. `target` is `[http(s)://]host[:port][/prefix]`.
 */
export async function pushPublication(root: string, target: string, o: PushOptions = {}): Promise<PushResult> {
  const { baseUrl, host, prefix } = parseTarget(target, o.insecure === true);
  const content = await servedContent(root);
  if (content.repositories.size === 0) throw new AirlockError('NO_PUBLICATION', 'the current publication holds no oci images to push');
  const client = new RegistryClient(baseUrl, o.credentials ?? (await credentialsFor(o.authFile, host)), host);
  const result: PushResult = { registry: baseUrl, repositories: 0, blobsUploaded: 0, blobsMounted: 0, blobsPresent: 0, manifests: 0 };
  const pushedIn = new Map<Digest, string>();
  for (const [name, repo] of content.repositories) {
    const dest = prefix ? `${prefix}/${name}` : name;
    const scope = `repository:${dest}:pull,push`;
    o.progress?.info(`pushing ${dest} to ${host}`);
    await mapConcurrent([...repo.blobs], 4, async (digest) => {
      const outcome = await pushBlob(client, dest, scope, digest, content, pushedIn.get(digest));
      result[outcome] += 1;
      pushedIn.set(digest, dest);
    });
    const manifests = [...repo.manifests].sort((a, b) => rank(content, a) - rank(content, b));
    for (const digest of manifests) await putManifest(client, dest, scope, digest, digest, content);
    for (const [tag, digest] of repo.tags) await putManifest(client, dest, scope, tag, digest, content);
    result.manifests += manifests.length;
    result.repositories += 1;
  }
  return result;
}

function rank(content: ServedContent, digest: Digest): number {
  return isIndexType(content.manifestTypes.get(digest) ?? '') ? 1 : 0;
}

async function pushBlob(client: RegistryClient, repo: string, scope: string, digest: Digest, content: ServedContent, mountFrom: string | undefined): Promise<'blobsUploaded' | 'blobsMounted' | 'blobsPresent'> {
  const head = await client.request(`/v2/${repo}/blobs/${digest}`, { method: 'HEAD', scope });
  if (head.status === 200) return 'blobsPresent';
  const mount = mountFrom ? `?mount=${digest}&from=${encodeURIComponent(mountFrom)}` : '';
  const started = await client.request(`/v2/${repo}/blobs/uploads/${mount}`, { method: 'POST', scope, retry: false });
  await started.body?.cancel();
  if (started.status === 201) return 'blobsMounted';
  const location = started.headers.get('location');
  if (started.status !== 202 || !location) throw new AirlockError('HTTP_STATUS', `${client.label}: starting an upload to ${repo} answered ${started.status}`);
  const path = content.paths.get(digest) as string;
  const uploadUrl = new URL(client.url(location));
  uploadUrl.searchParams.set('digest', digest);
  const size = (await stat(path)).size;
  // The Location is registry-chosen: credentials go with it only on the registry's own origin.
  const done = await uploadFile(uploadUrl.toString(), path, size, await client.authHeadersFor(uploadUrl.toString(), scope));
  if (done.status !== 201) throw new AirlockError('HTTP_STATUS', `${client.label}: uploading ${digest} to ${repo} answered ${done.status}: ${done.body.slice(0, 300)}`);
  return 'blobsUploaded';
}

async function putManifest(client: RegistryClient, repo: string, scope: string, reference: string, digest: Digest, content: ServedContent): Promise<void> {
  const bytes = await readFile(content.paths.get(digest) as string);
  const res = await client.request(`/v2/${repo}/manifests/${reference}`, {
    method: 'PUT',
    scope,
    headers: { 'Content-Type': content.manifestTypes.get(digest) as string },
    body: bytes,
  });
  const body = await res.text();
  if (res.status !== 201) throw new AirlockError('HTTP_STATUS', `${client.label}: pushing manifest ${repo}:${reference} answered ${res.status}: ${body.slice(0, 300)}`);
  const stored = res.headers.get('docker-content-digest');
  if (stored && stored !== digest) throw new AirlockError('DIGEST_MISMATCH', `${client.label} stored ${repo}:${reference} as ${stored}, not ${digest}`);
}

function parseTarget(target: string, insecure: boolean): { baseUrl: string; host: string; prefix: string } {
  const match = /^(?:(https?):\/\/)?([^/]+)(?:\/(.*))?$/.exec(target.trim());
  if (!match) throw new AirlockError('USAGE', `--registry wants [http(s)://]host[:port][/prefix], got ${target}`);
  const host = match[2] as string;
  const scheme = match[1] ?? (insecure ? 'http' : registryBaseUrl(host, []).split(':')[0]);
  return { baseUrl: `${scheme}://${host}`, host, prefix: (match[3] ?? '').replace(/\/+$/, '') };
}
