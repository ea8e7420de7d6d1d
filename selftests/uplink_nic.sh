#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An uplink on a NIC that filters unicast (issue 19): the guest's two virtio-net NICs
# sit on one QEMU hub (vm.sh), a wire whose far end is the LAN (namespace un-lan).
# QEMU's virtio-net keeps a MAC table for the guest's driver and drops every unicast
# frame it does not list unless the NIC is promiscuous, as a real NIC does. The uplink
# tells that table the VMs' MACs: port show says "filter unicast", the NIC never turns
# promiscuous, a LAN station reaches the VM, and frames to other MACs never reach the
# host. Detached, the VM's MAC leaves the table: its frames stop at the NIC again.
# A wireless station (mac80211_hwsim's) is refused as an uplink, saying why.
. "$(dirname "$0")/lib.sh"

plan 19
load_module

HOST_NIC_MAC=52:54:00:1a:00:01
LAN_NIC_MAC=52:54:00:1a:00:02
VM_MAC=02:00:00:00:21:11
OTHER_MAC=02:00:00:00:21:99

fresh_netns un-host un-lan un-vm
at_exit del_nets labn

# Debian's kernels have virtio_net as a module, the debug kernel built in.
modprobe virtio_net
nic_of() { ip -o link show | awk -v m="$1" '$0 ~ "link/ether " m { sub(":$", "", $2); print $2 }'; }
host_nic=
for _ in $(seq 50); do
	host_nic=$(nic_of $HOST_NIC_MAC) lan_nic=$(nic_of $LAN_NIC_MAC)
	[ -n "$host_nic" ] && [ -n "$lan_nic" ] && break
	nap 0.1
done
check "the guest has both NICs of the wire ($host_nic, $lan_nic)" \
	test -n "$host_nic" -a -n "$lan_nic"

h() { ip netns exec un-host intnetctl "$@"; }
in_ns() { local ns=$1; shift; ip netns exec "un-$ns" "$@"; }
ping_ok() { in_ns "$1" ping -q -c 2 -i 0.2 -W 2 "$2" >/dev/null 2>&1; }
promiscuity() { ip -n un-host -d link show eth0 | grep -o 'promiscuity [0-9]*'; }
uc_list() { ip netns exec un-host bridge fdb show dev eth0 | awk '$1 ~ /^02:00:00:00:21:/ { print $1 }' | xargs; }
rx_packets() { ip netns exec un-host cat /sys/class/net/eth0/statistics/rx_packets; }
# send_to MAC: the LAN sends 10 pings to 10.21.0.99, its neighbour entry naming MAC.
send_to() {
	in_ns lan ip neigh replace 10.21.0.99 lladdr "$1" dev eth0 nud permanent
	in_ns lan ping -q -c 10 -i 0.05 -W 1 10.21.0.99 >/dev/null 2>&1
	nap 0.3
}

for ns in host lan vm; do ip netns add "un-$ns"; done
ip link set "$host_nic" netns un-host name eth0
ip link set "$lan_nic" netns un-lan name eth0
ip -n un-host link add vp1 type veth peer name eth0 netns un-vm
# No IPv6 and fixed neighbours: nothing but the test's own frames on the wire.
for ns in host lan vm; do
	in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip -n "un-$ns" link set lo up
done
ip -n un-host addr add 10.21.0.2/24 dev eth0
ip -n un-lan addr add 10.21.0.1/24 dev eth0
ip -n un-vm link set eth0 address $VM_MAC
ip -n un-vm addr add 10.21.0.11/24 dev eth0
for ns in host lan vm; do ip -n "un-$ns" link set eth0 up; done
ip -n un-host link set vp1 up
in_ns host ip neigh replace 10.21.0.1 lladdr $LAN_NIC_MAC dev eth0 nud permanent
in_ns lan ip neigh replace 10.21.0.2 lladdr $HOST_NIC_MAC dev eth0 nud permanent
in_ns lan ip neigh replace 10.21.0.11 lladdr $VM_MAC dev eth0 nud permanent
in_ns vm ip neigh replace 10.21.0.1 lladdr $LAN_NIC_MAC dev eth0 nud permanent
h port add vp1 net labn

check "host -> LAN ping over the wire, before the uplink" ping_ok host 10.21.0.1
before=$(rx_packets)
send_to $VM_MAC
expect_eq "before: the NIC drops the LAN's frames to the VM's MAC" 0 $(($(rx_packets) - before))

h port add eth0 net labn uplink
expect_eq "port show: an uplink on a NIC that filters unicast" \
	"eth0             net labn             up    promisc off  uplink filter unicast  user 0" \
	"$(h port show eth0 | sed 's/ *learned.*//')"
expect_eq "JSON: its filter" unicast "$(h -j port show eth0 | json_eval "j[0]['uplink_filter']")"
# The VM's first frame teaches the FDB its MAC, which the uplink gives the NIC.
check "VM -> LAN ping" ping_ok vm 10.21.0.1
expect_eq "the VM's MAC is in the NIC's unicast list" $VM_MAC "$(uc_list)"
expect_eq "... and the NIC is not promiscuous" "promiscuity 0" "$(promiscuity)"
check "LAN -> VM ping through the NIC's filter" ping_ok lan 10.21.0.11
check "host -> LAN ping with the uplink" ping_ok host 10.21.0.1
before=$(rx_packets)
send_to $OTHER_MAC
expect_eq "the NIC still drops the LAN's frames to a MAC of no VM" 0 $(($(rx_packets) - before))
expect_eq "... none was learned as a VM's" "" \
	"$(h fdb show net labn | awk -v m=$OTHER_MAC '$1 == m')"

h port del eth0
expect_eq "detached: the VM's MAC left the unicast list" "" "$(uc_list)"
expect_eq "... the NIC not promiscuous" "promiscuity 0" "$(promiscuity)"
before=$(rx_packets)
send_to $VM_MAC
expect_eq "... and it drops the LAN's frames to the VM's MAC again" 0 $(($(rx_packets) - before))
check "the host still pings the LAN" ping_ok host 10.21.0.1

# Wi-Fi: the debug kernel has no cfg80211 (and so no wireless device to refuse).
if [ "${INTNET_LANE:-}" = debug ]; then
	for _ in 1 2 3; do ok "# SKIP the debug kernel has no cfg80211: wireless runs on 6.1 and 6.12"; done
	finish
fi
check "a simulated Wi-Fi radio (mac80211_hwsim)" modprobe mac80211_hwsim radios=1
at_exit rmmod mac80211_hwsim
wlan=
for _ in $(seq 50); do
	wlan=$(basename "$(dirname /sys/class/net/*/phy80211)")
	[ "$wlan" != '*' ] && break
	nap 0.1
done
expect_eq "a wireless station is refused as an uplink, saying why" \
	"intnet: a wireless station cannot be an uplink: its access point accepts only the station's own MAC" \
	"$(intnetctl port add "$wlan" net labw uplink 2>&1)"
expect_eq "... and the refusal made no network" "[]" \
	"$(intnetctl -j net show | json_eval "[n['name'] for n in j if n['name'] == 'labw']")"
finish
