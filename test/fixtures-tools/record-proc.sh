#!/usr/bin/env bash
# Records a /proc fixture from this real kernel: starts socket-holding processes in a fresh
# network namespace (so the tables hold only their sockets, all on loopback), then copies
# net/{tcp,tcp6,udp,udp6} verbatim and, for each of those pids, stat/status/comm/cmdline and
# fd/ as real symlinks with the same targets. Needs root (netns, setpriv).
#   usage: test/fixtures-tools/record-proc.sh [NAME]   -> fixtures/proc/NAME (default loopback-mix)
set -euo pipefail
cd "$(dirname "$0")/../.."
NAME=${1:-loopback-mix}
OUT=fixtures/proc/$NAME
SCEN=$PWD/test/fixtures-tools/proc-scenario.py
PY=/usr/bin/python3
NS=bwtop-rec-$$
PIDS=()
ROLES=()

cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do pkill -P "$p" 2>/dev/null || true; done
  ip netns del "$NS" 2>/dev/null || true
}
trap cleanup EXIT

ip netns add "$NS"
ip -n "$NS" link set lo up

# start ROLE COMM ARGS...: runs the scenario role in the namespace (ip netns exec execs in place,
# so $! is the role's pid).
start() {
  ip netns exec "$NS" "$PY" "$SCEN" "$@" </dev/null >/dev/null 2>&1 &
  PIDS+=($!)
  ROLES+=("$! $1 $2")
}

start tcp-server 'tcp4 server' 127.0.0.1 7001
start tcp-server 'dual srv) (x' :: 7002 0          # dual-stack: IPv4 peers show as ::ffff:
start tcp-server v6-server ::1 7003 1
start prefork pre-parent 127.0.0.1 7004 2 pre-child # parent + 2 children share the listener
start udp udp4-unconn 127.0.0.1 7005
start udp udp6-unconn ::1 7006 1
start udp udp-dual :: 7007 0
# a socket owned by another user (uid 65534)
ip netns exec "$NS" setpriv --reuid=65534 --regid=65534 --clear-groups \
  "$PY" "$SCEN" tcp-server nobody-srv 127.0.0.1 7008 </dev/null >/dev/null 2>&1 &
PIDS+=($!); ROLES+=("$! tcp-server nobody-srv")
sleep 0.7
start tcp-client cli4 4 127.0.0.1 7001 127.0.0.1 7002 127.0.0.1 7004 127.0.0.1 7008
start tcp-client cli6 6 ::1 7003 ::1 7002 ::ffff:127.0.0.1 7001 # v6 socket talking IPv4
start udp udp4-conn 127.0.0.1 7009 - 127.0.0.1 7005
start idle idle
ip netns exec "$NS" "$PY" "$SCEN" time-wait tw 127.0.0.1 7001 # exits; leaves TIME_WAIT, inode 0
sleep 0.7

for c in $(pgrep -P "${PIDS[3]}"); do PIDS+=("$c"); ROLES+=("$c prefork-child pre-child"); done

rm -rf "$OUT"
mkdir -p "$OUT/net"
for t in tcp tcp6 udp udp6; do cat "/proc/${PIDS[0]}/net/$t" > "$OUT/net/$t"; done
for p in "${PIDS[@]}"; do
  mkdir -p "$OUT/$p/fd"
  for f in stat status comm cmdline; do cat "/proc/$p/$f" > "$OUT/$p/$f"; done
  for fd in /proc/"$p"/fd/*; do ln -s "$(readlink "$fd")" "$OUT/$p/fd/$(basename "$fd")"; done
done
cp /etc/passwd "$OUT/etc-passwd"
printf '%s\n' "${ROLES[@]}" > "$OUT/roles.txt"
# what ss saw at the same moment, for reading the fixture by eye
ip netns exec "$NS" ss -tuanp > "$OUT/ss-tuanp.txt"
echo "recorded $OUT"
