// Reads where a process runs: its cgroup (container or systemd unit), the container's name from
// its runtime's metadata, else the `ip netns` name of its namespace. A process's placement never
// changes, so each (pid, start time) is read once, and each container id named once.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { placementFromCgroup, shortId, type ContainerRef } from '../core/placement/cgroup.js';
import {
  criNameFromConfig,
  dockerDataRootFromCmdline,
  dockerDataRootFromDaemonJson,
  dockerNameFromConfig,
  netnsNamesFromMountinfo,
  storageNameFromContainersJson,
} from '../core/placement/metadata.js';
import type { Placement, ProcSource } from '../core/proc/types.js';

export interface PlacementOptions {
  /**
   * Where runtime metadata (/var/lib/docker, /run/containerd…) is looked for; "" (the default)
   * is this machine's root. A fixture procfs without runtimes passes null: ids stay short ids.
   */
  hostRoot?: string | null;
}

/** Placement cache bound: beyond it the cache starts over (cheap to re-read; never wrong). */
const MAX_CACHED = 50_000;
/** An unknown namespace re-reads the `ip netns` mounts at most this often. */
const NETNS_REREAD_MS = 1000;

const NONE: Placement = { container: null, unit: null };

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // gone, not ours to read, or no such runtime here
  }
}

export class PlacementReader {
  private readonly byProcess = new Map<string, Placement>();
  private readonly names = new Map<string, string>();
  private ownCgroup: string | null | undefined;
  private ownNetns: number | null | undefined;
  private netnsNames = new Map<number, string>();
  private netnsReadAt = -Infinity;
  private dockerRoots: string[] | null = null;
  private readonly hostRoot: string | null;

  constructor(
    private readonly root = '/proc',
    options: PlacementOptions = {},
  ) {
    this.hostRoot = options.hostRoot === undefined ? '' : options.hostRoot;
  }

  placementOf(pid: number, startTime: number, netns: number | null): Placement {
    const key = `${pid}:${startTime}`;
    const known = this.byProcess.get(key);
    if (known) return known;
    const cg = readText(`${this.root}/${pid}/cgroup`);
    if (cg === null) return NONE; // gone: not cached, a later read of a new process may succeed
    const { container, unit } = placementFromCgroup(cg, this.own());
    const p: Placement = { container: container ? this.containerName(container) : this.netnsName(netns), unit };
    if (this.byProcess.size >= MAX_CACHED) this.byProcess.clear();
    this.byProcess.set(key, p);
    return p;
  }

  /** The `ip netns` name of a namespace other than bwtop's own, else null. */
  netnsName(netns: number | null): string | null {
    if (netns === null || netns === this.ownNs()) return null;
    let name = this.netnsNames.get(netns);
    const now = Date.now();
    if (name === undefined && now - this.netnsReadAt >= NETNS_REREAD_MS) {
      this.netnsReadAt = now;
      const text = readText(`${this.root}/self/mountinfo`);
      if (text !== null) this.netnsNames = netnsNamesFromMountinfo(text);
      name = this.netnsNames.get(netns);
    }
    return name ?? null;
  }

  private own(): string | null {
    if (this.ownCgroup === undefined) this.ownCgroup = readText(`${this.root}/self/cgroup`);
    return this.ownCgroup;
  }

  private ownNs(): number | null {
    if (this.ownNetns === undefined) {
      let link: string | null = null;
      try {
        link = readlinkSync(`${this.root}/self/ns/net`);
      } catch {
        link = null; // a fixture copy has no ns/ links
      }
      const m = link === null ? null : /^net:\[(\d+)\]$/.exec(link);
      this.ownNetns = m ? Number(m[1]) : null;
    }
    return this.ownNetns;
  }

  private containerName(c: ContainerRef): string {
    let name = this.names.get(c.id);
    if (name === undefined) {
      name = (this.hostRoot === null ? null : this.runtimeName(c, this.hostRoot)) ?? shortId(c.id);
      this.names.set(c.id, name);
    }
    return name;
  }

  private runtimeName(c: ContainerRef, host: string): string | null {
    const tries: Array<() => string | null> = [];
    if (c.runtime === 'docker' || c.runtime === 'kubernetes') {
      tries.push(() => {
        for (const dir of this.dockerDataRoots(host)) {
          const text = readText(`${dir}/containers/${c.id}/config.v2.json`);
          if (text !== null) return dockerNameFromConfig(text);
        }
        return null;
      });
    }
    if (c.runtime === 'containerd' || c.runtime === 'kubernetes') {
      tries.push(() => criName(readText(`${host}/run/containerd/io.containerd.runtime.v2.task/k8s.io/${c.id}/config.json`)));
    }
    if (c.runtime === 'crio' || c.runtime === 'podman' || c.runtime === 'kubernetes') {
      for (const store of ['/run/containers/storage', '/var/lib/containers/storage']) {
        tries.push(() => criName(readText(`${host}${store}/overlay-containers/${c.id}/userdata/config.json`)));
        tries.push(() => {
          const text = readText(`${host}${store}/overlay-containers/containers.json`);
          return text === null ? null : storageNameFromContainersJson(text, c.id);
        });
      }
    }
    for (const t of tries) {
      const name = t();
      if (name !== null) return name;
    }
    return null;
  }

  /** Docker's data roots: from each running dockerd's command line (seen through its root), else the defaults. */
  private dockerDataRoots(host: string): string[] {
    if (this.dockerRoots !== null) return this.dockerRoots;
    const roots: string[] = [];
    const daemons = this.dockerdPids();
    const configured = dockerDataRootFromDaemonJson(readText(`${host}/etc/docker/daemon.json`) ?? '');
    for (const pid of daemons) {
      const dir = dockerDataRootFromCmdline(readText(`${this.root}/${pid}/cmdline`) ?? '') ?? configured ?? '/var/lib/docker';
      // Through the daemon's own root: right even when bwtop runs in another mount namespace.
      roots.push(`${this.root}/${pid}/root${dir}`, `${host}${dir}`);
    }
    roots.push(`${host}${configured ?? '/var/lib/docker'}`);
    const unique = [...new Set(roots)];
    if (daemons.length > 0) this.dockerRoots = unique; // else looked for again with the next new container
    return unique;
  }

  private dockerdPids(): number[] {
    let entries: string[];
    try {
      entries = readdirSync(this.root);
    } catch {
      return [];
    }
    const pids: number[] = [];
    for (const e of entries) {
      if (!/^[1-9]\d*$/.test(e)) continue;
      if (readText(`${this.root}/${e}/comm`) === 'dockerd\n') pids.push(Number(e));
    }
    return pids;
  }
}

function criName(text: string | null): string | null {
  return text === null ? null : criNameFromConfig(text);
}

/**
 * Gives a procfs source its `readPlacement`. Runtime metadata (/var/lib/docker…) belongs to the
 * live machine, so a fixture copy (any root but /proc) names containers by short id only.
 */
export function withPlacement<T extends ProcSource & { readonly root: string }>(src: T): T {
  const reader = new PlacementReader(src.root, { hostRoot: src.root === '/proc' ? '' : null });
  src.readPlacement = (pid, startTime, netns) => reader.placementOf(pid, startTime, netns);
  return src;
}
