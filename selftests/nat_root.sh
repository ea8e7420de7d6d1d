#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The root alternative to intnet-nat that README's "NAT and DHCP" shows, for those who
# want the host's kernel to route: a host port on the network with the gateway's
# address, dnsmasq for DHCP and DNS on it, nftables masquerading what leaves. A VM
# gets a lease, a route and a DNS server, reaches a server beyond the host (a
# namespace behind a second veth) which sees the host's address, and resolves a
# name dnsmasq knows.
. "$(dirname "$0")/lib.sh"

plan 6
load_module
skip_all() {
	for _ in 1 2 3 4 5 6; do ok "# SKIP $1"; done
	finish
}
command -v dnsmasq >/dev/null && command -v nft >/dev/null || skip_all "no dnsmasq or nft (make deps)"
# The debug lane's kernel is built without netfilter.
nft list tables >/dev/null 2>&1 || skip_all "this kernel has no nf_tables"

tmp=$(mktemp -d)
pids=()
at_exit rm -rf "$tmp"
at_exit nft delete table ip intnet_nat
at_exit del_nets rlab
at_exit del_links rv1 rout0 rhost0
at_exit del_netns rvm1 rout
at_exit_late 'stop_pids "${pids[@]}"'
at_exit sysctl -qw net.ipv4.ip_forward="$(sysctl -n net.ipv4.ip_forward)"

# The network with a VM and the host's port on it; the "internet" behind rout0.
intnetctl net add rlab
ip netns add rvm1
ip -n rvm1 link set lo up
ip link add rv1 type veth peer name eth0 netns rvm1
ip -n rvm1 link set eth0 address 02:00:00:00:0b:01 up
ip link set rv1 up
intnetctl port add rv1 net rlab
ip netns add rout
ip link add rout0 type veth peer name eth0 netns rout
ip addr add 198.51.100.1/24 dev rout0
ip link set rout0 up
ip -n rout addr add 198.51.100.2/24 dev eth0
ip -n rout link set eth0 up

# What README shows, as root.
intnetctl host add rhost0 net rlab
ip addr add 10.0.9.1/24 dev rhost0
sysctl -qw net.ipv4.ip_forward=1
nft -f - <<'NFT'
table ip intnet_nat {
	chain postrouting {
		type nat hook postrouting priority srcnat;
		ip saddr 10.0.9.0/24 oifname != "rhost0" counter masquerade
	}
}
NFT
dnsmasq --keep-in-foreground --interface=rhost0 --bind-interfaces --except-interface=lo \
	--dhcp-range=10.0.9.50,10.0.9.150,12h --no-resolv --no-hosts \
	--address=/vm.intnet.test/192.0.2.77 --pid-file="$tmp/dnsmasq.pid" \
	--dhcp-leasefile="$tmp/leases" --log-dhcp >"$tmp/dnsmasq.log" 2>&1 &
pids+=($!)
sleep 1

cat >"$tmp/udhcpc.sh" <<'SH'
#!/bin/sh
case "$1" in
deconfig) ip addr flush dev "$interface"; ip link set "$interface" up ;;
bound|renew)
	ip addr add "$ip/$subnet" dev "$interface"
	ip route replace default via "${router%% *}" dev "$interface"
	echo "$dns" >"$DNSFILE"
	;;
esac
SH
chmod 0755 "$tmp/udhcpc.sh"
DNSFILE=$tmp/dns ip netns exec rvm1 busybox udhcpc -i eth0 -n -q -t 4 -T 1 -s "$tmp/udhcpc.sh" >"$tmp/udhcpc" 2>&1
sed 's/^/# /' "$tmp/udhcpc"
lease=$(ip -n rvm1 -4 -o addr show dev eth0 | awk '{ print $4 }')
check "the VM gets a lease from dnsmasq ($lease)" grep -q '^10\.0\.9\.[0-9]*/24$' <<<"$lease"
expect_eq "its default route is the host port" 10.0.9.1 \
	"$(ip -n rvm1 route show default | awk '{ print $3 }')"
expect_eq "its DNS server is the host port" 10.0.9.1 "$(cat "$tmp/dns" 2>/dev/null)"

# A server beyond the host: it sees the host's address (masquerade), not the VM's.
cat >"$tmp/srv.py" <<'PY'
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 7003)); s.listen(1); print("ready", flush=True)
c, a = s.accept(); c.sendall(b"hello " + a[0].encode() + b"\n"); c.close()
PY
ip netns exec rout timeout 30 python3 "$tmp/srv.py" >"$tmp/srv.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do grep -q ready "$tmp/srv.log" && break; sleep 0.1; done
got=$(ip netns exec rvm1 timeout 10 busybox nc 198.51.100.2 7003 </dev/null 2>&1)
expect_eq "the VM reaches a server beyond the host, masqueraded" "hello 198.51.100.1" "$got"
out=$(ip netns exec rvm1 timeout 10 busybox nslookup vm.intnet.test 10.0.9.1 2>&1)
check "the VM resolves a name through dnsmasq" grep -q 192.0.2.77 <<<"$out"
n=$(nft list table ip intnet_nat | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
check "nftables masqueraded the connection (rule counter: ${n:-none} packets)" test "${n:-0}" -gt 0
finish
