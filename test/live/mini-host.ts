// Pieces of the live tests that build a small host out of namespaces (containers.test.ts,
// published-port.test.ts, tunnels.test.ts): commands that must succeed, undo steps run last-in
// first-out pass or fail, iptables rules tagged and removed, iperf3 ends, and a capture's bytes
// to and from one port.
import { after } from 'node:test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { inNs, tcpdumpPackets, track, type Netns } from './harness.js';

export const run = (cmd: string, ...args: string[]): void => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
};

/** Undo steps, run last-in first-out, pass or fail, also when the test process ends early. */
const undo: Array<() => void> = [];
export function onCleanup(step: () => void): void {
  undo.push(step);
}
function cleanup(): void {
  while (undo.length > 0) {
    try {
      undo.pop()!();
    } catch {
      // the next step still runs
    }
  }
}
after(cleanup);
process.once('exit', cleanup);

/** A short random id for interface names (at most 15 characters with their prefix). */
export function shortId(): string {
  return String(Math.floor(Math.random() * 1e5)).padStart(5, '0');
}

/** Forwarding on for the test, put back as it was. */
export function forwardingOn(): void {
  const forwarding = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
  writeFileSync('/proc/sys/net/ipv4/ip_forward', '1');
  onCleanup(() => writeFileSync('/proc/sys/net/ipv4/ip_forward', forwarding));
}

/** Insert iptables rules (`-t table CHAIN spec...`), each tagged with a comment and deleted at cleanup. */
export function iptables(tag: string, rules: string[][]): void {
  for (const [flag, table, chain, ...spec] of rules) {
    const rule = [flag!, table!, chain!, ...spec, '-m', 'comment', '--comment', tag];
    run('iptables', ...rule.slice(0, 2), '-I', ...rule.slice(2));
    onCleanup(() => spawnSync('iptables', [...rule.slice(0, 2), '-D', ...rule.slice(2)]));
  }
}

/** A veth from the host (`hostEnd`, address `hostAddr`) into `ns` (eth0, address `nsAddr`), both up. */
export function vethInto(ns: Netns, hostEnd: string, hostAddr: string | null, nsAddr: string): void {
  run('ip', 'link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns.name);
  if (hostAddr) run('ip', 'addr', 'add', hostAddr, 'dev', hostEnd);
  run('ip', 'link', 'set', hostEnd, 'up');
  run('ip', '-n', ns.name, 'addr', 'add', nsAddr, 'dev', 'eth0');
  run('ip', '-n', ns.name, 'link', 'set', 'eth0', 'up');
}

/** An iperf3 server for one test, answering once. */
export function iperfServer(ns: Netns | undefined, bind: string, port: number): ChildProcess {
  return track(
    spawn(...inNs(ns, 'iperf3', ['--forceflush', '-s', '-1', '-B', bind, '-p', String(port)]), { stdio: ['ignore', 'pipe', 'pipe'] }),
  );
}

/** An iperf3 client: 2 s at `rate` (enough bytes for a 1% bound, little enough for a loaded machine's capture). */
export function iperfClient(ns: Netns | undefined, to: string, port: number, rate = '50M', seconds = 2): ChildProcess {
  const args = ['-c', to, '-p', String(port), '-t', String(seconds), '-b', rate];
  return track(spawn(...inNs(ns, 'iperf3', args), { stdio: ['ignore', 'ignore', 'inherit'] }));
}

/** IP bytes to and from `port` in a capture. */
export function bytesOf(file: string, port: number): { to: number; from: number; packets: number } {
  const pkts = tcpdumpPackets(file).filter((p) => p.dport === port || p.sport === port);
  const sum = (f: (p: (typeof pkts)[number]) => boolean): number => pkts.filter(f).reduce((s, p) => s + p.len, 0);
  return { to: sum((p) => p.dport === port), from: sum((p) => p.sport === port), packets: pkts.length };
}
