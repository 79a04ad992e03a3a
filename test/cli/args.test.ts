// The command line as a user types it: the command word before or after options, --opt=value,
// each command's own help, and every mistake as one sentence naming what is wrong, exit 2.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseLiveArgs, splitCommand } from '../../src/cli/args.js';
import { parseConnectionsArgs } from '../../src/cli/connections-args.js';
import { UserError } from '../../src/cli/io.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = join(REPO, 'dist/src/cli/main.js');
const PROC = join(REPO, 'fixtures/proc/loopback-mix');

function bwtop(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });
}

/** A user mistake: exit 2, nothing on stdout, one line "bwtop: ..." on stderr matching `re`. */
function mistake(args: string[], re: RegExp): void {
  const r = bwtop(...args);
  assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^bwtop: [^\n]+\n$/, `one line for ${args.join(' ')}`);
  assert.match(r.stderr, re);
  assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/, 'no stack trace');
}

test('the command word stands before or after options: the same sockets either way', () => {
  const after = bwtop('connections', '--json', '--proc-root', PROC);
  const before = bwtop('--proc-root', PROC, 'connections', '--json');
  const around = bwtop('--json', 'connections', `--proc-root=${PROC}`);
  assert.equal(after.status, 0, after.stderr);
  assert.equal(after.stderr, '');
  assert.ok((JSON.parse(after.stdout) as unknown[]).length > 0);
  assert.equal(before.stdout, after.stdout);
  assert.equal(before.status, 0);
  assert.equal(around.stdout, after.stdout);
  assert.deepEqual(splitCommand(['--proc-root', 'X', 'connections', '-l']), { command: 'connections', args: ['--proc-root', 'X', '-l'] });
  assert.deepEqual(splitCommand(['-d', '2', 'export']), { command: 'export', args: ['-d', '2'] });
  // An option value is never taken for the command word.
  assert.deepEqual(splitCommand(['--replay', 'export', '--json']), { command: 'live', args: ['--replay', 'export', '--json'] });
});

test('--opt=value and --opt value, short options with attached values, repeated -i', () => {
  const a = parseLiveArgs(
    ['--delay=0.5', '--count', '3', '-ilo', '-i', 'eth0', '--replay=x.pcap', '--proc-root=/p', '--json', '--all-connections'],
    'live',
  );
  assert.deepEqual(
    [a.delayMs, a.count, a.interfaces, a.replay, a.procRoot, a.json, a.allConnections],
    [500, 3, ['lo', 'eth0'], 'x.pcap', '/p', true, true],
  );
  assert.equal(a.bufferBytes, 8 * 1024 * 1024, 'the capture buffer is 8 MiB per interface by default');
  assert.equal(parseLiveArgs(['--buffer', '2'], 'live').bufferBytes, 2 * 1024 * 1024);
  assert.equal(parseLiveArgs(['--buffer=64'], 'export').bufferBytes, 64 * 1024 * 1024);
  const b = parseLiveArgs(['-d', '2', '--count=1'], 'live');
  assert.deepEqual([b.delayMs, b.count, b.json, b.allConnections, b.procRoot], [2000, 1, false, false, '/proc']);
  const c = parseConnectionsArgs(['--state=listen', '--state', 'estab', '-4', '--pid=812,813', '--proto', 'tcp']);
  assert.deepEqual(c.filter.states, { kind: 'list', states: new Set(['LISTEN', 'ESTABLISHED']) });
  assert.deepEqual([...c.filter.families], [4]);
  assert.deepEqual([...c.filter.protos], ['tcp']);
  assert.deepEqual([...c.pids!], [812, 813]);
  assert.equal(parseLiveArgs(['--listen=[::1]:9900'], 'export').listen, '[::1]:9900');
});

test('each command has its own help, listing its own options', () => {
  const main = bwtop('--help');
  assert.equal(main.status, 0);
  assert.match(main.stdout, /^Usage: bwtop \[options\]/);
  for (const o of ['--interface', '--delay', '--count', '--replay', '--proc-root', '--json', '--all-connections', '--version']) {
    assert.ok(main.stdout.includes(o), `main help lists ${o}`);
  }
  assert.doesNotMatch(main.stdout, /^ +--listen/m, "export's option is in export's help");
  assert.match(main.stdout, /bwtop connections --help, bwtop export --help/);

  const exp = bwtop('export', '--help');
  assert.equal(exp.status, 0);
  assert.match(exp.stdout, /^Usage: bwtop export/);
  assert.match(exp.stdout, /--listen HOST:PORT/);
  assert.doesNotMatch(exp.stdout, /--json|--all-connections|--state/);
  assert.equal(bwtop('--help', 'export').stdout, exp.stdout, 'help before the command word');

  const conn = bwtop('connections', '-h');
  assert.equal(conn.status, 0);
  assert.match(conn.stdout, /^Usage: bwtop connections/);
  for (const o of ['--json', '--all', '--state LIST', '--listening', '--proto LIST', '-4', '-6', '--pid LIST', '--proc-root DIR']) {
    assert.ok(conn.stdout.includes(o), `connections help lists ${o}`);
  }
  assert.doesNotMatch(conn.stdout, /--delay|--listen\b|--interface/);
});

test("unknown options name the option and point at the command's own help", () => {
  mistake(['--frobnicate'], /^bwtop: unknown option "--frobnicate"; see bwtop --help\n$/);
  mistake(['-x'], /unknown option "-x"; see bwtop --help/);
  mistake(['connections', '--frobnicate'], /unknown option "--frobnicate" for bwtop connections; see bwtop connections --help/);
  mistake(['export', '--frobnicate=1'], /unknown option "--frobnicate" for bwtop export; see bwtop export --help/);
  mistake(['--bogus', 'x', 'connections'], /unknown option "--bogus"; see bwtop --help/);
  mistake(['--listen', '127.0.0.1:1'], /option --listen belongs to bwtop export, not to the screen and --json; see bwtop export --help/);
  mistake(['connections', '--count', '3'], /option --count is not an option of bwtop connections; see bwtop connections --help/);
  mistake(['export', '--json'], /option --json is not an option of bwtop export; see bwtop export --help/);
  mistake(['frobnicate'], /unknown command "frobnicate"; commands are connections and export, see bwtop --help/);
  mistake(['connections', 'extra'], /unexpected argument "extra" for bwtop connections/);
});

test('negative numbers and missing values are rejected with a sentence', () => {
  mistake(['-d', '-1'], /invalid delay "-1": it cannot be negative; give seconds between 0.05 and 3600/);
  mistake(['--delay=-0.5'], /invalid delay "-0.5": it cannot be negative/);
  mistake(['--count', '-3'], /invalid count "-3": it cannot be negative; give a whole number of refreshes/);
  mistake(['--count', '2.5'], /invalid count "2.5": give a whole number of refreshes, 1 or more/);
  mistake(['--count=abc'], /invalid count "abc": not a number/);
  mistake(['-d', '0'], /invalid delay "0": give seconds between 0.05 and 3600/);
  mistake(['--buffer', '0'], /invalid buffer size "0": give a whole number of MiB between 1 and 1024/);
  mistake(['--buffer', '1.5'], /invalid buffer size "1.5": give a whole number of MiB/);
  mistake(['--buffer', 'big'], /invalid buffer size "big": not a number/);
  mistake(['connections', '--pid', '-5'], /"-5" is not a process id: process ids are not negative/);
  mistake(['connections', '--pid'], /--pid needs a process id, e.g. --pid 812; see bwtop connections --help/);
  mistake(['--count', '--json'], /--count needs a number of refreshes, e.g. --count 5; see bwtop --help/);
  mistake(['-d'], /-d needs seconds, e.g. -d 0.5; see bwtop --help/);
  mistake(['--replay='], /--replay needs a capture file/);
  mistake(['connections', '--json=yes'], /option --json takes no value; see bwtop connections --help/);
  mistake(['connections', '--state', 'BOGUS'], /unknown socket state "BOGUS" in --state/);
  mistake(['connections', '--all', '--listening'], /--all and --listening both choose states; use only one of them/);
});

test('in-process parsers throw UserError (exit 2), never a parseArgs error', () => {
  for (const [f, args] of [
    [parseConnectionsArgs, ['--proto', 'sctp']],
    [(a: string[]) => parseLiveArgs(a, 'live'), ['--delay', 'soon']],
    [(a: string[]) => parseLiveArgs(a, 'export'), ['--interface']],
  ] as const) {
    assert.throws(
      () => (f as (a: string[]) => unknown)([...args]),
      (e: unknown) => e instanceof UserError && e.exitCode === 2,
    );
  }
});
