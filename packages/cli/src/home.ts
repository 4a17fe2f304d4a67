import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { airlockHome, type AirlockHome } from '@airlock/engine';

/** --home, else AIRLOCK_HOME, else $XDG_DATA_HOME/airlock, else ~/.local/share/airlock. */
export function resolveHome(option: string | undefined): AirlockHome {
  const explicit = option ?? process.env.AIRLOCK_HOME;
  if (explicit) return airlockHome(resolve(explicit));
  const data = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return airlockHome(join(data, 'airlock'));
}
