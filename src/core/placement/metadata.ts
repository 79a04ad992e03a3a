// Names for what the cgroup and namespace links only number: the container runtimes' metadata
// files, dockerd's command line, and the `ip netns` bind mounts in mountinfo. Pure text in,
// plain values out; a file that is not what it should be yields null, never an exception.

/** Docker's container name from its `config.v2.json` ("Name": "/web" -> "web"). */
export function dockerNameFromConfig(json: string): string | null {
  try {
    const doc = JSON.parse(json) as { Name?: unknown };
    if (typeof doc.Name !== 'string') return null;
    const name = doc.Name.replace(/^\//, '');
    return name === '' ? null : name;
  } catch {
    return null;
  }
}

/**
 * A Kubernetes container's name from the OCI bundle's `config.json` annotations the CRI runtime
 * writes (containerd: io.kubernetes.cri.*, CRI-O: io.kubernetes.*): "pod/container", or the pod
 * alone for the pod's sandbox ("pause") container.
 */
export function criNameFromConfig(json: string): string | null {
  let ann: Record<string, unknown>;
  try {
    const doc = JSON.parse(json) as { annotations?: unknown };
    if (typeof doc.annotations !== 'object' || doc.annotations === null) return null;
    ann = doc.annotations as Record<string, unknown>;
  } catch {
    return null;
  }
  const str = (k: string): string | null => (typeof ann[k] === 'string' && ann[k] !== '' ? (ann[k] as string) : null);
  const pod = str('io.kubernetes.cri.sandbox-name') ?? str('io.kubernetes.pod.name');
  const ns = str('io.kubernetes.cri.sandbox-namespace') ?? str('io.kubernetes.pod.namespace');
  const container = str('io.kubernetes.cri.container-name') ?? str('io.kubernetes.container.name');
  if (pod === null) return null;
  const podName = ns === null ? pod : `${ns}/${pod}`;
  return container === null || container === 'POD' ? podName : `${podName}/${container}`;
}

/** dockerd's data root from its NUL-separated command line (--data-root, the old -g/--graph), else null. */
export function dockerDataRootFromCmdline(cmdline: string): string | null {
  const args = cmdline.split('\0');
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    for (const flag of ['--data-root', '--graph', '-g']) {
      if (a === flag && args[i + 1]) return args[i + 1]!;
      if (a.startsWith(flag + '=')) return a.slice(flag.length + 1);
    }
  }
  return null;
}

/** "data-root" of /etc/docker/daemon.json, else null. */
export function dockerDataRootFromDaemonJson(json: string): string | null {
  try {
    const doc = JSON.parse(json) as Record<string, unknown>;
    const root = doc['data-root'] ?? doc.graph;
    return typeof root === 'string' && root !== '' ? root : null;
  } catch {
    return null;
  }
}

/** mountinfo escapes space, tab, newline and backslash in paths as octal. */
function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

const NETNS_DIRS = ['/run/netns/', '/var/run/netns/'];

/**
 * `ip netns` names by namespace inode, from /proc/PID/mountinfo text: `ip netns add NAME` bind
 * mounts the namespace (fs type nsfs, root "net:[INODE]") on /run/netns/NAME.
 */
export function netnsNamesFromMountinfo(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    const dash = f.indexOf('-');
    if (dash < 6 || f[dash + 1] !== 'nsfs') continue;
    const m = /^net:\[(\d+)\]$/.exec(f[3] ?? '');
    if (!m) continue;
    const mountPoint = unescapeMountPath(f[4]!);
    const dir = NETNS_DIRS.find((d) => mountPoint.startsWith(d));
    if (dir === undefined) continue;
    const name = mountPoint.slice(dir.length);
    if (name === '' || name.includes('/')) continue;
    const ino = Number(m[1]);
    if (!names.has(ino)) names.set(ino, name);
  }
  return names;
}

/** A container's names in containers/storage's `containers.json` (Podman, CRI-O): the first, else null. */
export function storageNameFromContainersJson(json: string, id: string): string | null {
  try {
    const doc = JSON.parse(json) as unknown;
    if (!Array.isArray(doc)) return null;
    for (const c of doc as Array<{ id?: unknown; names?: unknown }>) {
      if (c.id !== id || !Array.isArray(c.names)) continue;
      const first: unknown = c.names[0];
      return typeof first === 'string' && first !== '' ? first : null;
    }
    return null;
  } catch {
    return null;
  }
}
