#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An uplink (issue 19): a host NIC shared with network lab, the host keeping its
# address on it. The "host" is namespace ul-host, its NIC "eth0" a veth to the LAN
# (namespace ul-lan: a router with an address, busybox udhcpd); two VMs (ul-vm1,
# ul-vm2) sit behind veth ports on lab. The host's TCP stream to the LAN survives the
# attach and the detach; VMs and LAN reach each other, a VM gets its lease from the
# LAN; host and VMs reach each other without a frame on the wire; broadcast and
# multicast reach both; LAN-to-LAN unicast does not reach the VMs; refusals say why;
# detach, rmmod and the device's removal, under traffic, leave the NIC as it was.
. "$(dirname "$0")/lib.sh"
build=${BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}

plan 81
load_module

tmp=$(mktemp -d)
pids=()
at_exit rm -rf "$tmp"
at_exit_late 'stop_pids "${pids[@]}"'
fresh_netns ul-host ul-lan ul-vm1 ul-vm2

HOST_MAC=02:00:00:00:20:02
LAN_MAC=02:00:00:00:20:01
VM1_MAC=02:00:00:00:20:11
VM2_MAC=02:00:00:00:20:12
OTHER_MAC=02:00:00:00:20:99
PEER_MAC=02:00:00:00:20:a2
QUIET_MAC=02:00:00:00:20:a9

h() { ip netns exec ul-host intnetctl "$@"; }
in_ns() { local ns=$1; shift; ip netns exec "ul-$ns" "$@"; }
ping_ok() { in_ns "$1" ping -q -c 2 -i 0.2 -W 2 "$2" >/dev/null 2>&1; }
promiscuity() { ip -n ul-host -d link show eth0 | grep -o 'promiscuity [0-9]*'; }
uc_list() { # the NIC's unicast list (bridge fdb shows it for a device of no bridge)
	ip netns exec ul-host bridge fdb show dev eth0 | awk '$1 ~ /^02:00:00:00:20:1/ { print $1 }' | sort | xargs
}
show() { h port show eth0 | sed 's/ *learned.*//'; }

for ns in host lan vm1 vm2; do
	ip netns add "ul-$ns"
	in_ns "$ns" sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0
done
ip -n ul-host link add eth0 type veth peer name lan0 netns ul-lan
ip -n ul-host link set lo up
ip -n ul-host link set eth0 address $HOST_MAC up
ip -n ul-host addr add 10.20.0.2/24 dev eth0
ip -n ul-host addr add fd20::2/64 dev eth0 nodad
ip -n ul-lan link set lan0 address $LAN_MAC up
ip -n ul-lan addr add 10.20.0.1/24 dev lan0
ip -n ul-lan addr add fd20::1/64 dev lan0 nodad
for i in 1 2; do
	ip -n ul-host link add vp$i type veth peer name eth0 netns ul-vm$i
	ip -n ul-host link set vp$i up
	mac=VM${i}_MAC
	ip -n ul-vm$i link set eth0 address "${!mac}" up
	h port add vp$i net 0/lab user 100$i
done
ip -n ul-vm1 addr add 10.20.0.11/24 dev eth0
ip -n ul-vm1 addr add fd20::11/64 dev eth0 nodad
cat >"$tmp/udhcpd.conf" <<EOF
start 10.20.0.100
end 10.20.0.109
interface lan0
lease_file $tmp/leases
pidfile $tmp/udhcpd.pid
option subnet 255.255.255.0
option router 10.20.0.1
EOF
touch "$tmp/leases"
ip netns exec ul-lan busybox udhcpd -f "$tmp/udhcpd.conf" >"$tmp/udhcpd.log" 2>&1 &
pids+=($!)

# busybox nc ends at the end of its input: a listener's is a FIFO held open.
mkfifo "$tmp/fifo" "$tmp/hold"
exec 8<>"$tmp/hold"
listen() { # listen NS PORT OUT: a TCP listener in the background ($!)
	ip netns exec "ul-$1" busybox nc -l -p "$2" <"$tmp/hold" >"$3" &
	pids+=($!)
	for _ in $(seq 50); do in_ns "$1" ss -Hltn | grep -q ":$2 " && return; sleep 0.1; done
}
# The host's TCP stream to the LAN: a line before, during and after the uplink.
listen lan 7000 "$tmp/stream"
listen_pid=$!
ip netns exec ul-host busybox nc 10.20.0.1 7000 <"$tmp/fifo" &
sender_pid=$!
pids+=("$sender_pid")
# A sender gone must fail the stream check, not end the test.
trap "" PIPE
exec 7>"$tmp/fifo"
echo before >&7
sleep 0.3

expect_eq "before: the NIC is not promiscuous" "promiscuity 0" "$(promiscuity)"
h port add eth0 net lab uplink
expect_eq "port add eth0 net lab uplink exits 0" 0 $?
echo during >&7
expect_eq "port show: an uplink, and the NIC (a veth, no unicast filter) promiscuous" \
	"eth0             net lab              up    promisc off  uplink filter promisc  user 0" \
	"$(show)"
expect_eq "JSON: uplink true, its filter" "True promisc" \
	"$(h -j port show eth0 | json_eval "j[0]['uplink'], j[0]['uplink_filter']" | tr -d "(),'")"
expect_eq "JSON: a VM's port is no uplink" "False" \
	"$(h -j port show vp1 | json_eval "j[0]['uplink']")"
expect_eq "the host keeps its address" "10.20.0.2/24" \
	"$(ip -n ul-host -4 -o addr show dev eth0 | awk '{ print $4 }')"
check "host -> LAN ping with the uplink" ping_ok host 10.20.0.1

# VMs and the LAN
check "VM -> LAN ping (IPv4)" ping_ok vm1 10.20.0.1
check "LAN -> VM ping (IPv4)" ping_ok lan 10.20.0.11
check "VM -> LAN ping (IPv6: neighbour discovery both ways)" ping_ok vm1 fd20::1
check "LAN -> VM ping (IPv6)" ping_ok lan fd20::11
expect_eq "the LAN's router is learned behind the uplink" "eth0" \
	"$(h fdb show net lab | awk -v m=$LAN_MAC '$1 == m { print $3 }')"
cat >"$tmp/udhcpc.sh" <<'SH'
#!/bin/sh
case "$1" in
deconfig) ip -4 addr flush dev "$interface" ;;
bound | renew) ip addr add "$ip/$subnet" dev "$interface" ;;
esac
exit 0
SH
chmod 0755 "$tmp/udhcpc.sh"
in_ns vm2 busybox udhcpc -i eth0 -n -q -t 4 -T 1 -s "$tmp/udhcpc.sh" >"$tmp/udhcpc" 2>&1
vm2=$(ip -n ul-vm2 -4 -o addr show dev eth0 | awk '{ print $4 }')
check "VM 2 gets its address from the LAN's DHCP server (10.20.0.100-109/24: $vm2)" \
	grep -qx '10\.20\.0\.10[0-9]/24' <<<"$vm2"
vm2=${vm2%/*}
check "... and pings the router with it" ping_ok vm2 10.20.0.1

# Host and VMs, with captures on the wire (the LAN's end) and in VM 1.
ef() { local ns=$1; shift; ip netns exec "ul-$ns" "$build/selftests/helpers/ethframes" "$@"; }
capture() { # capture NS IFACE A B OUT [both]: frames A -> B, in the background until stopped
	ip netns exec "ul-$1" "$build/selftests/helpers/ethframes" count "$2" "$3" "$4" ${6:+"$6"} >"$5" &
	pids+=($!)
	cap_pids+=($!)
	for _ in $(seq 100); do grep -q ready "$5" && return; sleep 0.05; done
}
cap_pids=()
capture lan lan0 $HOST_MAC $VM1_MAC,$VM2_MAC "$tmp/wire" both
capture vm1 eth0 $LAN_MAC $OTHER_MAC "$tmp/lanlan" both
check "host -> VM ping" ping_ok host 10.20.0.11
check "VM -> host ping" ping_ok vm1 10.20.0.2
check "host -> VM ping (IPv6)" ping_ok host fd20::11
# VLAN 10 between host and VM 1: tagged both ways, as over a trunk, and not on the wire.
ip -n ul-host link add link eth0 name eth0.10 type vlan id 10
ip -n ul-vm1 link add link eth0 name eth0.10 type vlan id 10
ip -n ul-host addr add 10.30.0.2/24 dev eth0.10
ip -n ul-vm1 addr add 10.30.0.11/24 dev eth0.10
ip -n ul-host link set eth0.10 up
ip -n ul-vm1 link set eth0.10 up
check "host -> VM ping on VLAN 10 (the host's tagged frames to the VM)" ping_ok host 10.30.0.11
check "VM -> host ping on VLAN 10 (the VM's tagged frames to the host)" ping_ok vm1 10.30.0.2
ip -n ul-host link del eth0.10
ip -n ul-vm1 link del eth0.10
listen vm1 7001 "$tmp/tcp-vm"
nc_pid=$!
echo to-the-vm | in_ns host timeout 10 busybox nc 10.20.0.11 7001
wait $nc_pid
expect_eq "TCP host -> VM" to-the-vm "$(cat "$tmp/tcp-vm")"
listen host 7002 "$tmp/tcp-host"
nc_pid=$!
echo to-the-host | in_ns vm1 timeout 10 busybox nc 10.20.0.2 7002
wait $nc_pid
expect_eq "TCP VM -> host" to-the-host "$(cat "$tmp/tcp-host")"
# LAN to LAN: the router to another station of its LAN (the wire brings it to eth0).
in_ns lan ip neigh replace 10.20.0.99 lladdr $OTHER_MAC dev lan0 nud permanent
in_ns lan ping -q -c 3 -i 0.2 -W 1 10.20.0.99 >/dev/null 2>&1
sleep 0.3
kill "${cap_pids[@]}"
wait "${cap_pids[@]}"
expect_eq "the wire carried no host <-> VM frame" 0 "$(tail -1 "$tmp/wire")"
expect_eq "LAN-to-LAN unicast did not reach a VM" 0 "$(tail -1 "$tmp/lanlan")"
expect_eq "the host's MAC is learned behind the uplink" "eth0" \
	"$(h fdb show net lab | awk -v m=$HOST_MAC '$1 == m { print $3 }')"
sleep 0.2
expect_eq "the VMs' MACs are in the NIC's unicast list" "$VM1_MAC $VM2_MAC" "$(uc_list)"
expect_eq "... which made it promiscuous, once" "promiscuity 1" "$(promiscuity)"

# Stations keep their side (what issue 19's red team broke): the LAN's and the host's
# MACs stay behind the uplink while their entries live, the VMs' behind their ports; a
# frame claiming one from the other side is dropped (mac-locked).
behind() { h fdb show net lab | awk -v m="$1" '$1 == m { print $3 }'; }
locked() { h -s port show "$1" | grep -o 'mac-locked [0-9]*'; }
stopped() { kill "${cap_pids[@]}"; wait "${cap_pids[@]}"; cap_pids=(); }
capture vm1 eth0 $HOST_MAC,$VM2_MAC $LAN_MAC,$HOST_MAC "$tmp/stolen"
capture lan lan0 $HOST_MAC,$VM2_MAC $VM1_MAC "$tmp/wire"
ef vm1 send eth0 $LAN_MAC ff:ff:ff:ff:ff:ff 88b5 5
expect_eq "alice's VM sends 5 frames from the LAN router's MAC: all dropped" "mac-locked 5" \
	"$(locked vp1)"
expect_eq "... the router stays behind the uplink" eth0 "$(behind $LAN_MAC)"
check "... and the host reaches it" ping_ok host 10.20.0.1
ef vm1 send eth0 $HOST_MAC ff:ff:ff:ff:ff:ff 88b5 5
expect_eq "... 5 from the host's MAC: dropped" "mac-locked 10" "$(locked vp1)"
expect_eq "... the host stays behind the uplink" eth0 "$(behind $HOST_MAC)"
check "... and bob's VM reaches the host" ping_ok vm2 10.20.0.2
ef lan send lan0 $VM1_MAC $VM2_MAC 88b5 5
expect_eq "a LAN station sends 5 frames from alice's VM's MAC: dropped at the uplink" \
	"mac-locked 5" "$(locked eth0)"
expect_eq "... her VM stays behind her port" vp1 "$(behind $VM1_MAC)"
check "... the host reaches it" ping_ok host 10.20.0.11
check "... bob's VM too" ping_ok vm2 10.20.0.11
stopped
expect_eq "no frame of the host's or bob's to the router or the host reached alice's VM" 0 \
	"$(tail -1 "$tmp/stolen")"
expect_eq "no frame of the host's or bob's to alice's VM reached the wire" 0 "$(tail -1 "$tmp/wire")"
h fdb del $HOST_MAC net lab
ef vm1 send eth0 $HOST_MAC ff:ff:ff:ff:ff:ff 88b5 1
expect_eq "the host's MAC unknown to the FDB: a VM's frame from it is dropped, not learned" \
	"mac-locked 11 0" "$(locked vp1) $(behind $HOST_MAC | grep -c vp1)"
# The LAN's stations are learned from their frames to the host too (a router may talk
# to the host alone, by unicast), and those the host has as neighbours do not age: a VM
# cannot take a quiet router's MAC (issue 19's red teams 2 and 3, K).
in_ns host ip neigh replace 10.20.0.97 lladdr $PEER_MAC dev eth0 nud permanent
ef lan send lan0 $PEER_MAC $HOST_MAC 88b5 1
ef lan send lan0 $QUIET_MAC $HOST_MAC 88b5 1
expect_eq "two LAN stations' unicast to the host alone: both learned behind the uplink" \
	"eth0 eth0" "$(behind $PEER_MAC) $(behind $QUIET_MAC)"
ef lan send lan0 $VM1_MAC $HOST_MAC 88b5 2
expect_eq "a LAN station's unicast to the host from alice's VM's MAC leaves it behind her port" \
	vp1 "$(behind $VM1_MAC)"
h net set lab ageing 1
sleep 3
expect_eq "ageing 1 s, 3 s later: the station the host has no neighbour for aged out; the router, the host's neighbour and alice's quiet VM, which the host knows, stay" \
	"- eth0 eth0 vp1" \
	"$(behind $QUIET_MAC | grep . || echo -) $(behind $LAN_MAC) $(behind $PEER_MAC) $(behind $VM1_MAC)"
ef lan send lan0 $VM1_MAC ff:ff:ff:ff:ff:ff 88b5 2
expect_eq "... where a LAN station's broadcasts from her VM's MAC do not take it" vp1 "$(behind $VM1_MAC)"
capture vm1 eth0 $HOST_MAC $LAN_MAC,$PEER_MAC "$tmp/stolen"
capture lan lan0 $HOST_MAC $PEER_MAC "$tmp/wire"
n0=$(locked vp1)
ef vm1 send eth0 $LAN_MAC ff:ff:ff:ff:ff:ff 88b5 2
ef vm1 send eth0 $PEER_MAC ff:ff:ff:ff:ff:ff 88b5 2
expect_eq "alice's VM sends 4 frames from their MACs: dropped" "mac-locked $((${n0#mac-locked } + 4))" \
	"$(locked vp1)"
check "... the host reaches its router" ping_ok host 10.20.0.1
in_ns host ping -q -c 2 -i 0.2 -W 1 10.20.0.97 >/dev/null 2>&1
sleep 0.2
stopped
expect_eq "... its 2 echo requests to the other went to the wire" 2 "$(tail -1 "$tmp/wire")"
expect_eq "... and none of the host's frames to either reached alice's VM" 0 "$(tail -1 "$tmp/stolen")"
in_ns host ip neigh del 10.20.0.97 dev eth0
sleep 3
expect_eq "the host forgets the neighbour: its entry ages out" "-" "$(behind $PEER_MAC | grep . || echo -)"
h fdb add $QUIET_MAC dev eth0
ef vm1 send eth0 $QUIET_MAC ff:ff:ff:ff:ff:ff 88b5 1
expect_eq "a station pinned behind the uplink by an administrator stays there against a VM's frame" \
	eth0 "$(behind $QUIET_MAC)"
h fdb del $QUIET_MAC net lab
h net set lab ageing 300
ping_ok vm1 10.20.0.1
ping_ok vm2 10.20.0.1
# Reflection: alice's VM past her FDB share (fdb-max 64: 32 a user) floods from fresh
# MACs. The host gets its copy of each frame, whose source the network did not learn;
# the copy, which goes through the NIC's receive path, must not come back into the
# network as the LAN's, flood again and be learned behind the uplink in the
# administrator's share.
h net set lab fdb-max 64
capture vm2 eth0 06:00:00:00:00:77 ff:ff:ff:ff:ff:ff "$tmp/twice"
capture host eth0 06:00:00:00:00:77 ff:ff:ff:ff:ff:ff "$tmp/host-copy"
ef vm1 send eth0 random ff:ff:ff:ff:ff:ff 88b5 80
ef vm1 send eth0 06:00:00:00:00:77 ff:ff:ff:ff:ff:ff 88b5 1
sleep 0.2
stopped
expect_eq "80 fresh MACs of alice's: 31 learned behind her port, none behind the uplink" "31 0" \
	"$(h fdb show net lab | awk '$1 ~ /^06:00:/ { n[$3]++ } END { print n["vp1"] + 0, n["eth0"] + 0 }')"
expect_eq "bob's VM gets a broadcast of alice's unlearned MAC once" 1 "$(tail -1 "$tmp/twice")"
expect_eq "... and the host once" 1 "$(tail -1 "$tmp/host-copy")"
h fdb flush dev vp1
h net set lab fdb-max 16384

# Broadcast and multicast reach host and VMs
repliers() { # repliers NS ADDR: who answered a ping to a broadcast or multicast ADDR
	in_ns "$1" ping -i 0.3 -w 2 "${@:3}" "$2" 2>/dev/null |
		sed -n 's/^[0-9]* bytes from \([^ ]*\) .*/\1/p' | sed 's/%.*//; s/:$//' | sort -u | xargs
}
sorted() { printf '%s\n' "$@" | sort | xargs; }
expect_eq "the LAN's IPv4 broadcast reaches host and VMs" "$(sorted 10.20.0.2 10.20.0.11 "$vm2")" \
	"$(repliers lan 10.20.0.255 -b)"
expect_eq "the host's IPv4 broadcast reaches the LAN and the VMs (and the host)" \
	"$(sorted 10.20.0.1 10.20.0.2 10.20.0.11 "$vm2")" "$(repliers host 10.20.0.255 -b)"
ll() { ip -n "ul-$1" -6 -o addr show dev "$2" scope link | awk '{ print $4 }' | cut -d/ -f1; }
expect_eq "the LAN's all-nodes multicast reaches host and VMs" \
	"$(sorted "$(ll host eth0)" "$(ll vm1 eth0)" "$(ll vm2 eth0)")" \
	"$(repliers lan ff02::1 -I lan0)"

# Refusals
ip -n ul-host link add ul-d1 type dummy
ip -n ul-host link add ul-d2 type dummy
ip -n ul-host link add ul-br type bridge
ip -n ul-host link set ul-d2 master ul-br
expect_eq "not by a user" "intnet: only an administrator can attach an uplink" \
	"$(ip netns exec ul-host setpriv --reuid=1001 --regid=1001 --clear-groups intnetctl port add ul-d1 net lab2 uplink 2>&1)"
expect_eq "one uplink per network" "intnet: the network already has an uplink" \
	"$(h port add ul-d1 net lab uplink 2>&1)"
expect_eq "not a bridge member" \
	"intnet: the device is already attached to a bridge, bond or other switch" \
	"$(h port add ul-d2 net lab2 uplink 2>&1)"
expect_eq "not a loopback" "intnet: a loopback device cannot be a port" \
	"$(h port add lo net lab2 uplink 2>&1)"
expect_eq "not a port already" "intnet: the device is already a port" \
	"$(h port add vp1 net lab2 uplink 2>&1)"
expect_eq "not promiscuous: the network's frames would go to the wire" \
	"intnet: an uplink cannot be promiscuous: the network's frames would go to the wire" \
	"$(h port set eth0 promisc on 2>&1)"
expect_eq "... nor made so when attached" \
	"intnet: an uplink cannot be promiscuous: the network's frames would go to the wire" \
	"$(h port add ul-d1 net lab2 uplink promisc on 2>&1)"
expect_eq "not MAC-locked: it carries its LAN's MACs" \
	"intnet: an uplink carries its LAN's MACs: it cannot be locked to one" \
	"$(h port set eth0 lock-mac $HOST_MAC 2>&1)"
expect_eq "not IP-locked" \
	"intnet: an uplink carries its LAN's addresses: it cannot be locked to some" \
	"$(h port set eth0 lock-ip 10.20.0.2 2>&1)"
expect_eq "the uplink's options unchanged (isolated and unlocks may be set)" "promisc off lock-mac off" \
	"$(h port set eth0 isolated off lock-mac off && h -j port show eth0 |
		json_eval "'promisc', 'on' if j[0]['promisc'] else 'off', 'lock-mac', j[0].get('lock_mac') or 'off'" | tr -d "(),'")"
expect_eq "the refusals changed nothing" "eth0 vp1 vp2" "$(h port show | awk '{ print $1 }' | sort | xargs)"

# Detach under traffic: the NIC as it was, the stream going on.
ip netns exec ul-vm1 ping -q -i 0.05 10.20.0.1 >/dev/null 2>&1 &
pids+=($!)
traffic_pid=$!
h port del eth0
expect_eq "port del exits 0" 0 $?
echo after >&7
expect_eq "detached: no MAC of ours left in the NIC's unicast list" "" "$(uc_list)"
expect_eq "... and not promiscuous" "promiscuity 0" "$(promiscuity)"
check "the host still pings the LAN" ping_ok host 10.20.0.1
check "a VM no longer reaches the LAN" sh -c '! ip netns exec ul-vm1 ping -c 1 -W 1 10.20.0.1 >/dev/null 2>&1'
for _ in $(seq 50); do [ "$(wc -l <"$tmp/stream")" -ge 3 ] && break; sleep 0.1; done
# (Background jobs hold the FIFO too: the sender sees no end of input.)
check "the host's connection is still open" kill -0 "$sender_pid"
exec 7>&-
kill "$sender_pid" "$listen_pid"
expect_eq "the host's TCP stream kept going across attach and detach" "before during after" \
	"$(xargs <"$tmp/stream")"

# rmmod under traffic, with an uplink attached
h port add eth0 net lab uplink
check "attached again: a VM pings the LAN" ping_ok vm1 10.20.0.1
ip netns exec ul-host ping -q -i 0.05 10.20.0.1 >/dev/null 2>&1 &
pids+=($!)
check "rmmod under traffic" rmmod intnet
expect_eq "the module gone: not promiscuous" "promiscuity 0" "$(promiscuity)"
expect_eq "... no MAC of ours in the unicast list" "" "$(uc_list)"
check "the host still pings the LAN" ping_ok host 10.20.0.1
check "insmod again" insmod "$INTNET_KO"

# The device deleted under traffic
for i in 1 2; do h port add vp$i net lab; done
h port add eth0 net lab uplink
check "attached again: the LAN pings a VM" ping_ok lan 10.20.0.11
ip -n ul-host link del eth0
expect_eq "deleting the NIC removes its port" "vp1 vp2" "$(h port show | awk '{ print $1 }' | sort | xargs)"
kill "$traffic_pid"
finish
