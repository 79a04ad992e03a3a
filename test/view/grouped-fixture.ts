// Snapshots for the grouped views and the full drill-down, shaped as the engine fills them: an
// nginx master with workers (one program), two processes in a container "web", a service, curl's
// short-lived program entry, and a server holding a listener, a busy and an idle connection and a
// UDP socket.

import type { ConnectionStats, ProgramEntryStats, Snapshot } from '../../src/core/model.js';
import { conn, history, proc, snapshot, T0 } from '../ui/fixture.js';

export function socketsOf(): ConnectionStats[] {
  const idle = { active: false, sentRate: 0, receivedRate: 0, sent: 0, received: 0 };
  return [
    conn('0.0.0.0:5432', '0.0.0.0:*', { sent: 0, received: 0 }, { state: 'LISTEN', ...idle }),
    conn('127.0.0.1:5432', '127.0.0.1:40100', { sent: 800000, received: 2000 }),
    conn('127.0.0.1:5432', '127.0.0.1:40102', { sent: 0, received: 0 }, { ...idle, sentTotal: 5200, receivedTotal: 880 }),
    conn('127.0.0.1:5432', '127.0.0.1:40104', { sent: 1200, received: 300 }),
    conn('0.0.0.0:68', '0.0.0.0:*', { sent: 0, received: 0 }, { proto: 'udp', state: '', ...idle }),
  ];
}

export function programEntry(): ProgramEntryStats {
  return {
    programKey: '/usr/bin/curl\u0000curl\u00000',
    name: 'curl',
    exe: '/usr/bin/curl',
    cmdline: 'curl -s http://127.0.0.1:8080/ping',
    user: 'root',
    uid: 0,
    pids: [7001, 7002, 7003, 7004],
    container: null,
    unit: null,
    netns: null,
    sent: 1800,
    received: 9000,
    sentTotal: 7200,
    receivedTotal: 36000,
    sentRate: 1800,
    receivedRate: 9000,
    connections: [conn('127.0.0.1:51900', '127.0.0.1:8080', { sent: 1800, received: 9000 })],
    sentHistory: history(1800, 4),
    receivedHistory: history(9000, 5),
  };
}

export function groupedSnapshot(tsMs = T0): Snapshot {
  const nginx = (pid: number, sent: number, cmd: string): ReturnType<typeof proc> =>
    proc({
      pid,
      name: 'nginx',
      cmdline: cmd,
      user: 'www-data',
      sentRate: sent,
      receivedRate: sent / 50,
      unit: 'nginx.service',
      connections: [conn('127.0.0.1:8080', `127.0.0.1:${51000 + (pid % 1000)}`, { sent, received: sent / 50 })],
    });
  const s = snapshot(
    [
      nginx(810, 0, 'nginx: master process /usr/sbin/nginx'),
      nginx(811, 400000, 'nginx: worker process'),
      nginx(812, 250000, 'nginx: worker process'),
      nginx(813, 90000, 'nginx: worker process'),
      proc({ pid: 9100, name: 'python3', cmdline: 'python3 app.py', user: 'app', sentRate: 52000, receivedRate: 3000, container: 'web' }),
      proc({
        pid: 9101,
        name: 'redis-server',
        cmdline: 'redis-server *:6379',
        user: 'redis',
        sentRate: 3000,
        receivedRate: 52000,
        container: 'web',
      }),
      proc({
        pid: 700,
        name: 'postgres',
        cmdline: 'postgres -D /var/lib/postgresql',
        user: 'postgres',
        sentRate: 801200,
        receivedRate: 2300,
        unit: 'postgresql.service',
        connections: socketsOf(),
      }),
      proc({
        pid: 733,
        name: 'sshd',
        cmdline: 'sshd: admin@pts/0',
        user: 'admin',
        sentRate: 2150,
        receivedRate: 310,
        connections: [conn('10.0.0.5:22', '192.0.2.44:53122', { sent: 2150, received: 310 })],
      }),
    ],
    tsMs,
  );
  s.programs = [programEntry()];
  return s;
}
