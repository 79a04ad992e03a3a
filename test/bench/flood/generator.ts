// The flood: a small python3 loop (cheaper per packet than node's dgram, which cannot keep up at
// these rates) sending 64-byte IP packets (20 IP + 8 UDP + 36 payload) from one socket on
// 127.0.0.1 to another it reads, at a fixed rate for a fixed time. Sends are paced against the
// clock in small batches; the receiver is drained between batches so every packet is delivered.
// After the flood it lingers (still draining), so the tools' last refreshes before it exits
// already include every packet and its process is still alive to be credited.
import { spawn } from 'node:child_process';
import type { Netns } from './netns.js';

export const UDP_PAYLOAD = 36;
export const IP_PACKET_BYTES = 20 + 8 + UDP_PAYLOAD;

const SCRIPT = `
import socket, sys, time, json
pps, secs, linger = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    rx.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)  # SO_RCVBUFFORCE (root)
except OSError:
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
rx.bind(('127.0.0.1', 0))
rx.setblocking(False)
tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
tx.bind(('127.0.0.1', 0))
tx.connect(rx.getsockname())
payload = b'b' * ${UDP_PAYLOAD}
buf = bytearray(2048)
send, recv, now = tx.send, rx.recv_into, time.perf_counter
total, sent, got = int(pps * secs), 0, 0
def drain():
    n = 0
    try:
        while True:
            recv(buf)
            n += 1
    except BlockingIOError:
        return n
t0 = now()
while sent < total:
    due = min(total, int((now() - t0) * pps))
    for _ in range(due - sent):
        send(payload)
    batch = due - sent
    sent = due
    got += drain()
    if batch < 64:
        time.sleep(0.0003)
elapsed = now() - t0
end = now() + linger
while now() < end:
    got += drain()
    time.sleep(0.01)
got += drain()
print(json.dumps({"sent": sent, "received": got, "seconds": elapsed, "port": rx.getsockname()[1]}), flush=True)
`;

export interface FloodResult {
  /** Packets sent (each one 64-byte IP packet on lo). */
  sent: number;
  /** Packets the receiving socket read. */
  received: number;
  /** Wall time of the sending part. */
  seconds: number;
  port: number;
}

export interface Flood {
  pid: number;
  done: Promise<FloodResult>;
}

/** Start `pps` packets/s for `secs` seconds inside `ns`, then `lingerSecs` of quiet. */
export function startFlood(ns: Netns, pps: number, secs: number, lingerSecs: number): Flood {
  const [cmd, args] = ns.wrap('python3', ['-c', SCRIPT, String(pps), String(secs), String(lingerSecs)]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<FloodResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`flood generator exited with ${code}: ${err.trim()}`));
      try {
        resolve(JSON.parse(out) as FloodResult);
      } catch {
        reject(new Error(`flood generator printed no result: ${out.trim()} ${err.trim()}`));
      }
    });
  });
  return { pid: child.pid!, done };
}
