// Records real netlink reply bytes for the unit tests of src/core/netlink/ (see
// fixtures/netlink/README.md). Two modes, run as root from the repository after `npm run build`:
//   node dist/test/fixtures-tools/record-netlink.js diag OUTDIR
//     (inside the network namespace made by record-netlink.sh) every table dumped over
//     sock_diag, datagrams concatenated into OUTDIR/diag-<table>.bin, with a copy of
//     /proc/net/<table> taken right after into OUTDIR/net/<table>; plus exact lookups.
//   node dist/test/fixtures-tools/record-netlink.js events OUTDIR
//     process events while it runs /bin/true three times, a `sh -c` that forks, and a python
//     process that renames itself and starts a thread; only events of those process trees
//     (and the subscription's ack) are kept, in OUTDIR/proc-events.bin, pids in proc-events.json.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { CN_IDX_PROC, NETLINK_CONNECTOR, parseProcEvents, procEventAcks, procEventsSubscribe } from '../../src/core/netlink/proc-events.js';
import { NETLINK_SOCK_DIAG, forEachSockDiagRow, sockDiagDumpRequest, sockDiagLookupRequest } from '../../src/core/netlink/sock-diag.js';
import { SOCKET_TABLES } from '../../src/core/proc/types.js';
import type { SocketEntry } from '../../src/core/proc/types.js';

interface Raw {
  on(ev: 'message', f: (m: Buffer) => void): void;
  on(ev: 'error', f: (e: Error) => void): void;
  removeListener(ev: 'message', f: (m: Buffer) => void): void;
  send(m: Buffer, o: { port: number }, cb: (e?: Error) => void): void;
  close(): void;
  setRecvBufferSize(n: number): void;
}
const { RawNetlinkSocket } = createRequire(import.meta.url)('netlink/dist/raw.js') as {
  RawNetlinkSocket: new (proto: number, opts?: { localGroups?: number }) => Raw;
};

const TABLES = SOCKET_TABLES;

/** Sends `req` and collects reply datagrams until one holds DONE, an error, or (lookups) anything. */
function exchange(sock: Raw, req: Buffer, seq: number, isDump: boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    const onMsg = (m: Buffer) => {
      parts.push(m);
      const st = forEachSockDiagRow(m, seq, 'tcp', () => {});
      if (st.done || (!isDump && st.messages > 0)) {
        sock.removeListener('message', onMsg);
        resolve(Buffer.concat(parts));
      }
    };
    sock.on('message', onMsg);
    sock.send(req, { port: 0 }, (e) => e && reject(e));
  });
}

async function recordDiag(out: string): Promise<void> {
  mkdirSync(join(out, 'net'), { recursive: true });
  const sock = new RawNetlinkSocket(NETLINK_SOCK_DIAG);
  sock.on('error', (e) => {
    throw e;
  });
  let seq = 100;
  const rows: Record<string, SocketEntry[]> = {};
  for (const t of TABLES) {
    seq++;
    const reply = await exchange(sock, sockDiagDumpRequest(seq, t.proto, t.family), seq, true);
    writeFileSync(join(out, `diag-${t.name}.bin`), reply);
    writeFileSync(join(out, 'net', t.name), readFileSync(`/proc/net/${t.name}`));
    rows[t.name] = [];
    forEachSockDiagRow(reply, seq, t.proto, (r) => rows[t.name]!.push({ ...r }));
  }
  // Exact lookups: a TCP connection, a TCP connection of a v6 socket talking IPv4, a connected UDP
  // socket, and a 5-tuple no socket has (the kernel answers ENOENT).
  const pick = (table: string, f: (e: SocketEntry) => boolean) => rows[table]!.find(f);
  const lookups = [
    { file: 'lookup-tcp.bin', table: 'tcp', e: pick('tcp', (e) => e.state === 'ESTABLISHED') },
    {
      file: 'lookup-tcp6-mapped.bin',
      table: 'tcp6',
      e: pick('tcp6', (e) => e.state === 'ESTABLISHED' && e.localAddr.startsWith('::ffff:')),
    },
    { file: 'lookup-udp.bin', table: 'udp', e: pick('udp', (e) => e.state === 'ESTABLISHED') },
    {
      file: 'lookup-none.bin',
      table: 'tcp',
      e: {
        proto: 'tcp',
        family: 4,
        localAddr: '127.0.0.1',
        localPort: 7001,
        remoteAddr: '127.0.0.1',
        remotePort: 9,
        state: '',
        uid: 0,
        inode: 0,
      } as SocketEntry,
    },
    {
      file: 'lookup-enoent.bin',
      table: 'tcp',
      e: {
        proto: 'tcp',
        family: 4,
        localAddr: '127.0.0.1',
        localPort: 7999,
        remoteAddr: '127.0.0.1',
        remotePort: 9,
        state: '',
        uid: 0,
        inode: 0,
      } as SocketEntry,
    },
  ];
  const index: unknown[] = [];
  for (const l of lookups) {
    if (l.e === undefined) throw new Error(`no socket to look up for ${l.file}`);
    const t = TABLES.find((x) => x.name === l.table)!;
    seq++;
    const req = sockDiagLookupRequest(seq, t.proto, t.family, l.e.localAddr, l.e.localPort, l.e.remoteAddr, l.e.remotePort)!;
    writeFileSync(join(out, l.file), await exchange(sock, req, seq, false));
    index.push({ file: l.file, table: l.table, seq, local: [l.e.localAddr, l.e.localPort], remote: [l.e.remoteAddr, l.e.remotePort] });
  }
  writeFileSync(
    join(out, 'diag.json'),
    JSON.stringify({ dumpSeq: { tcp: 101, tcp6: 102, udp: 103, udp6: 104 }, lookups: index }, null, 1) + '\n',
  );
  sock.close();
}

function run(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { stdio: 'ignore' });
    c.once('error', reject);
    c.once('exit', () => resolve(c.pid!));
  });
}

async function recordEvents(out: string): Promise<void> {
  mkdirSync(out, { recursive: true });
  const sock = new RawNetlinkSocket(NETLINK_CONNECTOR, { localGroups: CN_IDX_PROC });
  sock.setRecvBufferSize(8 << 20);
  const datagrams: Buffer[] = [];
  sock.on('message', (m) => datagrams.push(m));
  sock.on('error', (e) => console.error('error', e.message));
  const seq = 4242;
  sock.send(procEventsSubscribe('listen', seq), { port: 0 }, (e) => e && console.error(e));
  await new Promise((r) => setTimeout(r, 200));
  const children: Array<{ cmd: string; pid: number }> = [];
  for (let i = 0; i < 3; i++) children.push({ cmd: '/bin/true', pid: await run('/bin/true', []) });
  children.push({ cmd: "sh -c '/bin/true; /bin/true; exit 3'", pid: await run('/bin/sh', ['-c', '/bin/true; /bin/true; exit 3']) });
  const py =
    "import ctypes,threading; ctypes.CDLL(None).prctl(15, b'rec-thread', 0, 0, 0); " +
    't = threading.Thread(target=lambda: None); t.start(); t.join()';
  children.push({ cmd: 'python3 (renames itself, one thread)', pid: await run('/usr/bin/python3', ['-c', py]) });
  await new Promise((r) => setTimeout(r, 300));
  sock.send(procEventsSubscribe('ignore', seq + 1), { port: 0 }, () => {});
  await new Promise((r) => setTimeout(r, 100));
  sock.close();

  // Keep the ack and every event of the children's trees (forks of a kept process add its child).
  const tree = new Set(children.map((c) => c.pid));
  const kept: Buffer[] = [];
  for (const d of datagrams) {
    const keep = parseProcEvents(d).some((e) => {
      if (e.kind === 'none') return procEventAcks(d).some((a) => a.tag === seq); // our own ack
      if (e.kind === 'fork') {
        if (tree.has(e.childTgid) || tree.has(e.parentTgid)) {
          tree.add(e.childTgid);
          return true;
        }
        return false;
      }
      return tree.has(e.tgid);
    });
    if (keep) kept.push(d);
  }
  writeFileSync(join(out, 'proc-events.bin'), Buffer.concat(kept));
  writeFileSync(join(out, 'proc-events.json'), JSON.stringify({ recorder: process.pid, children }, null, 1) + '\n');
}

const [mode, out] = process.argv.slice(2);
if (out === undefined || (mode !== 'diag' && mode !== 'events')) {
  console.error('usage: record-netlink.js diag|events OUTDIR');
  process.exit(2);
}
await (mode === 'diag' ? recordDiag(out) : recordEvents(out));
