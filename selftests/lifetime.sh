#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Lifetimes under traffic: a TAP's fd closed, a namespace deleted with networks in
# it, and rmmod while frames flow. Leaks and warnings are the lane's to catch
# (kmemleak after the suite, dmesg after every lane); here the state must add up.
. "$(dirname "$0")/lib.sh"

build=${BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}
plan 9
load_module

relays=()
machines() {
	for i in 1 2; do
		ip netns add m$i
		"$build/selftests/helpers/tapvm" mt$i m$i eth0 >/dev/null &
		relays[i]=$!
	done
	sleep 0.5
	for i in 1 2; do
		ip link set mt$i up
		ip -n m$i link set eth0 up
		ip -n m$i addr add 10.7.0.$i/24 dev eth0
		intnetctl port add mt$i net life
	done
}

# A TAP whose last fd closes leaves; so does the implicit network with it.
machines
ip netns exec m1 ping -f -w 3 10.7.0.2 >/dev/null 2>&1 &
flood=$!
sleep 1
kill "${relays[2]}"
wait "${relays[2]}" 2>/dev/null
sleep 0.5
expect_eq "the closed TAP's port is gone under traffic" "mt1" "$(intnetctl port show net life | awk '{print $1}')"
kill "${relays[1]}"
wait "${relays[1]}" "$flood" 2>/dev/null
sleep 0.5
expect_eq "the implicit network went with its last port" "" "$(intnetctl net show)"
ip netns del m1
ip netns del m2

# A namespace deleted with an explicit network and ports in it takes them along.
ip netns add gone
ip netns exec gone ip link add g1 type dummy
ip netns exec gone ip link add g2 type dummy
ip netns exec gone intnetctl net add doomed
ip netns exec gone intnetctl port add g1 net doomed
ip netns exec gone intnetctl port add g2 net kept
expect_eq "the namespace has two networks" "2" "$(ip netns exec gone intnetctl net show | wc -l)"
expect_eq "another namespace sees none of them" "" "$(intnetctl net show)"
# What must not be left behind (networks, ports, FDB) is kmemleak's to find.
ip netns del gone
sleep 1
check "the module is still in use by nobody" test "$(awk '$1 == "intnet" { print $3 }' /proc/modules)" = 0

# rmmod while two machines exchange frames as fast as they can.
machines
ip netns exec m1 ping -f -w 10 10.7.0.2 >/dev/null 2>&1 &
flood=$!
sleep 2
rx_before=$(intnetctl -j -s port show mt1 | json_eval 'j[0]["stats"]["rx_packets"]')
check "frames flow before rmmod ($rx_before received)" test "${rx_before:-0}" -gt 10
check "rmmod succeeds under traffic" rmmod intnet
ip link show mt1 >/dev/null
expect_eq "the TAPs are left alone, as plain devices" 0 $?
kill "$flood" "${relays[1]}" "${relays[2]}" 2>/dev/null
wait 2>/dev/null
ip netns del m1
ip netns del m2
check "the module loads again" insmod "$INTNET_KO"
finish
