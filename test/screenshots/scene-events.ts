// A recorded scene's extras for replaying it (fixtures/session/README.md): the host it was
// recorded on (scene.json: name and addresses) and its process events (events.json).
//
// The scene's proc/ is one copy, made at its end, plus the directories of the short-lived
// processes, each copied while it held its connection. Replayed on the packets' clock, a process
// with recorded events exists only from its birth to its exit, and the socket rows it held are
// in the tables only meanwhile: /proc as it was at each moment of the capture.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppDeps, ProcEventHandlers } from '../../src/cli/deps.js';
import type { ProcSource, TableName } from '../../src/core/proc/types.js';

export interface RecordedEvent {
  /** On the packets' clock (ms since the epoch). */
  atMs: number;
  kind: 'born' | 'exit';
  pid: number;
  /** born: the parent (fork), 0 after an exec. */
  ppid: number;
  exec: boolean;
}

interface EventsFile {
  events: RecordedEvent[];
  /** Socket table rows (data lines of /proc/net/NAME) each short-lived process held while alive. */
  rows: Record<string, Partial<Record<TableName, string[]>>>;
}

interface SceneFile {
  hostname: string;
  addresses: string[];
}

export interface Scene {
  hostname: string;
  /** The deps that replay the scene as recorded: its host's addresses and, if any, its events. */
  replayDeps(deps: AppDeps): Partial<AppDeps>;
}

/** When each pid with events lived, on the packets' clock. */
function lifetimes(events: RecordedEvent[]): Map<number, { from: number; to: number }> {
  const lives = new Map<number, { from: number; to: number }>();
  for (const e of events) {
    const life = lives.get(e.pid);
    if (e.kind === 'born' && !life) lives.set(e.pid, { from: e.atMs, to: Infinity });
    else if (e.kind === 'exit') lives.set(e.pid, { from: life?.from ?? -Infinity, to: e.atMs });
  }
  return lives;
}

/** `base` as it was at the clock's time: processes with events exist only while they lived. */
export function procAtTime(base: ProcSource, recorded: EventsFile, clock: () => number): ProcSource {
  const lives = lifetimes(recorded.events);
  const hidden = (pid: number): boolean => {
    const life = lives.get(pid);
    const now = clock();
    return life !== undefined && (now < life.from || now >= life.to);
  };
  const ifShown =
    <A extends unknown[], R>(read: (pid: number, ...rest: A) => R) =>
    (pid: number, ...rest: A): R | null =>
      hidden(pid) ? null : read(pid, ...rest);
  const timed: Partial<ProcSource> = {
    readNetTable(name) {
      const text = base.readNetTable(name);
      if (text === null) return null;
      const extra = Object.entries(recorded.rows).flatMap(([pid, rows]) => (hidden(Number(pid)) ? [] : (rows[name] ?? [])));
      return extra.length === 0 ? text : `${text.replace(/\n?$/, '\n')}${extra.join('\n')}\n`;
    },
    listPids: () => base.listPids()?.filter((pid) => !hidden(pid)) ?? null,
    readSocketInodes: ifShown((pid) => base.readSocketInodes(pid)),
    readProcess: ifShown((pid) => base.readProcess(pid)),
    readStartTime: ifShown((pid) => base.readStartTime(pid)),
    readNetNs: (pid) => (pid !== 'self' && hidden(pid) ? null : base.readNetNs(pid)),
  };
  // Everything else (placement, and whatever the source learns to read later) as the copy has it.
  return new Proxy(base, {
    get(target, key) {
      if (key in timed) return timed[key as keyof ProcSource];
      const v: unknown = Reflect.get(target, key);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

export function loadScene(dir: string): Scene {
  const meta = join(dir, 'scene.json');
  const scene: SceneFile = existsSync(meta) ? (JSON.parse(readFileSync(meta, 'utf8')) as SceneFile) : { hostname: 'web-01', addresses: [] };
  const eventsPath = join(dir, 'events.json');
  const recorded = existsSync(eventsPath) ? (JSON.parse(readFileSync(eventsPath, 'utf8')) as EventsFile) : null;
  return {
    hostname: scene.hostname,
    replayDeps(deps) {
      const own: Partial<AppDeps> = {
        // The recorded host's addresses, not this machine's: they tell sent from received.
        localAddresses: () => ({ addresses: scene.addresses, broadcasts: [] }),
      };
      if (!recorded) return own;
      const events = [...recorded.events].sort((a, b) => a.atMs - b.atMs);
      let next = 0;
      let now = -Infinity;
      return {
        ...own,
        proc: procAtTime(deps.proc, recorded, () => now),
        replayProcEvents(untilMs: number, h: ProcEventHandlers) {
          for (; next < events.length && events[next]!.atMs <= untilMs; next++) {
            const e = events[next]!;
            now = e.atMs;
            if (e.kind === 'born') h.born(e.pid, e.ppid, e.exec, e.atMs);
            else h.exited(e.pid, e.atMs);
          }
          now = untilMs;
        },
      };
    },
  };
}
