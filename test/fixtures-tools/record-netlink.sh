#!/usr/bin/env bash
# Records the netlink fixtures (fixtures/netlink/, see its README): sock_diag replies inside a
# fresh network namespace holding a known mix of loopback sockets (the roles of proc-scenario.py),
# beside the /proc/net tables of the same moment; then process events on the host. Needs root
# and a build (npm run build).
#   usage: test/fixtures-tools/record-netlink.sh [OUTDIR]   (default fixtures/netlink)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-fixtures/netlink}
SCEN=$PWD/test/fixtures-tools/proc-scenario.py
REC=$PWD/dist/test/fixtures-tools/record-netlink.js
PY=/usr/bin/python3
NS=bwtop-nlrec-$$
PIDS=()

cleanup() {
  for p in "${PIDS[@]}"; do pkill -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
  ip netns del "$NS" 2>/dev/null || true
}
trap cleanup EXIT

ip netns add "$NS"
ip -n "$NS" link set lo up
start() {
  ip netns exec "$NS" "$PY" "$SCEN" "$@" </dev/null >/dev/null 2>&1 &
  PIDS+=($!)
}
start tcp-server 'tcp4 server' 127.0.0.1 7001
start tcp-server 'dual srv' :: 7002 0          # dual-stack: IPv4 peers show as ::ffff:
start tcp-server v6-server ::1 7003 1
start udp udp4-unconn 127.0.0.1 7005
start udp udp6-unconn ::1 7006 1
start udp udp-dual :: 7007 0
ip netns exec "$NS" setpriv --reuid=65534 --regid=65534 --clear-groups \
  "$PY" "$SCEN" tcp-server nobody-srv 127.0.0.1 7008 </dev/null >/dev/null 2>&1 &
PIDS+=($!)
sleep 0.7
start tcp-client cli4 4 127.0.0.1 7001 127.0.0.1 7002 127.0.0.1 7008
start tcp-client cli6 6 ::1 7003 ::1 7002 ::ffff:127.0.0.1 7001 # v6 socket talking IPv4
start udp udp4-conn 127.0.0.1 7009 - 127.0.0.1 7005
ip netns exec "$NS" "$PY" "$SCEN" time-wait tw 127.0.0.1 7001 # exits; leaves TIME_WAIT, inode 0
sleep 0.7

rm -rf "$OUT"/*.bin "$OUT"/*.json "$OUT"/net "$OUT"/ss-tuan.txt # the README stays
mkdir -p "$OUT"
ip netns exec "$NS" node "$REC" diag "$OUT"
ip netns exec "$NS" ss -tuan > "$OUT/ss-tuan.txt"
node "$REC" events "$OUT"
echo "recorded $OUT"
