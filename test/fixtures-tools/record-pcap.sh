#!/usr/bin/env bash
# Re-records fixtures/pcap/*.pcap with tcpdump from real traffic between network namespaces this
# script creates (bwfx-*) and deletes again. Needs root, tcpdump, iproute2, iputils-ping and
# python3-scapy (for the crafted packets); tests only read the committed files.
#   usage: test/fixtures-tools/record-pcap.sh [SCENARIO...]   (default: all)
# Scenarios: routed crafted vlan qinq frames tun lo derived. See fixtures/pcap/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=$PWD/fixtures/pcap
TOOLS=$PWD/test/fixtures-tools
PY=/usr/bin/python3 # the system python, where apt's python3-scapy lives
LOGDIR=$(mktemp -d)
CAPS=()
BGS=()
mkdir -p "$OUT"

cleanup() {
  for p in "${CAPS[@]}" "${BGS[@]}"; do kill "$p" 2>/dev/null || true; done
  for n in $(ip netns list | awk '/^bwfx-/{print $1}'); do ip netns del "$n"; done
  rm -rf "$LOGDIR"
}
trap cleanup EXIT

# ns NAME: a fresh namespace with lo up, no DAD or router solicitations (so no stray packets).
ns() {
  ip netns add "$1"
  ip -n "$1" link set lo up
  for k in all default; do
    ip netns exec "$1" sysctl -qw net.ipv6.conf.$k.accept_dad=0 net.ipv6.conf.$k.router_solicitations=0 \
      net.ipv6.conf.$k.forwarding=1 net.ipv4.conf.$k.forwarding=1
  done
}

# veth NS1 IF1 MAC1 NS2 IF2 MAC2: a veth pair with fixed MACs (so link-local addresses are fixed).
veth() {
  ip link add "$2" netns "$1" address "$3" type veth peer name "$5" netns "$4" address "$6"
}

# cap NS IFACE FILE [tcpdump options...]: start a capture and wait until it is listening.
cap() {
  local ns=$1 ifc=$2 file=$3 log
  shift 3
  log=$LOGDIR/$(basename "$file").log
  ip netns exec "$ns" tcpdump -i "$ifc" --immediate-mode -B 32768 -U -w "$OUT/$file" "$@" 2>"$log" &
  CAPS+=($!)
  for _ in $(seq 100); do grep -q 'listening on' "$log" && return 0; sleep 0.05; done
  cat "$log" >&2
  return 1
}

# stopcaps: let the last packets land, then stop every capture (SIGINT flushes the file) and
# check the kernel dropped none.
stopcaps() {
  sleep 0.5
  for p in "${CAPS[@]}"; do kill -INT "$p"; done
  for p in "${CAPS[@]}"; do wait "$p" || true; done
  CAPS=()
  # A fixture with holes would make the cross-interface comparisons meaningless.
  if grep -L '^0 packets dropped by kernel' "$LOGDIR"/*.log | grep .; then
    echo "a capture dropped packets; run again" >&2
    exit 1
  fi
  rm -f "$LOGDIR"/*.pcap*.log
}

bg() {
  "$@" >/dev/null 2>&1 &
  BGS+=($!)
}

stopbgs() {
  for p in "${BGS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  BGS=()
}

# a (10.11.0.1, fd11::1) -- r (router) -- b (10.22.0.2, fd22::2), MTU 1500 everywhere.
routed_topology() {
  ns bwfx-a; ns bwfx-r; ns bwfx-b
  veth bwfx-a a0 02:00:00:00:11:01 bwfx-r ra 02:00:00:00:11:fe
  veth bwfx-r rb 02:00:00:00:22:fe bwfx-b b0 02:00:00:00:22:02
  ip -n bwfx-a addr add 10.11.0.1/24 dev a0
  ip -n bwfx-a addr add fd11::1/64 dev a0 nodad
  ip -n bwfx-r addr add 10.11.0.254/24 dev ra
  ip -n bwfx-r addr add fd11::fe/64 dev ra nodad
  ip -n bwfx-r addr add 10.22.0.254/24 dev rb
  ip -n bwfx-r addr add fd22::fe/64 dev rb nodad
  ip -n bwfx-b addr add 10.22.0.2/24 dev b0
  ip -n bwfx-b addr add fd22::2/64 dev b0 nodad
  for l in "bwfx-a a0" "bwfx-r ra" "bwfx-r rb" "bwfx-b b0"; do set -- $l; ip -n "$1" link set "$2" up; done
  ip -n bwfx-a route add default via 10.11.0.254
  ip -n bwfx-a route add default via fd11::fe
  ip -n bwfx-b route add default via 10.22.0.254
  ip -n bwfx-b route add default via fd22::fe
  sleep 1 # let the interface-up chatter (MLD reports) pass before capturing
}

teardown() {
  stopbgs
  for n in $(ip netns list | awk '/^bwfx-/{print $1}'); do ip netns del "$n"; done
}

scenario_routed() {
  routed_topology
  bg ip netns exec bwfx-b "$PY" "$TOOLS/pcap-traffic.py" serve 10.22.0.2 fd22::2
  sleep 0.5
  cap bwfx-a a0 routed-a0.pcap
  cap bwfx-r any routed-router-any.pcap -y LINUX_SLL -s 256
  cap bwfx-r any routed-router-any-sll2.pcap -y LINUX_SLL2
  ip netns exec bwfx-a "$PY" "$TOOLS/pcap-traffic.py" client 10.11.0.1 fd11::1 10.22.0.2 fd22::2 40000
  ip netns exec bwfx-a ping -q -c 2 -i 0.2 -s 56 10.22.0.2
  ip netns exec bwfx-a ping -q -6 -c 2 -i 0.2 -s 56 fd22::2
  ip netns exec bwfx-a ping -q -c 1 -s 3000 10.22.0.2
  ip netns exec bwfx-a ping -q -6 -c 1 -s 3000 fd22::2
  ip netns exec bwfx-a ping -q -R -c 1 10.22.0.2
  stopcaps
  teardown
}

scenario_crafted() {
  routed_topology
  cap bwfx-a a0 crafted-a0.pcap
  cap bwfx-r any crafted-router-any.pcap -y LINUX_SLL
  ip netns exec bwfx-a "$PY" "$TOOLS/pcap-craft.py" routed a0 02:00:00:00:11:fe
  stopcaps
  teardown
}

# This kernel has no 8021q module or VLAN-filtering bridge, so the tags are pushed and popped by
# the kernel's own vlan helpers from a tc BPF program (pcap-vlan-tc.py) on each end of the veth.
# bwfx-a's address (10.44.0.1, fd44::1) sits on a bridge ba with the veth a0 as its port, so the
# same packets are recorded untagged on the bridge and tagged on the port. TAGS: PROTO:VID...
vlan_link() {
  ns bwfx-a; ns bwfx-b
  veth bwfx-a a0 02:00:00:00:44:a0 bwfx-b b0 02:00:00:00:44:b0
  ip -n bwfx-a link add ba address 02:00:00:00:44:01 type bridge
  ip -n bwfx-a link set a0 master ba
  ip -n bwfx-a addr add 10.44.0.1/24 dev ba
  ip -n bwfx-a addr add fd44::1/64 dev ba nodad
  ip -n bwfx-b addr add 10.44.0.2/24 dev b0
  ip -n bwfx-b addr add fd44::2/64 dev b0 nodad
  for side in "bwfx-a a0" "bwfx-b b0"; do
    set -- $side
    "$PY" "$TOOLS/pcap-vlan-tc.py" "$1" "$2" push "${TAGS[@]}"
    "$PY" "$TOOLS/pcap-vlan-tc.py" "$1" "$2" pop
  done
  for l in "bwfx-a a0" "bwfx-a ba" "bwfx-b b0"; do set -- $l; ip -n "$1" link set "$2" up; done
  sleep 1
  bg ip netns exec bwfx-b "$PY" "$TOOLS/pcap-traffic.py" serve 10.44.0.2 fd44::2
  sleep 0.5
}

vlan_traffic() {
  ip netns exec bwfx-a "$PY" "$TOOLS/pcap-traffic.py" client 10.44.0.1 fd44::1 10.44.0.2 fd44::2 40000
  ip netns exec bwfx-a ping -q -c 1 10.44.0.2
  ip netns exec bwfx-a ping -q -6 -c 1 fd44::2
}

scenario_vlan() {
  TAGS=(8021q:10)
  vlan_link
  cap bwfx-a a0 vlan-8021q-port.pcap
  cap bwfx-a ba vlan-8021q-bridge.pcap
  vlan_traffic
  stopcaps
  teardown
  TAGS=(8021ad:20)
  vlan_link
  cap bwfx-a a0 vlan-8021ad-port.pcap
  vlan_traffic
  stopcaps
  teardown
}

# Q-in-Q: 802.1Q VID 10 inside 802.1ad VID 20.
scenario_qinq() {
  TAGS=(8021q:10 8021ad:20)
  vlan_link
  cap bwfx-a a0 vlan-qinq-port.pcap
  vlan_traffic
  stopcaps
  teardown
}

# Link-layer oddities and broken frames, crafted and sent on a veth, recorded on the sender.
scenario_frames() {
  ns bwfx-c
  ip -n bwfx-c link add c0 address 02:00:00:00:33:01 type veth peer name c1 address 02:00:00:00:33:02
  ip -n bwfx-c link set c0 up
  ip -n bwfx-c link set c1 up
  sleep 1
  cap bwfx-c c0 crafted-frames.pcap
  ip netns exec bwfx-c "$PY" "$TOOLS/pcap-craft.py" frames c0
  stopcaps
  teardown
}

# Raw IP: two tun devices (bwfx-ta 10.55.0.1/fd55::1, bwfx-tb 10.55.0.2/fd55::2) joined by a relay.
scenario_tun() {
  ns bwfx-ta; ns bwfx-tb
  for n in bwfx-ta bwfx-tb; do ip netns exec "$n" ip tuntap add dev tun0 mode tun; done
  ip -n bwfx-ta addr add 10.55.0.1/24 dev tun0
  ip -n bwfx-ta addr add fd55::1/64 dev tun0 nodad
  ip -n bwfx-tb addr add 10.55.0.2/24 dev tun0
  ip -n bwfx-tb addr add fd55::2/64 dev tun0 nodad
  ip -n bwfx-ta link set tun0 up
  ip -n bwfx-tb link set tun0 up
  bg "$PY" "$TOOLS/pcap-tun-relay.py" bwfx-ta bwfx-tb tun0
  sleep 1
  bg ip netns exec bwfx-tb "$PY" "$TOOLS/pcap-traffic.py" serve 10.55.0.2 fd55::2
  sleep 0.5
  cap bwfx-ta tun0 raw-tun.pcap
  ip netns exec bwfx-ta "$PY" "$TOOLS/pcap-traffic.py" client 10.55.0.1 fd55::1 10.55.0.2 fd55::2 40000
  ip netns exec bwfx-ta ping -q -c 1 10.55.0.2
  ip netns exec bwfx-ta ping -q -6 -c 1 fd55::2
  stopcaps
  teardown
}

scenario_lo() {
  ns bwfx-l
  bg ip netns exec bwfx-l "$PY" "$TOOLS/pcap-traffic.py" serve 127.0.0.1 ::1
  sleep 0.5
  cap bwfx-l lo lo.pcap
  ip netns exec bwfx-l "$PY" "$TOOLS/pcap-traffic.py" client 127.0.0.1 ::1 127.0.0.1 ::1 40000
  ip netns exec bwfx-l ping -q -c 1 127.0.0.1
  ip netns exec bwfx-l ping -q -6 -c 1 ::1
  stopcaps
  teardown
}

# Link types no Linux interface produces, derived from raw-tun.pcap (see pcap-relink.py).
scenario_derived() {
  for m in null-le null-be loop ipv4 ipv6; do
    "$PY" "$TOOLS/pcap-relink.py" "$m" "$OUT/raw-tun.pcap" "$OUT/derived-$m.pcap"
  done
  "$PY" "$TOOLS/pcap-relink.py" pcapng "$OUT/routed-a0.pcap" "$OUT/derived-routed-a0.pcapng"
}

for s in "${@:-routed crafted vlan qinq frames tun lo derived}"; do
  for one in $s; do "scenario_$one"; done
done
ls -l "$OUT"
