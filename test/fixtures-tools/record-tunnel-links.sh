#!/bin/sh
# Records fixtures/netlink/tunnel-links.txt: the IFLA_LINKINFO of tunnel and other devices as this
# kernel reports them, in a private namespace (removed at the end, pass or fail). Run as root
# from the repository root.
set -eu
ns="bwtop-tlrec-$$"
trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" link add under type veth peer name under2
ip -n "$ns" link add vx4 type vxlan id 42 remote 10.9.9.9 local 10.9.9.1 dstport 4789 dev under
ip -n "$ns" link add vx6 type vxlan id 43 remote fd00::9 dstport 8472 dev under
ip -n "$ns" link add vxfdb type vxlan id 44 dstport 4790 dev under
ip -n "$ns" link add br0 type bridge
ip -n "$ns" link add wg0 type wireguard 2>/dev/null || echo "no wireguard in this kernel: not recorded" >&2
ip netns exec "$ns" node test/fixtures-tools/record-tunnel-links.mjs > fixtures/netlink/tunnel-links.txt
