#!/usr/bin/env bash
# Records a MATCHED replay fixture: a tcpdump capture of lo and the /proc of the very processes
# that made the traffic, copied while they still hold their sockets. Everything happens in a
# private network namespace (lo only, 127.0.0.1 and ::1), so the capture and the socket tables
# hold nothing else. The scenario roles are in record-session-scenario.py; what they do and the
# bytes they move are listed in fixtures/session/README.md. Needs root (netns, setpriv, tcpdump).
#   usage: test/fixtures-tools/record-session.sh [NAME]   -> fixtures/session/NAME (default loopback-web)
set -euo pipefail
cd "$(dirname "$0")/../.."
NAME=${1:-loopback-web}
OUT=$PWD/fixtures/session/$NAME
SCEN=$PWD/test/fixtures-tools/record-session-scenario.py
PY=/usr/bin/python3
NS=bwtop-sess-$$
WORK=$(mktemp -d)
PIDS=()  # roles alive at the /proc copy
ROLES=()
TD=''

cleanup() {
  [ -n "$TD" ] && kill -INT "$TD" 2>/dev/null || true
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
  echo "record-session: $*" >&2
  exit 1
}

# wait_word FILE WORD PID: until FILE holds WORD; fails when PID dies first or after 10 s.
wait_word() {
  for _ in $(seq 200); do
    grep -qx "$2" "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || fail "role $3 died: $(cat "$1")"
    sleep 0.05
  done
  fail "role $3 never said $2: $(cat "$1")"
}

# run_role [--as-nobody] ROLE COMM ARGS...: starts a role in the namespace (ip netns exec and
# setpriv exec in place, so $! is the role's own pid); sets LAST to that pid.
run_role() {
  local pre=()
  if [ "$1" = "--as-nobody" ]; then
    pre=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    shift
  fi
  ip netns exec "$NS" "${pre[@]}" "$PY" "$SCEN" "$@" </dev/null >"$WORK/$2.out" 2>&1 &
  LAST=$!
}

# role ROLE COMM ARGS...: a role that stays alive (listed in the fixture).
role() {
  run_role "$@"
  [ "$1" = "--as-nobody" ] && shift
  PIDS+=("$LAST")
  ROLES+=("$LAST $1 $2")
}

ip netns add "$NS"
ip -n "$NS" link set lo up

rm -rf "$OUT"
mkdir -p "$OUT/proc/net"

ip netns exec "$NS" tcpdump -i lo -n -s 256 -B 32768 --immediate-mode -U -Z root -w "$OUT/capture.pcap" 2>"$WORK/tcpdump.err" &
TD=$!
for _ in $(seq 100); do grep -q 'listening on' "$WORK/tcpdump.err" && break; sleep 0.05; done
grep -q 'listening on' "$WORK/tcpdump.err" || fail "tcpdump did not start: $(cat "$WORK/tcpdump.err")"

# Servers (no packets until a client comes).
role web-server web-srv 127.0.0.1 8080;                   wait_word "$WORK/web-srv.out" ready "$LAST"
role --as-nobody upload-server up-srv 127.0.0.1 8081 200000; wait_word "$WORK/up-srv.out" ready "$LAST"
role udp-server udp-srv :: 9053 0 400;                     wait_word "$WORK/udp-srv.out" ready "$LAST"
role echo-server v6-echo-srv ::1 8443;                     wait_word "$WORK/v6-echo-srv.out" ready "$LAST"
sleep 0.2

# Clients, spread over about three seconds (four 1 s intervals of replay).
role download dl-client-1 41001 127.0.0.1 8080 150000 hold; wait_word "$WORK/dl-client-1.out" done "$LAST"
role udp-client udp-client 127.0.0.1 41004 127.0.0.1 9053 7 100 400 0.5
UDP=$LAST
sleep 0.5
role upload up-client 41003 127.0.0.1 8081 200000;         wait_word "$WORK/up-client.out" done "$LAST"
sleep 0.5
role download dl-client-2 41002 127.0.0.1 8080 150000 hold; wait_word "$WORK/dl-client-2.out" done "$LAST"
sleep 0.3
# The client that closes and exits before /proc is copied: its side of the traffic has no owner.
run_role download gone-client 41005 127.0.0.1 8080 60000 exit
GONE=$LAST
wait "$GONE" || fail "gone-client failed: $(cat "$WORK/gone-client.out")"
grep -qx done "$WORK/gone-client.out" || fail "gone-client did not finish: $(cat "$WORK/gone-client.out")"
sleep 0.3
role echo-client v6-client 41006 ::1 8443 4 10000 0.35;  wait_word "$WORK/v6-client.out" done "$LAST"
wait_word "$WORK/udp-client.out" done "$UDP"
sleep 0.3 # the last ACKs

# /proc, while every long-lived role still holds its sockets.
for t in tcp tcp6 udp udp6; do cat "/proc/${PIDS[0]}/net/$t" > "$OUT/proc/net/$t"; done
for p in "${PIDS[@]}"; do
  kill -0 "$p" 2>/dev/null || fail "role $p is gone before the /proc copy"
  mkdir -p "$OUT/proc/$p/fd"
  for f in stat status comm cmdline; do cat "/proc/$p/$f" > "$OUT/proc/$p/$f"; done
  for fd in /proc/"$p"/fd/*; do ln -s "$(readlink "$fd")" "$OUT/proc/$p/fd/$(basename "$fd")"; done
done
cp /etc/passwd "$OUT/proc/etc-passwd"
{ printf '%s\n' "${ROLES[@]}"; echo "$GONE download gone-client (exited before the copy)"; } > "$OUT/proc/roles.txt"
ip netns exec "$NS" ss -tuanp > "$OUT/proc/ss-tuanp.txt"

# Only now stop the capture (the roles' teardown must not be in it), and insist it is complete.
sleep 0.2
kill -INT "$TD"
wait "$TD" || true
TD=''
drops=$(sed -n 's/^\([0-9]*\) packets\? dropped by kernel$/\1/p' "$WORK/tcpdump.err")
[ "$drops" = 0 ] || fail "tcpdump reported '$drops' packets dropped by the kernel: $(cat "$WORK/tcpdump.err")"
cat "$WORK/tcpdump.err" >&2
echo "recorded $OUT"
