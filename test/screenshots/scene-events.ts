// A recorded scene's extras for replaying it: the host name it was recorded as (scene.json).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppDeps } from '../../src/cli/deps.js';

export interface Scene {
  hostname: string;
  /** The deps that replay the scene's process events (absent: none recorded). */
  replayDeps(deps: AppDeps): Partial<AppDeps>;
}

export function loadScene(dir: string): Scene {
  const meta = join(dir, 'scene.json');
  const hostname = existsSync(meta) ? (JSON.parse(readFileSync(meta, 'utf8')) as { hostname: string }).hostname : 'web-01';
  return { hostname, replayDeps: () => ({}) };
}
