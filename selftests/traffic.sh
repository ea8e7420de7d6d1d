#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Real traffic over a named network: four "machines" (network namespaces), two on
# veth ports and two behind TAP ports (a relay stands in for the VM), ping each
# other over IPv4 and IPv6 and run a short TCP stream, and the FDB learns them all.
. "$(dirname "$0")/lib.sh"

build=${BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}
plan 10
load_module

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
finish
