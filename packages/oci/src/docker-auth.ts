import { isRecord, AirlockError, readFileLimited } from '@airlock/core';

export interface BasicCredentials {
  username: string;
  password: string;
}

/** Reads credentials for `host` from a docker config.json (`auths.<host>.auth` or username/password). */
export async function credentialsFor(authFile: string | undefined, host: string): Promise<BasicCredentials | undefined> {
  if (authFile === undefined) return undefined;
  const bytes = await readFileLimited(authFile, 1 << 20, `auth file ${authFile}`);
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new AirlockError('CONFIG_INVALID', `auth file ${authFile} is not JSON; give a docker config.json`);
  }
  const auths = isRecord(doc) && isRecord(doc.auths) ? doc.auths : {};
  const keys = host === 'docker.io' ? ['docker.io', 'index.docker.io', 'https://index.docker.io/v1/', 'registry-1.docker.io'] : [host, `https://${host}`, `http://${host}`];
  for (const key of keys) {
    const entry = auths[key];
    if (!isRecord(entry)) continue;
    if (typeof entry.auth === 'string' && entry.auth !== '') {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    if (typeof entry.username === 'string' && typeof entry.password === 'string') return { username: entry.username, password: entry.password };
  }
  return undefined;
}

export function basicHeader(creds: BasicCredentials): string {
  return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
}
