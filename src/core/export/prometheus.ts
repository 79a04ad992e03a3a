// Prometheus text exposition (format 0.0.4) of a Snapshot. Label values are escaped as the format
// requires (backslash, double quote, newline), so hostile process names cannot forge series.
import type { Snapshot } from '../model.js';

export function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function metric(lines: string[], name: string, type: 'counter' | 'gauge', help: string, rows: [string, number][]): void {
  lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  for (const [labels, v] of rows) lines.push(`${name}${labels} ${v}`);
}

export function prometheusText(s: Snapshot): string {
  const lines: string[] = [];
  const procLabels = s.processes.map(
    (p) => [p, `{pid="${p.pid}",name="${escapeLabel(p.name)}",user="${escapeLabel(p.user)}"}`] as const,
  );
  metric(lines, 'bwtop_process_sent_bytes_total', 'counter', 'IP bytes sent by the process since bwtop started.',
    procLabels.map(([p, l]) => [l, p.sentTotal]));
  metric(lines, 'bwtop_process_received_bytes_total', 'counter', 'IP bytes received by the process since bwtop started.',
    procLabels.map(([p, l]) => [l, p.receivedTotal]));
  metric(lines, 'bwtop_process_connections', 'gauge', 'Connections of the process that carried traffic recently.',
    procLabels.map(([p, l]) => [l, p.connections.length]));
  const protos = Object.entries(s.unknown.byProto);
  metric(lines, 'bwtop_unknown_sent_bytes_total', 'counter', 'IP bytes sent that could not be tied to a process.',
    protos.map(([k, v]) => [`{proto="${k}"}`, v.sentTotal]));
  metric(lines, 'bwtop_unknown_received_bytes_total', 'counter', 'IP bytes received that could not be tied to a process.',
    protos.map(([k, v]) => [`{proto="${k}"}`, v.receivedTotal]));
  metric(lines, 'bwtop_sent_bytes_total', 'counter', 'IP bytes sent by this host.', [['', s.totals.sentTotal]]);
  metric(lines, 'bwtop_received_bytes_total', 'counter', 'IP bytes received by this host.', [['', s.totals.receivedTotal]]);
  metric(lines, 'bwtop_capture_packets_total', 'counter', 'Packets captured and accounted.', [['', s.capture.packets]]);
  metric(lines, 'bwtop_capture_dropped_packets_total', 'counter', 'Packets the kernel or libpcap dropped.', [['', s.capture.dropped]]);
  metric(lines, 'bwtop_capture_malformed_packets_total', 'counter', 'Packets with malformed headers, skipped.', [['', s.capture.malformed]]);
  return lines.join('\n') + '\n';
}
