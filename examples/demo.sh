#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: what intnet can do today, shown inside a test guest: two "VMs" (network
# namespaces behind TAP ports) of the unprivileged user alice (uid 1001) on her network
# "lab" ping each other; bob (uid 1002) can neither join nor see it, and his "lab" is his
# own (names are per owner: root sees 1001/lab and 1002/lab); root makes alice a
# persistent TAP for a third VM (intnetctl tap add), which her VM opens without
# privileges; a host-side port lets the host reach her VMs; alice watches the events.
set -e
build=${BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }
# As a user: the prompt shows who runs the command.
as() {
	local who=$1 uid=$2
	shift 2
	printf '\n\033[1m%s$ %s\033[0m\n' "$who" "$*"
	setpriv --reuid="$uid" --regid="$uid" --clear-groups "$@"
}

echo "intnet demo on $(uname -r)"
step intnetctl version

# Each "VM" is a namespace whose NIC eth0 is relayed to a TAP port, as QEMU would.
# The TAPs belong to alice, as `ip tuntap add ... user alice` or `intnetctl tap add` make them.
for i in 1 2 3; do
	ip tuntap add mode tap name tap$i user $((i < 3 ? 1001 : 1002))
done
for i in 1 2; do
	ip netns add vm$i
	"$build/selftests/helpers/tapvm" tap$i vm$i eth0 >/dev/null &
	sleep 0.3
	ip link set tap$i up
	ip -n vm$i link set eth0 address 02:00:00:00:00:0$i up
	ip -n vm$i addr add 10.0.0.$i/24 dev eth0
done

as alice 1001 intnetctl net add lab ageing 120
as alice 1001 intnetctl port add tap1 net lab
as alice 1001 intnetctl port add tap2 net lab
step ip netns exec vm1 ping -c 3 -i 0.3 10.0.0.2
as alice 1001 intnetctl net show
as alice 1001 intnetctl port show
as alice 1001 intnetctl fdb show net lab
as alice 1001 intnetctl -s port show tap1
printf '\n# bob may not join alice'"'"'s network (named by its owner: 1001/lab), see it, or use her TAP\n'
as bob 1002 intnetctl port add tap3 net 1001/lab || true
as bob 1002 intnetctl net show 1001/lab || true
as bob 1002 intnetctl port add tap1 net bobnet || true
printf '\n# a name alone is never another user'"'"'s network: bob'"'"'s lab is his own\n'
as bob 1002 intnetctl port add tap3 net lab
as bob 1002 intnetctl port show
step intnetctl net show
as alice 1001 intnetctl port set tap2 down
printf '\n# tap2 is unplugged now: the ping gets no answer\n'
step ip netns exec vm1 ping -c 2 -W 1 10.0.0.2 || true
as alice 1001 intnetctl -j net show lab

printf '\n# root makes alice a persistent TAP on lab; her VM opens it without privileges\n'
printf '# (as qemu -netdev tap,ifname=tap4,script=no,downscript=no does)\n'
# alice watches her network's events meanwhile (she sees only what she may see)
setpriv --reuid=1001 --regid=1001 --clear-groups intnetctl monitor >/tmp/alice-events &
events=$!
sleep 0.5
step intnetctl tap add tap4 net lab user 1001
printf '\n\033[1m$ %s\033[0m\n' "ip -d link show tap4 | grep -o 'tun type.*user [0-9]*'"
ip -d link show tap4 | grep -o 'tun type.*user [0-9]*'
ip netns add vm4
"$build/selftests/helpers/tapvm" tap4 vm4 eth0 >/dev/null &
vm4=$!
sleep 0.3
ip -n vm4 link set eth0 address 02:00:00:00:00:04 up
ip -n vm4 addr add 10.0.0.4/24 dev eth0
step ip netns exec vm4 ping -c 2 -i 0.3 10.0.0.1
as alice 1001 intnetctl port show
kill $vm4
wait $vm4 2>/dev/null || true
step intnetctl tap del tap4
as alice 1001 intnetctl port show

printf '\n# a host-side port on lab: the host itself reaches alice'"'"'s VMs\n'
printf '# (root names alice'"'"'s network 1001/lab: its own lab would be another one)\n'
step intnetctl host add vhost0 net 1001/lab
step ip addr add 10.0.0.254/24 dev vhost0
step ping -c 2 -i 0.3 10.0.0.1
as alice 1001 intnetctl port show
step intnetctl host del vhost0
sleep 0.5
kill $events
printf '\n\033[1malice$ intnetctl monitor\033[0m   (what it printed meanwhile)\n'
cat /tmp/alice-events
