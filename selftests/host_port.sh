#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# intnetctl host: a host-side port (VirtualBox's host-only adapter), a device of the
# host's stack whose other end is a network. The host pings a TAP-backed "VM" through
# it and back; the counters of both sides agree; a pulled cable is a lost carrier; a
# refused port leaves no device; only an administrator (here: of a namespace of his
# own) makes one; the device and the port end together, whichever goes first.
. "$(dirname "$0")/lib.sh"

plan 34
load_module
json_serve
build=${BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}

# The host's stack is the namespace hp-host; the VM is hp-vm behind the TAP hp-t1.
fresh_netns hp-host hp-vm
at_exit_late 'stop_pids "${vm_pid:-}"'
ip netns add hp-host
ip netns add hp-vm
ip -n hp-host link set lo up
# No IPv6 chatter: the counters below stay still between two reads.
for ns in hp-host hp-vm; do
	ip netns exec $ns sysctl -qw net.ipv6.conf.default.disable_ipv6=1
done
coproc VM { exec ip netns exec hp-host "$build/selftests/helpers/tapvm" hp-t1 hp-vm eth0; }
vm_pid=$VM_PID
read -r line <&"${VM[0]}"
expect_eq "the VM's TAP is there" ready "$line"
ip -n hp-host link set hp-t1 up
ip -n hp-vm link set eth0 address 02:00:00:00:0c:01 up
ip -n hp-vm addr add 10.9.0.1/24 dev eth0

h() { ip netns exec hp-host intnetctl "$@"; }
inhost() { ip netns exec hp-host "$@"; }
carrier() { cat "/sys/class/net/$1/carrier" 2>&1; }
host_ping() { inhost ping -c 2 -i 0.2 -W 2 10.9.0.1 >/dev/null 2>&1; }
port_stat() { h -j -s port show "$1" | json_eval "j[0]['stats']['$2']"; }
# devs: the devices of hp-host, sorted, each followed by a space; port_names: the
# ports' names on one line. (Bash sorts and joins: under TCG every program costs.)
devs() {
	local d n=()
	while IFS= read -r d; do
		d=${d#*: }
		n+=("${d%%: *}")
	done < <(inhost ip -o link show)
	echo "$(sort_words "${n[@]}") "
}
port_names() { h port show | first_words; }

h port add hp-t1 net hplab
h host add vhost0 net hplab
expect_eq "host add exits 0" 0 $?
check "the device is of kind intnet" grep -q ' intnet ' <<<"$(inhost ip -d link show vhost0)"
check "it is up (host add brings it up)" grep -q '<.*UP.*>' <<<"$(inhost ip link show vhost0)"
expect_eq "an up port: the device has a carrier" 1 "$(inhost cat /sys/class/net/vhost0/carrier)"
expect_eq "it is a port of hplab" \
	"vhost0           net hplab            up    promisc off  user 0      learned 0" \
	"$(h port show vhost0)"
inhost ip addr add 10.9.0.254/24 dev vhost0
check "the host pings the VM through it" host_ping
check "the VM pings the host" sh -c 'ip netns exec hp-vm ping -c 2 -i 0.2 -W 2 10.9.0.254 >/dev/null'
mac=$(inhost cat /sys/class/net/vhost0/address)
expect_eq "the host's MAC is learned behind vhost0" "vhost0" \
	"$(h fdb show net hplab | awk -v m="$mac" '$1 == m { print $3 }')"
expect_eq "the VM's MAC behind its TAP" "hp-t1" \
	"$(h fdb show net hplab | awk '$1 == "02:00:00:00:0c:01" { print $3 }')"
# same DEV_COUNTER PORT_COUNTER: the device's and the port's, read while neither
# moves (an ARP probe may pass between two reads).
same() {
	local i a b a2
	for i in 1 2 3 4 5; do
		a=$(inhost cat "/sys/class/net/vhost0/statistics/$1")
		b=$(port_stat vhost0 "$2")
		a2=$(inhost cat "/sys/class/net/vhost0/statistics/$1")
		[ "$a" = "$a2" ] && break
	done
	echo "$a $b"
}
r=$(same tx_packets rx_packets)
expect_eq "what the host sent is what the port received" "${r% *} ${r% *}" "$r"
r=$(same rx_packets tx_packets)
expect_eq "what the port sent is what the host received" "${r% *} ${r% *}" "$r"
check "... and that is at least the pings and ARP" test "$(port_stat vhost0 tx_packets)" -ge 5

# Pull the cable
h port set vhost0 down
expect_eq "a down port: no carrier" 0 "$(inhost cat /sys/class/net/vhost0/carrier)"
check "no ping gets through" sh -c '! ip netns exec hp-host ping -c 1 -W 1 10.9.0.1 >/dev/null 2>&1'
h port set vhost0 up
expect_eq "up again: carrier" 1 "$(inhost cat /sys/class/net/vhost0/carrier)"
check "the ping gets through again" host_ping

# Refusals leave nothing behind
before=$(devs)
expect_eq "a taken name" "intnetctl: device 'vhost0' exists" "$(h host add vhost0 2>&1)"
err=$(h host add vhost1 net 'a b' 2>&1 >/dev/null)
expect_eq "a network name intnetctl refuses: exit 2, before anything is made" \
	"2 intnetctl: 'a b' is not a network name or OWNER/NAME" "$? ${err%%$'\n'*}"
expect_eq "... no device left" "$before" "$(devs)"
# In a namespace of his own a user is root; uid 1002 has no mapping there, so the
# module refuses the port after the device was made: the device goes again.
expect_eq "a port the module refuses takes its device away again" \
	"intnet: the owner has no mapping in this user namespace|rc 1|no new device" \
	"$(setpriv --reuid=1001 --regid=1001 --clear-groups unshare -Urn sh -c 'links() { ip -o link show | cut -d: -f2; }; before=$(links); intnetctl host add vh net 1002/x 2>&1; echo "rc $?"; [ "$(links)" = "$before" ] && echo "no new device"' | paste -sd '|')"
expect_eq "an unprivileged user may not make one" \
	"intnetctl: cannot create 'vhost1': Operation not permitted" \
	"$(ip netns exec hp-host setpriv --reuid=1001 --regid=1001 --clear-groups intnetctl host add vhost1 2>&1)"
expect_eq "... exit 1 and no device left" "1 $before" \
	"$(ip netns exec hp-host setpriv --reuid=1001 --regid=1001 --clear-groups intnetctl host add vhost1 2>/dev/null; echo "$? $(devs)")"
expect_eq "in a namespace of his own he is its administrator" \
	"vh               net lab              up    promisc off  user 0" \
	"$(setpriv --reuid=1001 --regid=1001 --clear-groups unshare -Urn sh -c 'intnetctl host add vh net lab && intnetctl port show' | sed 's/ *learned.*//')"

# The device and the port end together
inhost ip link add hp-d type dummy
expect_eq "host del of another kind of device" "intnetctl: 'hp-d' is not a host port device" \
	"$(h host del hp-d 2>&1)"
h port del vhost0
expect_eq "port del: the device stays, without carrier" 0 "$(inhost cat /sys/class/net/vhost0/carrier)"
h port add vhost0 net hplab
expect_eq "attached again: carrier" 1 "$(inhost cat /sys/class/net/vhost0/carrier)"
h host del vhost0
expect_eq "host del exits 0" 0 $?
expect_eq "the device is gone, and the port" "hp-t1" "$(port_names)"
h host add vhost2 net hplab
inhost ip link del vhost2
expect_eq "ip link del of a host port device removes its port" "hp-t1" \
	"$(port_names)"
h host add vhost3 net hplab
h net del hplab
expect_eq "deleting the network leaves the device without carrier" 0 "$(inhost cat /sys/class/net/vhost3/carrier)"
h port add vhost3 net hplab
kill "$vm_pid" && wait "$vm_pid" 2>/dev/null
vm_pid=
check "rmmod with a host port attached" rmmod intnet
check "the host port devices went with the module" sh -c '! ip netns exec hp-host ip link show vhost3 2>/dev/null'
check "insmod again" insmod "$INTNET_KO"
finish
