#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One network across two hosts: namespaces hA and hB stand for two machines joined by
# an underlay (a veth pair, 10.99.0.0/24); each has its own network "lab" with a "VM"
# (a namespace behind a veth port) and a tunnel device as a port. For VXLAN, GENEVE
# and gretap: the VMs ping each other, each side learns the far VM's MAC behind its
# tunnel port, a pulled cable (the tunnel port down) stops the traffic, and a frame
# too big for the tunnel is dropped and counted, not fragmented.
. "$(dirname "$0")/lib.sh"

types="vxlan geneve gretap"
plan 22
load_module

fresh_netns tn-hA tn-hB tn-vA tn-vB

ip netns add tn-hA && ip netns add tn-hB && ip netns add tn-vA && ip netns add tn-vB
# The underlay, and a VM on each side: 10.0.0.1 (MAC ..:0a:01) and 10.0.0.2 (..:0b:01).
ip -batch - <<'BATCH'
link add u0 netns tn-hA type veth peer name u0 netns tn-hB
link add pa netns tn-hA type veth peer name eth0 netns tn-vA address 02:00:00:00:0a:01
link add pb netns tn-hB type veth peer name eth0 netns tn-vB address 02:00:00:00:0b:01
BATCH
for side in A:1 B:2; do
	s=${side%:*} n=${side#*:}
	ip -n tn-h$s -batch - <<BATCH
link set lo up
addr add 10.99.0.$n/24 dev u0
link set u0 up
link set p${s,,} up
BATCH
	# The VMs' MTU leaves room for the tunnels' headers (VXLAN's 50 bytes the most).
	ip -n tn-v$s -batch - <<BATCH
link set lo up
link set eth0 mtu 1400
addr add 10.0.0.$n/24 dev eth0
link set eth0 up
BATCH
	ip netns exec tn-h$s intnetctl net add lab ageing 300
	ip netns exec tn-h$s intnetctl port add p${s,,} net lab
done

# tunnel TYPE SIDE LOCAL REMOTE: the tunnel device t0 of TYPE on host SIDE.
tunnel() {
	case $1 in
	vxlan) ip -n "tn-h$2" link add t0 type vxlan id 42 local "$3" remote "$4" dstport 4789 ;;
	geneve) ip -n "tn-h$2" link add t0 type geneve id 42 remote "$4" ;;
	gretap) ip -n "tn-h$2" link add t0 type gretap local "$3" remote "$4" ;;
	esac
	ip -n "tn-h$2" link set t0 up
}
inA() { ip netns exec tn-hA intnetctl "$@"; }
inB() { ip netns exec tn-hB intnetctl "$@"; }
ping_ok() { ip netns exec tn-vA ping -c 2 -i 0.2 -W 2 "$@" 10.0.0.2 >/dev/null 2>&1; }
# The port and the learned/static kind of MAC in a host's FDB of lab.
behind() { ip netns exec "tn-h$1" intnetctl fdb show net lab | awk -v m="$2" '$1 == m { print $3, $6 }'; }
stat() { ip netns exec "tn-h$1" intnetctl -j -s port show "$2" | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['stats']['$3'])"; }

for t in $types; do
	tunnel $t A 10.99.0.1 10.99.0.2
	tunnel $t B 10.99.0.2 10.99.0.1
	inA port add t0 net lab && inB port add t0 net lab
	expect_eq "$t: the tunnel devices are ports on both hosts" 0 $?
	check "$t: the VMs ping each other across the hosts" ping_ok
	expect_eq "$t: host A learned VM B's MAC behind the tunnel port" "t0 learned" "$(behind A 02:00:00:00:0b:01)"
	expect_eq "$t: host B learned VM A's MAC behind the tunnel port" "t0 learned" "$(behind B 02:00:00:00:0a:01)"
	inA port set t0 down
	check "$t: with the tunnel port down (cable pulled) no ping gets through" sh -c '! ip netns exec tn-vA ping -c 1 -W 1 10.0.0.2 >/dev/null 2>&1'
	inA port set t0 up
	if [ $t = vxlan ]; then
		# 1400 bytes of IP fit the VM's MTU but not VXLAN's (1450 - 50 below 1500).
		ip -n tn-hA link set t0 mtu 1350
		before=$(stat A t0 tx_drop_oversize)
		# shellcheck disable=SC1010 # "do" is ping's -M argument
		ip netns exec tn-vA ping -c 1 -W 1 -s 1372 -M do 10.0.0.2 >/dev/null 2>&1
		expect_eq "$t: a frame bigger than the tunnel's MTU is dropped and counted" \
			$((before + 1)) "$(stat A t0 tx_drop_oversize)"
		ip -n tn-hA link set t0 mtu 1400
	fi
	check "$t: the cable back in, the VMs ping again" ping_ok
	ip -n tn-hA link del t0 && ip -n tn-hB link del t0
	expect_eq "$t: deleting the tunnel devices removes their ports" "pa" \
		"$(inA port show net lab | awk '{ print $1 }' | tr '\n' ' ' | sed 's/ $//')"
done
finish
