// ProcSource over a procfs directory: "/proc" live, or a fixture copy for tests. All reads are
// synchronous; a process may exit at any moment between two reads, so "gone" and "not allowed"
// errors become null instead of exceptions.
import { closeSync, openSync, readFileSync, readSync, readdirSync, readlinkSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  parseCmdline,
  parseComm,
  parsePasswd,
  parseSockstat,
  parseSocketLink,
  parseStatStartTime,
  parseStatusUid,
} from '../core/proc/procText.js';
import type { ProcSource, ProcessInfo } from '../core/proc/types.js';

export type NetTableName = 'tcp' | 'tcp6' | 'udp' | 'udp6';

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
 * How many sockets the tables under `root` hold, from net/sockstat{,6} (cheap to read), or 0 if
 * unknown. Lets a caller decide whether reading the tables is worth a second thread.
 */
export function socketCountHint(root = '/proc'): number {
  let n = 0;
  for (const f of ['sockstat', 'sockstat6']) {
    try {
      n += parseSockstat(readFileSync(`${root}/net/${f}`, 'latin1'));
    } catch {
      // no IPv6, or not a live procfs: no hint
    }
  }
  return n;
}

// Runs in a worker: plain CommonJS, no imports from this project, so it starts fast.
const TABLE_READER = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
parentPort.postMessage(workerData.paths.map((p) => { try { return readFileSync(p, 'latin1'); } catch { return null; } }));
`;

/**
 * Reads socket tables on a worker thread, so a caller can scan descriptors meanwhile: on a host
 * with many sockets both take tens of milliseconds of kernel time. Resolves to each table's text,
 * or null where the worker could not read it (the caller retries that one with readNetTable, which
 * tells "missing" from real errors). Resolves to all nulls, never rejects, if the worker fails.
 */
export function readNetTablesInWorker(root: string, names: readonly NetTableName[]): Promise<Array<string | null>> {
  const nulls = () => names.map(() => null);
  if (availableParallelism() < 2 || names.length === 0) return Promise.resolve(nulls());
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(TABLE_READER, { eval: true, workerData: { paths: names.map((n) => `${root}/net/${n}`) } });
    } catch {
      resolve(nulls());
      return;
    }
    worker.once('message', (texts: Array<string | null>) => resolve(texts));
    worker.once('error', () => resolve(nulls()));
    worker.once('exit', () => resolve(nulls())); // no-op if the message came first
  });
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

  readNetTable(name: NetTableName): string | null {
    try {
      return readWhole(`${this.root}/net/${name}`);
    } catch (err) {
      if (isExpected(err)) return null;
      throw err;
    }
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
      const startTime = parseStatStartTime(readFileSync(base + 'stat', 'utf8'));
      const uid = parseStatusUid(readFileSync(base + 'status', 'utf8'));
      if (startTime === null || uid === null) return null;
      const name = parseComm(readFileSync(base + 'comm', 'utf8'));
      const cmdline = parseCmdline(readFileSync(base + 'cmdline', 'utf8'));
      return { pid, startTime, name, cmdline, uid, user: this.userName(uid) };
    } catch (err) {
      if (isExpected(err)) return null;
      throw err;
    }
  }

  readStartTime(pid: number): number | null {
    try {
      return parseStatStartTime(readFileSync(`${this.root}/${pid}/stat`, 'latin1'));
    } catch (err) {
      if (isExpected(err)) return null;
      throw err;
    }
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
