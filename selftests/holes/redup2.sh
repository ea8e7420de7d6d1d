#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Second red team on issue 19's uplink (kmod/uplink.c, intnet_uplink_may_learn, fdb.c).
# Each check asserts the SECURE behaviour: a "not ok" is a hole. Set-up as redup.sh: the
# host (rd2-host) has NIC "eth0", a veth to the LAN (rd2-lan: router 10.20.0.1, and on
# VLAN 10 a gateway 10.30.0.1 with its own MAC; the host has eth0.10, 10.30.0.2); eth0
# is the uplink of root's lab; alice's VM (rd2-vm1, 1001) and bob's (rd2-vm2, 1002) sit
# behind ports vp1 and vp2 of lab. The router talks only to the host (unicast, never
# through the uplink's receive hook), so the FDB does not know it.
#  K. First claim: alice's VM sends frames from the router's MAC before the FDB knows
#     it. Learned behind vp1 (nothing to move), the claim then sticks: the router's own
#     frames may not move it back (a LAN station may not take a VM's MAC), so the
#     host's frames to its router are stolen by the egress hook and go to alice's VM,
#     and the router's frames into the network are dropped (bob loses the router).
#  V. The same for a station on another VLAN: its tagged frames go to eth0.10 before
#     the receive hook, so it is never learned behind the uplink and any VM can claim
#     its MAC for ever; the host's VLAN 10 frames to it then go to the VM.
#  Z. Zero and multicast source MACs from a VM to the wire.
#  P. A promiscuous VM port sees the host's unicast with its router, or LAN-to-LAN.
#  U. Alice deletes the router's FDB entry, or takes the uplink down.
#  L. A LAN station sends from bob's VM's MAC while the FDB does not know it (bob's
#     entry aged out, or his VM is booting): learned behind the uplink, it sticks; bob's
#     VM's own frames may not move it back and are dropped.
#  R. Detach/attach cycles of the uplink under a VM's flood and the host's traffic.
# Guest run (6.12, 2026-12-04, main bfc668d): 8 of 17 ok; holes K1-K5, V1-V2, L1-L2.
# In that run K4 counted alice's 5 spoofed broadcasts too (5: none of the router's 3;
# its capture now starts after them) and U2's "port set eth0 up off" was a usage error
# (now "down"): both changes not yet run.
# Against branch peer (6.12, 2026-12-05): 13 of 17 ok; K1-K5 hold; V1-V2 and L1-L2
# open (documented in README).
. "$(dirname "$0")/../lib.sh"
build=${BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}

plan 17
load_module

ALICE=1001 BOB=1002
HOST_MAC=02:00:00:00:40:02
LAN_MAC=02:00:00:00:40:01
LAN10_MAC=02:00:00:00:40:a1
OTHER_MAC=02:00:00:00:40:99
VM1_MAC=02:00:00:00:40:11
VM2_MAC=02:00:00:00:40:12

tmp=$(mktemp -d)
chmod 0755 "$tmp"
pids=()
cap_pids=()
at_exit rm -rf "$tmp"
at_exit_late 'stop_pids "${pids[@]}"'
fresh_netns rd2-host rd2-lan rd2-vm1 rd2-vm2

h() { ip netns exec rd2-host intnetctl "$@"; }
in_ns() { local ns=$1; shift; ip netns exec "rd2-$ns" "$@"; }
ping_all() { in_ns "$1" ping -c 4 -i 0.2 -W 1 "$2" 2>&1 | grep -q ' 0% packet loss'; }
behind() { h fdb show net lab | awk -v m="$1" '$1 == m { print $3 }'; }
not_behind() { [ "$(behind "$1")" != "$2" ]; }
ef() { local ns=$1; shift; ip netns exec "rd2-$ns" "$build/selftests/helpers/ethframes" "$@"; }
capture() { # capture NS IFACE A B OUT [both]: frames A -> B, in the background until stopped
	ip netns exec "rd2-$1" "$build/selftests/helpers/ethframes" count "$2" "$3" "$4" ${6:+"$6"} >"$5" &
	pids+=($!)
	cap_pids+=($!)
	for _ in $(seq 100); do grep -q ready "$5" && return; nap 0.05; done
}
stopped() { kill "${cap_pids[@]}" 2>/dev/null; wait "${cap_pids[@]}" 2>/dev/null; cap_pids=(); }
count() { tail -1 "$1"; }
as_alice() { in_ns host setpriv --reuid=$ALICE --regid=$ALICE --clear-groups "$@"; }

for ns in host lan vm1 vm2; do
	ip netns add "rd2-$ns"
	in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	in_ns "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	ip -n "rd2-$ns" link set lo up
done
ip -n rd2-host link add eth0 type veth peer name lan0 netns rd2-lan
ip -n rd2-host link set eth0 address $HOST_MAC up
ip -n rd2-host addr add 10.20.0.2/24 dev eth0
ip -n rd2-lan link set lan0 address $LAN_MAC up
ip -n rd2-lan addr add 10.20.0.1/24 dev lan0
ip -n rd2-host link add link eth0 name eth0.10 type vlan id 10
ip -n rd2-host addr add 10.30.0.2/24 dev eth0.10
ip -n rd2-host link set eth0.10 up
ip -n rd2-lan link add link lan0 name lan0.10 address $LAN10_MAC type vlan id 10
ip -n rd2-lan addr add 10.30.0.1/24 dev lan0.10
ip -n rd2-lan link set lan0.10 up
for i in 1 2; do
	ip -n rd2-host link add vp$i type veth peer name eth0 netns rd2-vm$i
	ip -n rd2-host link set vp$i up
	mac=VM${i}_MAC
	ip -n rd2-vm$i link set eth0 address "${!mac}" up
	ip -n rd2-vm$i addr add 10.20.0.1$i/24 dev eth0
done
h port add eth0 net lab uplink
h port add vp1 net 0/lab user $ALICE
h port add vp2 net 0/lab user $BOB

check "set-up: the host pings its router and its VLAN 10 gateway" \
	sh -c "ip netns exec rd2-host ping -c 2 -i 0.2 -W 1 10.20.0.1 >/dev/null && ip netns exec rd2-host ping -c 2 -i 0.2 -W 1 10.30.0.1 >/dev/null"
echo "#   before: router behind '$(behind $LAN_MAC)', VLAN 10 gateway behind '$(behind $LAN10_MAC)'"

# K. Alice's VM claims the router's MAC first.
capture vm1 eth0 $HOST_MAC $LAN_MAC "$tmp/k.stolen"
ef vm1 send eth0 $LAN_MAC ff:ff:ff:ff:ff:ff 88b5 5
nap 0.2
# Bob counts the router's broadcasts only (not alice's 5 from its MAC).
capture vm2 eth0 $LAN_MAC ff:ff:ff:ff:ff:ff "$tmp/k.bcast"
echo "#   after alice's 5 frames: router behind '$(behind $LAN_MAC)'"
check "K1 a VM cannot take the router's MAC (the FDB did not know it yet)" not_behind $LAN_MAC vp1
check "K2 the host still reaches its router" ping_all host 10.20.0.1
ef lan send lan0 $LAN_MAC ff:ff:ff:ff:ff:ff 88b5 3
check "K3 bob's VM still reaches the router" ping_all vm2 10.20.0.1
nap 0.2
stopped
expect_eq "K4 the router's own broadcasts reach bob's VM (3 of 3)" 3 "$(count "$tmp/k.bcast")"
expect_eq "K5 the host's frames to its router never reach alice's VM" 0 "$(count "$tmp/k.stolen")"
h fdb del $LAN_MAC net lab 2>/dev/null
in_ns lan ping -c 1 -W 1 10.20.0.12 >/dev/null 2>&1
in_ns vm2 ping -c 1 -W 1 10.20.0.1 >/dev/null 2>&1

# V. Alice's VM claims the MAC of the host's VLAN 10 gateway (untagged frames).
capture vm1 eth0 $HOST_MAC $LAN10_MAC "$tmp/v.stolen"
ef vm1 send eth0 $LAN10_MAC ff:ff:ff:ff:ff:ff 88b5 5
nap 0.2
echo "#   after alice's 5 frames: VLAN 10 gateway behind '$(behind $LAN10_MAC)'"
check "V1 the host still reaches its VLAN 10 gateway while a VM claims its MAC" ping_all host 10.30.0.1
stopped
expect_eq "V2 the host's VLAN 10 frames to its gateway never reach alice's VM" 0 "$(count "$tmp/v.stolen")"
h fdb del $LAN10_MAC net lab 2>/dev/null

# Z. Invalid source MACs.
capture lan lan0 00:00:00:00:00:00,01:00:5e:00:00:01,ff:ff:ff:ff:ff:ff ff:ff:ff:ff:ff:ff,$LAN_MAC "$tmp/z"
for src in 00:00:00:00:00:00 01:00:5e:00:00:01 ff:ff:ff:ff:ff:ff; do
	ef vm1 send eth0 $src ff:ff:ff:ff:ff:ff 88b5 3
	ef vm1 send eth0 $src $LAN_MAC 88b5 3
done
nap 0.2
stopped
expect_eq "Z1 no frame from a zero, multicast or broadcast source reaches the wire" 0 "$(count "$tmp/z")"

# P. A promiscuous VM port.
h port set vp1 promisc on
echo "#   vp1: $(h port show vp1)"
in_ns lan ip neigh replace 10.20.0.99 lladdr $OTHER_MAC dev lan0 nud permanent
capture vm1 eth0 $HOST_MAC $LAN_MAC "$tmp/p.host" both
capture vm1 eth0 $LAN_MAC $OTHER_MAC "$tmp/p.lan" both
in_ns host ping -c 3 -i 0.2 -W 1 10.20.0.1 >/dev/null 2>&1
in_ns lan ping -c 3 -i 0.2 -W 1 10.20.0.99 >/dev/null 2>&1
nap 0.2
stopped
expect_eq "P1 a promiscuous VM port sees no unicast between the host and its router" 0 "$(count "$tmp/p.host")"
expect_eq "P2 ... nor LAN-to-LAN unicast" 0 "$(count "$tmp/p.lan")"
h port set vp1 promisc off

# U. Alice against the LAN's entries and the uplink.
before=$(behind $LAN_MAC)
{
	as_alice intnetctl fdb del $LAN_MAC net 0/lab
	as_alice intnetctl fdb flush dev eth0
	as_alice intnetctl port set eth0 down
	as_alice unshare -Ur intnetctl port set eth0 down
} >"$tmp/u" 2>&1
sed 's/^/#   /' "$tmp/u"
expect_eq "U1 alice cannot delete or flush the router's entry behind the uplink" "eth0 eth0" \
	"$before $(behind $LAN_MAC)"
expect_eq "U2 ... nor take the uplink down" up "$(h port show eth0 | awk '{ print $4 }')"
echo "#   alice sees: $(as_alice intnetctl port show 2>&1 | xargs)"

# L. A LAN station claims bob's VM's MAC while the FDB does not know it (as after ageing).
h fdb del $VM2_MAC net lab
ef lan send lan0 $VM2_MAC ff:ff:ff:ff:ff:ff 88b5 3
nap 0.2
echo "#   after the LAN's 3 frames: bob's MAC behind '$(behind $VM2_MAC)'"
check "L1 bob's VM still reaches the router after a LAN station sent from its MAC" ping_all vm2 10.20.0.1
check "L2 ... and the host reaches bob's VM" ping_all host 10.20.0.12

# R. Detach and attach under traffic.
reports=$(kernel_reports)
ef vm1 send eth0 $VM1_MAC ff:ff:ff:ff:ff:ff 88b5 20000 &
pids+=($!)
in_ns host ping -i 0.01 -c 500 -W 1 10.20.0.11 >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 15); do
	h port del eth0
	h port add eth0 net lab uplink
done
nap 0.5
check "R1 after 15 detach/attach cycles under traffic the host pings its router and a VM" \
	sh -c "ip netns exec rd2-host ping -c 2 -i 0.2 -W 1 10.20.0.1 >/dev/null && ip netns exec rd2-host ping -c 2 -i 0.2 -W 1 10.20.0.11 >/dev/null"
expect_eq "R2 ... and no kernel report" "$reports" "$(kernel_reports)"
finish
