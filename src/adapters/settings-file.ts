// Where the screen's settings live and how they are read and written:
// $XDG_CONFIG_HOME/bwtop/config.json (default ~/.config/bwtop/config.json). Written atomically (a
// temporary file in the same folder, then rename). Under sudo with the invoking user's HOME, what
// bwtop creates there is handed to that user (SUDO_UID/SUDO_GID), so no root-owned file is left in
// their home.

import { chownSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export function settingsPath(env: NodeJS.ProcessEnv): string | null {
  const base = env.XDG_CONFIG_HOME?.startsWith('/') ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), '.config');
  return base ? join(base, 'bwtop', 'config.json') : null;
}

/** The file's text, null when there is none, or an Error when it cannot be read. */
export function readSettingsText(path: string): string | null | Error {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return e as Error;
  }
}

/** Who should own what bwtop creates: the sudo user when root writes into a home that is not root's. */
function owner(path: string, env: NodeJS.ProcessEnv): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0 || !env.SUDO_UID) return null;
  const uid = Number(env.SUDO_UID);
  const gid = Number(env.SUDO_GID ?? env.SUDO_UID);
  if (!Number.isInteger(uid) || uid === 0 || !Number.isInteger(gid)) return null;
  const home = env.HOME ?? '';
  try {
    if (home === '' || !path.startsWith(`${home}/`) || statSync(home).uid !== uid) return null;
  } catch {
    return null;
  }
  return { uid, gid };
}

/** Writes atomically; returns a sentence when that failed, else null. */
export function writeSettingsText(path: string, text: string, env: NodeJS.ProcessEnv): string | null {
  const who = owner(path, env);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    // Create missing folders one by one, so each new one can be handed to the sudo user.
    const missing: string[] = [];
    for (let d = dirname(path); ; d = dirname(d)) {
      try {
        statSync(d);
        break;
      } catch {
        missing.unshift(d);
        if (dirname(d) === d) break;
      }
    }
    for (const d of missing) {
      mkdirSync(d, { mode: 0o755 });
      if (who) chownSync(d, who.uid, who.gid);
    }
    writeFileSync(tmp, text, { mode: 0o644 });
    if (who) chownSync(tmp, who.uid, who.gid);
    renameSync(tmp, path);
    return null;
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // The folder itself could not be made: there is no temporary file to remove.
    }
    return `cannot save settings to ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`;
  }
}
