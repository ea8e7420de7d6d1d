#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: what intnet can do today, shown inside a test guest: two "VMs" (network
# namespaces behind TAP ports) on the network "lab" ping each other.
set -e
build=${BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

echo "intnet demo on $(uname -r)"
step intnetctl version

# Each "VM" is a namespace whose NIC eth0 is relayed to a TAP port, as QEMU would.
for i in 1 2; do
	ip netns add vm$i
	"$build/selftests/helpers/tapvm" tap$i vm$i eth0 >/dev/null &
	sleep 0.3
	ip link set tap$i up
	ip -n vm$i link set eth0 address 02:00:00:00:00:0$i up
	ip -n vm$i addr add 10.0.0.$i/24 dev eth0
done

step intnetctl net add lab ageing 120
step intnetctl port add tap1 net lab
step intnetctl port add tap2 net lab
step ip netns exec vm1 ping -c 3 -i 0.3 10.0.0.2
step intnetctl net show
step intnetctl port show
step intnetctl fdb show net lab
step intnetctl -s port show tap1
step intnetctl port set tap2 down
printf '\n# tap2 is unplugged now: the ping gets no answer\n'
step ip netns exec vm1 ping -c 2 -W 1 10.0.0.2 || true
step intnetctl -j net show lab
