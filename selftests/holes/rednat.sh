#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# KNOWN HOLES, NOT PART OF make check: issue 18 stays open until each check here passes
# and moves to selftests/nat.sh. Run it in a guest by hand:
#   make vm LANE=6.12 CMD='selftests/holes/rednat.sh'
# (The lone-fragment crash is fixed: intnet-nat passes libslirp no IPv4 fragment. Fixed
# and moved to nat.sh's issue 18 block: the host's loopback as alice, ARP and gateway MAC
# takeover, leases taken by made-up DHCP clients, fds used up by one VM's UDP flows.)
# Red team of intnet-nat: what bob (1002), a local user with a VM port on alice's
# (1001) public network lab, can do to or through the gateway alice runs there with
# "intnet-nat lab hostfwd=tcp:127.0.0.1:2222-:22". Every check asserts the SECURE
# behaviour: a "not ok" is a hole. Set up as selftests/nat.sh does (the helper as
# installed, its ACL, VMs as namespaces behind veths root attaches; bob's with
# "user 1002", what bob gets by attaching his own TAP to the public network).
#   - bad options that QEMU refuses (dns = host, dhcpstart = host, host inside the
#     leases, ipv6-host outside ipv6-net, 300-byte hostname/domainname, empty
#     domainname) are taken: a TAP is asked for instead of exit 2;
#   - bob's VM answering the ARP probe keeps alice's gateway from starting;
#   - one lone IPv4 fragment from bob's VM kills the gateway (libslirp 4.7.0, SIGBUS);
#   - root's intnet-nat keeps libslirp and the VMs' sockets root's (no privilege drop);
#   - intnet-nat@1002-lab.service (alice's network "1002-lab") joins bob's 1002/lab.
. "$(dirname "$0")/../lib.sh"

repo=$(cd "$(dirname "$0")/../.." && pwd)
NAT=$repo/userland/intnet-nat
ALICE=1001 BOB=1002
LIBEXEC=/usr/local/libexec/intnet-qemu-helper
ACL=/etc/intnet/qemu-helper.conf
build=${BUILD:-$repo/build}

plan 13
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
at_exit del_nets 1001/lab 1001/1002-lab 1002/lab
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
printf 'allow lab\nallow 1002-lab\n' >"$ACL"
chmod 0666 /dev/net/tun

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
if mode == "arpanswer":  # arpanswer IFACE IP SECS: answer every ARP who-has IP (probes too)
    s.settimeout(0.2)
    end = time.time() + float(args[1]); n = 0
    print("ready", flush=True)
    while time.time() < end:
        try: f = s.recv(2048)
        except socket.timeout: continue
        if f[12:14] == b"\x08\x06" and f[20:22] == b"\0\x01" and f[38:42] == ip4(args[0]):
            s.send(f[6:12] + mac + b"\x08\x06" + struct.pack("!HHBBH", 1, 0x0800, 6, 4, 2) + mac + ip4(args[0]) + f[22:28] + f[28:32])
            n += 1
    print("answered", n, flush=True)
elif mode == "frag":  # frag IFACE: one IPv4 fragment alone (the last, offset 800) to the gateway
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 120, 7, 100, 64, 17, 0, ip4("10.0.2.99"), ip4("10.0.2.2"))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    s.send(b"\x52\x55\x0a\x00\x02\x02" + mac + b"\x08\x00" + h + b"\xab" * 100)
PY
# Servers and clients: on the host's loopback a TCP server that answers with the uid
# of the socket that connected (as identd would) and a UDP echo; a client for VMs.
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
def tcp():
    try:
        s = socket.create_connection((args[0], int(args[1])), timeout=float(args[2]) if len(args) > 2 else 5)
        print(s.recv(100).decode().strip() or "nothing")
    except Exception as e: print("error:", e)
globals()[mode]()
PY
in_vm() { local vm=$1; shift; ip netns exec "$vm" "$@"; }
frames() { local vm=$1; shift; ip netns exec "$vm" python3 "$tmp/frames.py" "$1" eth0 "${@:2}"; }
wait_ready() { for _ in $(seq 50); do grep -q ready "$1" && return 0; sleep 0.1; done; return 1; }

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

# ---- Options QEMU refuses, taken: exit 2 expected before any TAP is asked for ----
bad() { # bad DESC ARGS...: helper=/bin/false shows whether a TAP was asked for
	local desc=$1 out rc
	shift
	out=$(as_uid $ALICE "$NAT" lab helper=/bin/false "$@" 2>&1)
	rc=$?
	if [ $rc = 2 ]; then
		ok "bad option refused with exit 2: $desc"
	else
		not_ok "bad option refused with exit 2: $desc"
		echo "#   exit $rc: $(head -1 <<<"$out")"
	fi
}
long=$(printf 'x%.0s' $(seq 300))
bad "dns= the host's address (QEMU: DNS must be different from host)" dns=10.0.2.2
bad "dhcpstart= the host's address (QEMU: DHCP must be different from host)" dhcpstart=10.0.2.2
bad "host= inside the 16 leases (10.0.2.20: handed to a VM too)" host=10.0.2.20
bad "ipv6-host= outside ipv6-net (QEMU: IPv6 Host doesn't belong to network)" ipv6-host=2001:db8::1
bad "domainname= of 300 bytes (QEMU: at most 255; DHCP option length is a byte)" "domainname=$long"
bad "domainname= empty (QEMU: cannot be empty)" domainname=

# ---- bob's VM answers the startup ARP probe: alice's gateway will not start ----
frames rbob arpanswer 10.0.2.2 8 >"$tmp/arpanswer.log" 2>&1 &
answerer=$!
pids+=("$answerer")
wait_ready "$tmp/arpanswer.log"
if start_nat "$tmp/nat0.log" lab; then
	ok "alice's gateway starts though bob's VM answers its ARP probe for 10.0.2.2"
	stop_nat
else
	not_ok "alice's gateway starts though bob's VM answers its ARP probe for 10.0.2.2"
	sed 's/^/#   /' "$tmp/nat0.log"
fi
wait "$answerer" 2>/dev/null
echo "# bob's VM: $(tail -1 "$tmp/arpanswer.log")"

# bob's VM: an address of its own outside the leases, the gateway as its router.
ip -n rbob addr add 10.0.2.99/24 dev eth0
ip -n rbob route add default via 10.0.2.2

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

# ---- root's gateway (tap= or its own TAP): libslirp and its sockets stay root's ----
"$NAT" 1001/lab probe=off >"$tmp/nat3.log" 2>&1 &
root_pid=$!
pids+=("$root_pid")
for _ in $(seq 100); do grep -q "gateway for" "$tmp/nat3.log" && break; sleep 0.1; done
check "root's intnet-nat starts on alice's lab (its own TAP, intnetctl port add)" grep -q "gateway for" "$tmp/nat3.log"
echo "# root's intnet-nat runs as uid $(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$root_pid/status")"
out=$(in_vm rbob timeout 20 python3 "$tmp/peer.py" tcp 10.0.2.2 7001 2>&1 | tail -1)
echo "# bob's VM to 10.0.2.2:7001 through root's gateway: $out"
check "bob's VM's connections through root's gateway are not root's (uid 0)" test "$out" != "uid 0"
kill "$root_pid" 2>/dev/null
wait "$root_pid" 2>/dev/null

# ---- the systemd unit: alice's network "1002-lab" as intnet-nat@1002-lab ----
as_uid $BOB intnetctl net add lab public
as_uid $ALICE intnetctl net add 1002-lab
# ExecStart as systemd runs it: %I is the instance unescaped (systemd-escape -u:
# "-" is "/"), %h alice's home, $$ a $; intnet-nat from this tree.
inst=1002-lab
unesc=$(systemd-escape -u "$inst" 2>/dev/null || echo "${inst//-//}")
cmd=$(sed -n 's/^ExecStart=//p' "$repo/systemd/intnet-nat@.service")
cmd=${cmd//\$\$/\$}
cmd=${cmd//\/usr\/local\/bin\/intnet-nat/$NAT}
cmd=${cmd//%I/$unesc}
cmd=${cmd//%h/$tmp/home}
eval "set -- $cmd"
setpriv --reuid=$ALICE --regid=$ALICE --clear-groups "$@" >"$tmp/unit.log" 2>&1 &
unit_pid=$!
pids+=("$unit_pid")
for _ in $(seq 100); do grep -q "gateway for\|no TAP" "$tmp/unit.log" && break; sleep 0.1; done
sed 's/^/# /' "$tmp/unit.log"
check "intnet-nat@1002-lab.service serves alice's 1002-lab, not bob's 1002/lab" \
	bash -c "! grep -q 'gateway for 1002/lab' '$tmp/unit.log'"
kill $unit_pid 2>/dev/null
wait $unit_pid 2>/dev/null
finish
