// The options `bwtop export` has beside the live modes' capture options: data only, read by the
// command table (args.ts) for parsing and for `bwtop export --help`.
import type { OptionSpec } from './option-parser.js';

export const DEFAULT_LISTEN = '127.0.0.1:9816';

export const EXPORT_INTRO = `Usage: bwtop export [options]

Prometheus exporter: serves /metrics (Prometheus text format) and /connections (the
JSON socket list of "bwtop connections", from the live socket tables; filters as query
parameters: ?listening, ?state=LIST, ?proto=LIST, ?all, ?pid=LIST, ?netns=self|all) over
HTTP.
`;

export const EXPORT_OPTIONS: Record<string, OptionSpec> = {
  listen: {
    value: 'HOST:PORT',
    needs: 'an address, e.g. --listen 127.0.0.1:9816',
    help:
      `address to serve on (default ${DEFAULT_LISTEN}; [::1]:PORT for IPv6);` +
      `\n/connections shows command lines: keep it on a trusted address`,
  },
  'per-pid': { help: 'also series per process, labelled by pid (bwtop_process_*),\nremoved five minutes after the process exits' },
  'no-connections': { help: 'do not serve /connections' },
};

/** The capture options whose meaning differs under export: --replay keeps serving at the end. */
export function exportCaptureOptions(capture: Record<string, OptionSpec>): Record<string, OptionSpec> {
  const replay = capture.replay;
  if (replay === undefined) return {};
  return {
    replay: {
      ...replay,
      help: 'read packets from a pcap/pcapng file instead of capturing live;\nits final counters are served until SIGTERM (or --count)',
    },
  };
}
