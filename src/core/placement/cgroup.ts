// Where a process runs, read from its /proc/PID/cgroup text (cgroup v1: one line per hierarchy;
// v2: the single "0::" line). Container runtimes put each container in a cgroup whose path
// carries the container id in a known shape; systemd puts services, scopes and user sessions in
// units. A container's scope is its container, never a unit; a unit is never a container.

/** One line of /proc/PID/cgroup: "4:memory:/docker/<id>" or "0::/system.slice/x.service". */
export interface CgroupLine {
  hierarchy: number;
  controllers: string;
  path: string;
}

/** 'kubernetes': a pod's container whose runtime the path does not tell (cgroupfs driver). */
export type ContainerRuntime = 'docker' | 'containerd' | 'crio' | 'podman' | 'kubernetes';

export interface ContainerRef {
  runtime: ContainerRuntime;
  /** The full id (64 hex digits). */
  id: string;
  /** Kubernetes pod uid when the path names one (dashes, as the API prints it). */
  podUid: string | null;
}

export function parseCgroup(text: string): CgroupLine[] {
  const out: CgroupLine[] = [];
  for (const line of text.split('\n')) {
    const a = line.indexOf(':');
    const b = a < 0 ? -1 : line.indexOf(':', a + 1);
    if (b < 0) continue;
    const hierarchy = Number(line.slice(0, a));
    if (!Number.isInteger(hierarchy)) continue;
    out.push({ hierarchy, controllers: line.slice(a + 1, b), path: line.slice(b + 1) });
  }
  return out;
}

const ID = '([0-9a-f]{64})';
// Path components, innermost first tried. "libpod-conmon-<id>.scope" and "crio-conmon-<id>.scope"
// hold the runtime's monitor process, not the container: the patterns below do not match them.
const COMPONENT_PATTERNS: ReadonlyArray<[RegExp, ContainerRuntime]> = [
  [new RegExp(`^docker-${ID}\\.scope$`), 'docker'],
  [new RegExp(`^cri-containerd-${ID}\\.scope$`), 'containerd'],
  [new RegExp(`^crio-${ID}\\.scope$`), 'crio'],
  [new RegExp(`^libpod-${ID}\\.scope$`), 'podman'],
  // containerd's systemd driver inside its own service: "kubepods-…-pod<uid>.slice:cri-containerd:<id>"
  [new RegExp(`:cri-containerd:${ID}$`), 'containerd'],
  [new RegExp(`:crio:${ID}$`), 'crio'],
];

const POD_UID = /pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})(?:\.slice)?$/;
const BARE_ID = new RegExp(`^${ID}$`);

function podUidIn(parts: readonly string[]): string | null {
  for (const p of parts) {
    const m = POD_UID.exec(p.split(':')[0]!);
    if (m) return m[1]!.replaceAll('_', '-');
  }
  return null;
}

/** The container a cgroup path names, or null (host processes, systemd units, the runtime itself). */
export function containerOfPath(path: string): ContainerRef | null {
  const parts = path.split('/').filter((p) => p !== '');
  const podUid = podUidIn(parts);
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i]!;
    for (const [re, runtime] of COMPONENT_PATTERNS) {
      const m = re.exec(part);
      if (m) return { runtime, id: m[1]!, podUid };
    }
    if (BARE_ID.test(part)) {
      // cgroupfs driver: "/docker/<id>", "/kubepods/burstable/pod<uid>/<id>", "/libpod_parent/libpod-<id>"…
      const parent = parts[i - 1] ?? '';
      if (podUid) return { runtime: 'kubernetes', id: part, podUid };
      if (parent === 'docker') return { runtime: 'docker', id: part, podUid: null };
    }
  }
  return null;
}

/** The systemd unit a cgroup path ends in: its innermost ".service" or ".scope" that is not a container. */
export function unitOfPath(path: string): string | null {
  const parts = path.split('/').filter((p) => p !== '');
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i]!;
    if (!part.endsWith('.service') && !part.endsWith('.scope')) continue;
    if (containerOfPath(part) !== null) return null;
    return part;
  }
  return null;
}

/** The line systemd keeps its units in: v1's "name=systemd" hierarchy, else v2's unified "0::". */
function systemdLine(lines: readonly CgroupLine[]): CgroupLine | undefined {
  return lines.find((l) => l.controllers === 'name=systemd') ?? lines.find((l) => l.hierarchy === 0 && l.controllers === '');
}

export interface CgroupPlacement {
  container: ContainerRef | null;
  unit: string | null;
}

/**
 * The container and unit of a process from its cgroup text. `own` is bwtop's own cgroup text:
 * a container it also finds there is the one bwtop runs in, which is the host from its view.
 */
export function placementFromCgroup(text: string, own: string | null): CgroupPlacement {
  const lines = parseCgroup(text);
  const ownIds = new Set<string>();
  if (own !== null)
    for (const l of parseCgroup(own)) {
      const c = containerOfPath(l.path);
      if (c) ownIds.add(c.id);
    }
  let container: ContainerRef | null = null;
  for (const l of lines) {
    const c = containerOfPath(l.path);
    if (c && !ownIds.has(c.id)) {
      container = c;
      break;
    }
  }
  const sd = systemdLine(lines);
  const unit = container === null && sd ? unitOfPath(sd.path) : null;
  return { container, unit };
}

/** The 12-hex short id every runtime's tools print. */
export function shortId(id: string): string {
  return id.slice(0, 12);
}
