// ProcSource over a procfs directory: "/proc" live, or a fixture copy for tests. All reads are
// synchronous; a process may exit at any moment between two reads, so "gone" and "not allowed"
// errors become null instead of exceptions.
import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync, readlinkSync } from 'node:fs';
import {
  parseCmdline,
  parsePasswd,
  parseStat,
  parseSockstat,
  parseSocketLink,
  parseStatStartTime,
  parseStatusUid,
  type SockstatCounts,
} from '../core/proc/procText.js';
import type { OtherSocketTable, ProcSource, ProcStat, ProcessInfo, TableName } from '../core/proc/types.js';

export interface ProcFsOptions {
  /** Where user names come from; fixtures ship their own copy. Default /etc/passwd. */
  passwdPath?: string;
  /**
   * Read a large fd/ directory's links by names relative to it (chdir there, then back): the
   * kernel then resolves one path component per link instead of four, about a fifth faster.
   * Only for one-shot commands: it changes the process's working directory for the duration
   * of the call, which asynchronous file operations running meanwhile would see.
   */
  relativeFdLinks?: boolean;
}

/** fd/ directories at least this big are worth the two extra chdir calls. */
const RELATIVE_LINKS_MIN = 256;

/** Errors that mean the file or process is gone or not ours to read. */
const EXPECTED = new Set(['ENOENT', 'ESRCH', 'EACCES', 'EPERM', 'ENOTDIR']);

function isExpected(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code !== undefined && EXPECTED.has(code);
}

// One buffer for every table read: /proc/net/tcp of a busy host is megabytes, and reading it in
// one read(2) into a large buffer beats Node's 64 KiB chunking (seq_file fills whatever it is given).
let tableBuf = Buffer.allocUnsafe(1 << 20);

function readWhole(path: string): string {
  const fd = openSync(path, 'r');
  try {
    let used = 0;
    for (;;) {
      if (used === tableBuf.length) {
        const bigger = Buffer.allocUnsafe(tableBuf.length * 2);
        tableBuf.copy(bigger, 0, 0, used);
        tableBuf = bigger;
      }
      const got = readSync(fd, tableBuf, used, tableBuf.length - used, null);
      if (got === 0) break;
      used += got;
    }
    return tableBuf.toString('latin1', 0, used);
  } finally {
    closeSync(fd);
  }
}

/** chdir into `dir`; returns the directory to come back to, or null if either is impossible. */
function enterDir(dir: string): string | null {
  try {
    const home = process.cwd();
    process.chdir(dir);
    return home;
  } catch {
    return null; // cwd deleted, dir gone, or a worker thread (no chdir there): use full paths
  }
}

function leaveDir(home: string): void {
  try {
    process.chdir(home);
  } catch {
    process.chdir('/'); // home vanished meanwhile: anywhere but a dead process's fd/
  }
}

/**
 * Rows each socket table under `root` will roughly hold, from net/sockstat{,6} (cheap to read);
 * zeros when unknown (no IPv6, or not a live procfs).
 */
export function socketCountHint(root = '/proc'): SockstatCounts {
  const counts: SockstatCounts = { tcp: 0, tcp6: 0, udp: 0, udp6: 0 };
  for (const f of ['sockstat', 'sockstat6']) {
    try {
      const c = parseSockstat(readFileSync(`${root}/net/${f}`, 'latin1'));
      for (const k of Object.keys(counts) as TableName[]) counts[k] += c[k];
    } catch {
      // no hint
    }
  }
  return counts;
}

export class ProcFs implements ProcSource {
  private readonly passwdPath: string;
  private readonly relativeFdLinks: boolean;
  private users: Map<number, string> | null = null;

  constructor(
    readonly root = '/proc',
    options: ProcFsOptions = {},
  ) {
    this.passwdPath = options.passwdPath ?? '/etc/passwd';
    this.relativeFdLinks = options.relativeFdLinks ?? false;
  }

  /** A whole procfs file, null when it is gone or not ours to read. */
  private readOrNull(path: string): string | null {
    try {
      return readWhole(path);
    } catch (err) {
      if (isExpected(err)) return null;
      throw err;
    }
  }

  readNetTable(name: TableName): string | null {
    return this.readOrNull(`${this.root}/net/${name}`);
  }

  listPids(): number[] | null {
    let names: string[];
    try {
      names = readdirSync(this.root);
    } catch (err) {
      if (isExpected(err)) return null;
      throw err;
    }
    const pids: number[] = [];
    for (const n of names) {
      const c = n.charCodeAt(0);
      if (c < 49 || c > 57) continue; // pids never start with 0
      const pid = Number(n);
      if (Number.isSafeInteger(pid)) pids.push(pid);
    }
    return pids;
  }

  readSocketInodes(pid: number): number[] | null {
    const dir = `${this.root}/${pid}/fd/`;
    let fds: string[];
    try {
      fds = readdirSync(dir);
    } catch (err) {
      if (isExpected(err)) return null;
      throw err;
    }
    const inodes: number[] = [];
    const home = this.relativeFdLinks && fds.length >= RELATIVE_LINKS_MIN ? enterDir(dir) : null;
    try {
      const prefix = home === null ? dir : '';
      for (const fd of fds) {
        let target: string;
        try {
          target = readlinkSync(prefix + fd);
        } catch (err) {
          // Refused (not dumpable, another user's): every link is, so one exception is enough.
          if (['EACCES', 'EPERM'].includes((err as NodeJS.ErrnoException).code ?? '')) break;
          if (isExpected(err)) continue; // closed since the readdir
          throw err;
        }
        const inode = parseSocketLink(target);
        if (inode !== 0) inodes.push(inode);
      }
    } finally {
      if (home !== null) leaveDir(home);
    }
    return inodes;
  }

  readProcess(pid: number): ProcessInfo | null {
    const base = `${this.root}/${pid}/`;
    try {
      const stat = parseStat(readFileSync(base + 'stat', 'utf8'));
      const uid = parseStatusUid(readFileSync(base + 'status', 'utf8'));
      if (stat === null || uid === null) return null;
      const cmdline = parseCmdline(readFileSync(base + 'cmdline', 'utf8'));
      let exe = '';
      try {
        exe = readlinkSync(base + 'exe');
      } catch {
        // kernel threads have none; another user's process without privileges
      }
      return { pid, startTime: stat.startTime, name: stat.comm, cmdline, uid, user: this.userName(uid), ppid: stat.ppid, exe };
    } catch (err) {
      if (isExpected(err)) return null;
      throw err;
    }
  }

  readNetNs(pid: number | 'self'): string | null {
    try {
      return readlinkSync(`${this.root}/${pid}/ns/net`);
    } catch {
      return null; // gone, not ours to read, or a fixture without ns/ links
    }
  }

  readPidNet(pid: number, name: string): string | null {
    return this.readOrNull(`${this.root}/${pid}/net/${name}`);
  }

  /** Only where the kernel already tracks connections: reading an existing file never loads a module. */
  readConntrack(): string | null {
    return existsSync(`${this.root}/net/nf_conntrack`) ? this.readOrNull(`${this.root}/net/nf_conntrack`) : null;
  }

  readOtherSockets(name: OtherSocketTable): string | null {
    return this.readOrNull(`${this.root}/net/${name}`);
  }

  readStat(pid: number): ProcStat | null {
    const stat = this.readOrNull(`${this.root}/${pid}/stat`);
    return stat === null ? null : parseStat(stat);
  }

  readStartTime(pid: number): number | null {
    const stat = this.readOrNull(`${this.root}/${pid}/stat`);
    return stat === null ? null : parseStatStartTime(stat);
  }

  /** User name for a uid, or the uid as text when /etc/passwd does not know it. */
  userName(uid: number): string {
    if (this.users === null) {
      try {
        this.users = parsePasswd(readFileSync(this.passwdPath, 'utf8'));
      } catch {
        this.users = new Map(); // no passwd (containers): numeric names
      }
    }
    return this.users.get(uid) ?? String(uid);
  }
}

/**
 * A ProcFs over `root`. A copy other than /proc may carry its recording host's passwd as
 * `etc-passwd`, so user names match the recording.
 */
export function openProcRoot(root: string, options: ProcFsOptions = {}): ProcFs {
  const fixturePasswd = `${root}/etc-passwd`;
  return new ProcFs(root, root !== '/proc' && existsSync(fixturePasswd) ? { ...options, passwdPath: fixturePasswd } : options);
}
