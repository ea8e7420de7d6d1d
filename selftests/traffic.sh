#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Real traffic over a named network: four "machines" (network namespaces), two on
# veth ports and two behind TAP ports (a relay stands in for the VM), ping each
# other over IPv4 and IPv6 and run a short TCP stream, and the FDB learns them all.
. "$(dirname "$0")/lib.sh"

build=${BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}
plan 20
load_module
json_serve

pids=()
at_exit del_links v1 v2
at_exit del_netns h1 h2 h3 h4
at_exit_late 'stop_pids "${pids[@]}"'

for h in h1 h2 h3 h4; do
	ip netns add $h
	ip -n $h link set lo up
done
for i in 1 2; do
	ip link add v$i type veth peer name eth0 netns h$i
	ip link set v$i up
done
for i in 3 4; do
	coproc_out=$(mktemp)
	"$build/selftests/helpers/tapvm" p$i h$i eth0 >"$coproc_out" &
	pids+=($!)
	for _ in $(seq 50); do grep -q ready "$coproc_out" && break; sleep 0.1; done
	ip link set p$i up
done
for i in 1 2 3 4; do
	ip -n h$i link set eth0 address 02:00:00:00:00:0$i up
	ip -n h$i addr add 10.9.0.$i/24 dev eth0
	ip -n h$i addr add fd09::$i/64 dev eth0 nodad
done

attached=0
for p in v1 v2 p3 p4; do
	intnetctl port add $p net lab && attached=$((attached + 1))
done
expect_eq "four ports attach to network lab" 4 "$attached"

ping_ok() { ip netns exec "$1" ping -q -c 2 -W 2 -i 0.2 "$2" >/dev/null; }
check "IPv4: veth machine pings veth machine" ping_ok h1 10.9.0.2
check "IPv4: veth machine pings TAP machine" ping_ok h1 10.9.0.3
check "IPv4: TAP machine pings TAP machine" ping_ok h3 10.9.0.4
check "IPv6: veth machine pings TAP machine" ping_ok h2 fd09::3
check "IPv6: TAP machine pings veth machine" ping_ok h4 fd09::1

fdb=$(intnetctl fdb show net lab)
learned=0
for i in 1 2 3 4; do
	echo "$fdb" | grep -q "02:00:00:00:00:0$i" && learned=$((learned + 1))
done
expect_eq "the FDB learned all four machines" 4 "$learned"
expect_eq "each machine is learned behind its own port" \
	"v1 v2 p3 p4" \
	"$(for i in 1 2 3 4; do echo "$fdb" | awk -v m=02:00:00:00:00:0$i '$1 == m { print $3 }'; done | xargs)"

ip netns exec h2 iperf3 -s -1 -D -I /run/iperf3.pid >/dev/null 2>&1
sleep 0.5
out=$(ip netns exec h1 iperf3 -c 10.9.0.2 -t 2 -J 2>&1)
rc=$?
expect_eq "a TCP stream runs between the veth machines" 0 "$rc"
bytes=$(echo "$out" | json_eval 'j["end"]["sum_received"]["bytes"]' 2>/dev/null)
check "the stream moved data (${bytes:-0} bytes)" test "${bytes:-0}" -gt 100000

# IP anti-spoofing with real stacks: a veth machine and a TAP machine locked to their
# addresses (the IPv6 link-local ones too, EUI-64 from their MACs) still ping, resolve
# and stream; a source address or an ARP claim that is not theirs goes nowhere.
counter() { # counter PORT NAME: the port's rx drop counter NAME (JSON key)
	intnetctl -j -s port show "$1" | json_eval "j[0]['stats']['$2']"
}
intnetctl port set v1 lock-ip 10.9.0.1 lock-ip fd09::1 lock-ip fe80::ff:fe00:1
intnetctl port set p3 lock-ip 10.9.0.3 lock-ip fd09::3 lock-ip fe80::ff:fe00:3
expect_eq "the locks are shown" "10.9.0.1,fd09::1,fe80::ff:fe00:1 10.9.0.3,fd09::3,fe80::ff:fe00:3" \
	"$(intnetctl -j port show | json_eval "' '.join(','.join(p['lock_ip']) for p in j if 'lock_ip' in p)")"
for h in h1 h2 h3 h4; do ip -n $h neigh flush all; done
check "IP locked: IPv4 ping between the locked machines, ARP anew" ping_ok h1 10.9.0.3
check "IP locked: IPv6 ping between the locked machines, ND anew" ping_ok h3 fd09::1
check "IP locked: IPv6 ping over link-local addresses" ping_ok h1 fe80::ff:fe00:3%eth0
ip netns exec h2 iperf3 -s -1 -D -I /run/iperf3.pid >/dev/null 2>&1
sleep 0.5
check "IP locked: a TCP stream runs from the locked veth machine" \
	sh -c 'ip netns exec h1 iperf3 -c 10.9.0.2 -t 1 >/dev/null'
# (Both ports' four counters in one dump and one json_eval.)
expect_eq "IP locked: their own traffic dropped nothing" "0 0 0 0" \
	"$(intnetctl -j -s port show | json_eval "' '.join(str(sum(p['stats'][k] for p in j if p['ifname'] in ('v1', 'p3'))) for k in ('rx_drop_ip_spoof', 'rx_drop_arp_spoof', 'rx_drop_nd_spoof', 'rx_drop_dhcp_server'))")"

# h1 takes an address that is not its own: its ARP claims and packets are dropped.
ip -n h1 addr add 10.9.0.99/24 dev eth0
ip -n h1 neigh flush all
check "a spoofed source reaches nobody" \
	sh -c '! ip netns exec h1 ping -q -c 2 -W 1 -i 0.2 -I 10.9.0.99 10.9.0.2 >/dev/null'
check "the spoofed ARP claims were dropped and counted ($(counter v1 rx_drop_arp_spoof))" \
	test "$(counter v1 rx_drop_arp_spoof)" -gt 0
expect_eq "h2 never learned the spoofed address" "" "$(ip -n h2 neigh show 10.9.0.99)"
ip -n h1 neigh replace 10.9.0.2 lladdr 02:00:00:00:00:02 dev eth0 nud permanent
ip netns exec h1 ping -q -c 2 -W 1 -i 0.2 -I 10.9.0.99 10.9.0.2 >/dev/null
check "the spoofed IPv4 packets were dropped and counted ($(counter v1 rx_drop_ip_spoof))" \
	test "$(counter v1 rx_drop_ip_spoof)" -ge 2
finish
