#!/usr/bin/env bash
# Records the busy-host scene (fixtures/session/busy-host, described in fixtures/session/README.md):
# a host running a shop (a master and three workers as www-data) that asks an inventory API in a
# "container" (network namespace `inventory`) for every page, its customers' keep-alive
# connections coming in from the local network, a backup download (wget as backup) from a file
# server on that network, and two bursts of short-lived curls (a root job polling /status).
# Everything runs in namespaces this script makes (the host, the local network, the container,
# joined by veth pairs on 10.79.0.0/24 and 10.80.0.0/24); nothing leaves them.
#
# Kept: tcpdump of every interface of the host namespace, the kernel's process events, /proc of
# the host's and the container's processes copied near the end while all of them are alive, and
# each curl's /proc copied while it held its connection. Removed on exit, also on failure: the
# namespaces and every process in them, the helpers, the temporary directory.
#
# Needs root, tcpdump, curl, wget and a build (npm run build).
#   usage: sudo test/fixtures-tools/record-scene.sh [NAME]   -> fixtures/session/NAME (default busy-host)
set -euo pipefail
cd "$(dirname "$0")/../.."
NAME=${1:-busy-host}
OUT=$PWD/fixtures/session/$NAME
ROLES=$PWD/test/fixtures-tools/record-scene-roles.py
EVENTS=$PWD/dist/test/fixtures-tools/record-scene-events.js
PY=/usr/bin/python3
HOST=bwtop-scene-$$ # the host bwtop watches
LAN=bwtop-lan-$$    # another machine on the local network
CTR=inventory       # the container, named by `ip netns` as a runtime-less container is
WORK=$(mktemp -d /tmp/bwtop-scene.XXXXXX)
HELPERS=() # outside the namespaces: the event recorder, the curl copier
TD=''

fail() {
  echo "record-scene: $*" >&2
  exit 1
}

cleanup() {
  exec 2>/dev/null # bash's notices of the jobs killed here
  [ -n "$TD" ] && kill -INT "$TD" 2>/dev/null || true
  for p in "${HELPERS[@]}"; do kill "$p" 2>/dev/null || true; done
  for ns in "$HOST" "$LAN" "$CTR"; do
    [ -e "/run/netns/$ns" ] || continue
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  rm -rf "$WORK"
}

[ "$(id -u)" = 0 ] || fail "needs root (network namespaces, tcpdump, process events); run it with sudo"
for tool in tcpdump curl wget setpriv; do command -v "$tool" >/dev/null || fail "$tool is not installed (apt-get install $tool)"; done
[ -f "$EVENTS" ] || fail "$EVENTS is missing; build first with npm run build"
[ -d /srv ] || fail "/srv is missing: the scene's programs are started from a private bind mount on it"
if [ -e "/run/netns/$CTR" ]; then
  fail "a network namespace named $CTR exists already; delete it (ip netns del $CTR) or wait for the recording that made it"
fi
trap cleanup EXIT

# wait_ready FILE PID: until FILE says ready; fails when PID dies first or after 10 s.
wait_ready() {
  for _ in $(seq 200); do
    grep -qx ready "$1" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || fail "$1: the program died: $(cat "$1")"
    sleep 0.05
  done
  fail "$1: never ready: $(cat "$1")"
}

# in_ns NS USER LOG CMD...: CMD in namespace NS as USER with the scene's programs on /srv (a bind
# mount in the private mount namespace `ip netns exec` makes); every step execs, so $! is CMD's pid.
in_ns() {
  local ns=$1 user=$2 log=$3
  shift 3
  ip netns exec "$ns" sh -c 'src=$0 user=$1; shift; mount --bind "$src" /srv &&
    exec setpriv --reuid="$user" --regid="$user" --init-groups "$@"' "$WORK/srv" "$user" "$@" </dev/null >"$WORK/$log" 2>&1 &
}

# The programs, each as /srv/ROLE/FILE (record-scene-roles.py picks its role from that path).
for f in files/serve.py load/clients.py shop/app.py inventory/api.py tools/copy-young.py; do
  mkdir -p "$WORK/srv/$(dirname "$f")"
  cp "$ROLES" "$WORK/srv/$f"
done
chmod -R a+rX "$WORK/srv"
mkdir -p "$WORK/young"

for ns in "$HOST" "$LAN" "$CTR"; do
  ip netns add "$ns"
  # IPv4 only: no router solicitations or other link-local chatter nobody on the host sent.
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n "$ns" link set lo up
done
ip link add lan0 netns "$HOST" type veth peer name eth0 netns "$LAN"
ip link add ctr0 netns "$HOST" type veth peer name eth0 netns "$CTR"
ip -n "$HOST" addr add 10.79.0.1/24 dev lan0
ip -n "$LAN" addr add 10.79.0.2/24 dev eth0
ip -n "$HOST" addr add 10.80.0.1/24 dev ctr0
ip -n "$CTR" addr add 10.80.0.2/24 dev eth0
for l in "$HOST lan0" "$HOST ctr0" "$LAN eth0" "$CTR eth0"; do
  set -- $l
  ip -n "$1" link set "$2" up
done
HOST_NS=$(ip netns exec "$HOST" readlink /proc/self/ns/net)

# Servers first: their start is not part of the scene.
in_ns "$CTR" root api.out "$PY" /srv/inventory/api.py 10.80.0.2 9000
wait_ready "$WORK/api.out" $!
in_ns "$LAN" root files.out "$PY" /srv/files/serve.py 10.79.0.2 80
wait_ready "$WORK/files.out" $!
in_ns "$HOST" www-data shop.out "$PY" /srv/shop/app.py --workers 3 0.0.0.0 8080
SHOP=$!
wait_ready "$WORK/shop.out" $SHOP

rm -rf "$OUT"
mkdir -p "$OUT/proc/net" "$OUT/proc/self/ns"
ip netns exec "$HOST" tcpdump -i any -n -s 96 -B 65536 --immediate-mode -U -Z root -w "$OUT/capture.pcap" 2>"$WORK/tcpdump.err" &
TD=$!
for _ in $(seq 100); do grep -q 'listening on' "$WORK/tcpdump.err" && break; sleep 0.05; done
grep -q 'listening on' "$WORK/tcpdump.err" || fail "tcpdump did not start: $(cat "$WORK/tcpdump.err")"
node "$EVENTS" "$WORK/events.jsonl" >"$WORK/events.out" 2>&1 &
HELPERS+=($!)
wait_ready "$WORK/events.out" $!
"$PY" "$WORK/srv/tools/copy-young.py" "$HOST_NS" "$WORK/young" curl >"$WORK/copy.out" 2>&1 &
HELPERS+=($!)
wait_ready "$WORK/copy.out" $!
sleep 0.5

# The scene: about twenty seconds, the second burst at its very end (after the copy below).
in_ns "$LAN" root clients.out "$PY" /srv/load/clients.py 10.79.0.1 8080 6 0.12
wait_ready "$WORK/clients.out" $!
sleep 0.6
in_ns "$HOST" backup wget.out wget -q -O /dev/null --limit-rate=900k http://10.79.0.2/backup.tar
WGET=$!
burst() { # N: N curls at once from a root shell, as a monitoring job runs them
  in_ns "$HOST" root "burst$1.out" sh -c 'for i in $(seq "$0"); do curl -s -o /dev/null "http://10.79.0.2/status?node=$i" & done; wait' "$1"
  wait $! || fail "a curl of the burst failed: $(cat "$WORK/burst$1.out")"
}
sleep 8
burst 6
sleep 12
kill -0 "$WGET" 2>/dev/null || fail "wget ended before the copy: $(cat "$WORK/wget.out")"

# /proc of every process of the host (but tcpdump) and of the container, all still alive: the
# tables of the long-lived connections, and their holders.
copy_pid() { # PID [net]: stat, status, comm, cmdline, cgroup; fd/ and ns/net as links; net/ of its namespace
  local p=$1 d=$OUT/proc/$1
  mkdir -p "$d/fd" "$d/ns"
  for f in stat status comm cmdline cgroup; do cat "/proc/$p/$f" >"$d/$f"; done
  for fd in /proc/"$p"/fd/*; do ln -s "$(readlink "$fd")" "$d/fd/$(basename "$fd")"; done
  ln -s "$(readlink "/proc/$p/ns/net")" "$d/ns/net"
  if [ "${2:-}" = net ]; then
    mkdir -p "$d/net"
    for t in tcp tcp6 udp udp6 fib_trie; do cat "/proc/$p/net/$t" >"$d/net/$t"; done
  fi
}
for t in tcp tcp6 udp udp6 unix netlink packet fib_trie; do cat "/proc/$SHOP/net/$t" >"$OUT/proc/net/$t"; done
for p in $(ip netns pids "$HOST"); do [ "$p" = "$TD" ] || copy_pid "$p"; done
for p in $(ip netns pids "$CTR"); do copy_pid "$p" net; done
ln -s "$HOST_NS" "$OUT/proc/self/ns/net"
cp "/proc/$SHOP/cgroup" "$OUT/proc/self/cgroup"
grep " /run/netns/$CTR " /proc/self/mountinfo >"$OUT/proc/self/mountinfo" || fail "no mount of /run/netns/$CTR"
# The users the scene runs as, and the system's own (no personal accounts).
awk -F: '$3 < 1000 || $3 == 65534' /etc/passwd >"$OUT/proc/etc-passwd"
ip netns exec "$HOST" ss -tuanp >"$OUT/proc/ss-tuanp.txt"

# The last burst (its curls are copied while they run), then stop the capture, then the helpers;
# insist the capture is complete.
burst 4
sleep 0.3
kill -INT "$TD"
wait "$TD" || true
TD=''
for p in "${HELPERS[@]}"; do kill -TERM "$p"; wait "$p" || fail "a helper failed: $(cat "$WORK/events.out" "$WORK/copy.out")"; done
HELPERS=()
drops=$(sed -n 's/^\([0-9]*\) packets\? dropped by kernel$/\1/p' "$WORK/tcpdump.err")
[ "$drops" = 0 ] || fail "tcpdump reported '$drops' packets dropped by the kernel: $(cat "$WORK/tcpdump.err")"

# The curls: their copies join proc/, their events and socket rows go to events.json.
"$PY" - "$WORK" "$OUT" 10 <<'EOF'
import json, os, shutil, sys
work, out, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = json.load(open(os.path.join(work, 'young', 'rows.json')))
if len(rows) != want:
    sys.exit(f'record-scene: {len(rows)} curls copied while connected, expected {want}')
events = [json.loads(l) for l in open(os.path.join(work, 'events.jsonl'))]
kept = [e for e in events if str(e['pid']) in rows]
for pid in rows:
    kinds = [e['kind'] for e in kept if str(e['pid']) == pid]
    if 'born' not in kinds or 'exit' not in kinds:
        sys.exit(f'record-scene: curl {pid} has events {kinds}, needs its birth and exit')
    shutil.copytree(os.path.join(work, 'young', pid), os.path.join(out, 'proc', pid), symlinks=True)
with open(os.path.join(out, 'events.json'), 'w') as f:
    json.dump({'events': sorted(kept, key=lambda e: e['atMs']), 'rows': rows}, f, indent=1)
    f.write('\n')
EOF
ADDRS=$(ip -n "$HOST" -4 -o addr show | awk '{print $4}' | cut -d/ -f1 | paste -sd, | sed 's/[^,]*/"&"/g')
printf '{ "hostname": "web-01", "addresses": [%s] }\n' "$ADDRS" >"$OUT/scene.json"
cat "$WORK/tcpdump.err" >&2
echo "recorded $OUT"
