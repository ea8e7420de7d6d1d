#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# intnetctl tap: persistent TAPs made by root for a user (what VBoxTunctl did) and
# attached as ports; the user opens them without privileges, as
# `qemu -netdev tap,ifname=NAME,script=no,downscript=no` does, and is on the network.
# Every refusal leaves nothing behind.
. "$(dirname "$0")/lib.sh"

plan 41
load_module

ALICE=1001 BOB=1002 GROUP=1003
tmp=$(mktemp -d)
chmod 0755 "$tmp"
cleanup() {
	local d
	for d in tt1 tt2 tt3 tt4 tt5 ttd; do
		ip link del "$d" 2>/dev/null
	done
	intnetctl net del ttlab 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT


# The "VM": a user's program that opens persistent TAPs by name, as QEMU does.
#   tapio.py send TAP HEX | recv TAP ETHERTYPE SECS | hold TAP (until killed)
cat >"$tmp/tapio.py" <<'PY'
import fcntl, os, select, struct, sys, time
TUNSETIFF, IFF_TAP, IFF_NO_PI = 0x400454ca, 0x0002, 0x1000

def tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    try:
        fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    except OSError as e:
        print("open %s: %s" % (name, os.strerror(e.errno)))
        sys.exit(1)
    return fd

cmd, name = sys.argv[1], sys.argv[2]
fd = tap(name)
if cmd == "send":
    os.write(fd, bytes.fromhex(sys.argv[3]))
elif cmd == "recv":
    # The host's own traffic on the TAP (IPv6 ND, MLD) comes too: only TYPE counts.
    want, end = bytes.fromhex(sys.argv[3]), time.monotonic() + float(sys.argv[4])
    print("ready", flush=True)
    while time.monotonic() < end:
        if select.select([fd], [], [], max(0, end - time.monotonic()))[0]:
            f = os.read(fd, 65536)
            if f[12:14] == want:
                print(f.hex())
                sys.exit(0)
    print("nothing")
    sys.exit(1)
elif cmd == "hold":
    print("ready", flush=True)
    time.sleep(3600)
PY
# alice, in the TAP tt2's group; exec, so that a coproc's pid is the VM's.
tapio() { exec setpriv --reuid=$ALICE --regid=$ALICE --groups=$GROUP python3 "$tmp/tapio.py" "$@"; }
sysfs() { cat "/sys/class/net/$1/$2"; }
hex() { printf '%s' "$1" | od -v -An -tx1 | tr -d ' \n'; }
# receive TAP: alice's VM waits (10 s at most) for one frame of type 88b5 on TAP,
# into $tmp/recv ("ready", then the frame); returns once it listens.
receive() {
	local i
	: >"$tmp/recv"
	(tapio recv "$1" 88b5 10 >"$tmp/recv") &
	recv_pid=$!
	for i in $(seq 100); do
		[ -s "$tmp/recv" ] && return
		sleep 0.1
	done
}
links() { ip -o link show | awk -F': ' '{ print $2 }' | sort | tr '\n' ' '; }

# 1. root makes TAPs for alice on her network
intnetctl tap add tt1 net ttlab user $ALICE
expect_eq "tap add exits 0" 0 $?
expect_eq "the TAP belongs to alice" $ALICE "$(sysfs tt1 owner)"
expect_eq "it is a persistent TAP without packet info (tun_flags)" 0x1802 "$(sysfs tt1 tun_flags)"
check "it is up (the user cannot bring it up)" grep -q 'UP' <<<"$(ip -o link show tt1)"
expect_eq "it is alice's port on ttlab" \
	"tt1              net ttlab            up    promisc off  user 1001   learned 0" \
	"$(intnetctl port show tt1)"
intnetctl tap add tt2 net ttlab user $ALICE group $GROUP
expect_eq "tap add with a group exits 0" 0 $?
expect_eq "the group is set" "$GROUP" "$(sysfs tt2 group)"
expect_eq "alice outside the group may not open tt2 (owner and group both apply)" \
	"open tt2: Operation not permitted" "$(as_uid $ALICE python3 "$tmp/tapio.py" send tt2 00)"

# 2. alice, unprivileged, is on the network through them
frame=ffffffffffff02000000aa0188b5$(hex 'intnet tap test intnet tap test intnet tap test ')
receive tt2
expect_eq "alice opens tt2" ready "$(head -n 1 "$tmp/recv")"
(tapio send tt1 "$frame")
expect_eq "alice writes a broadcast frame into tt1" 0 $?
wait "$recv_pid"
expect_eq "it arrives on tt2, byte for byte" "$frame" "$(sed -n 2p "$tmp/recv")"
expect_eq "ttlab learned alice's MAC behind tt1" "02:00:00:00:aa:01  dev tt1" \
	"$(intnetctl fdb show net ttlab | awk '{ print $1 "  " $2 " " $3 }')"
uni=02000000aa0102000000aa0288b5$(hex 'back back back back back back back back back back ')
receive tt1
(tapio send tt2 "$uni")
wait "$recv_pid"
expect_eq "the answer to that MAC arrives on tt1" "$uni" "$(sed -n 2p "$tmp/recv")"
expect_eq "it was forwarded, not flooded (tt2's counters)" "1 1" \
	"$(intnetctl -j -s port show tt2 | python3 -c 'import json,sys; s=json.load(sys.stdin)[0]["stats"]; print(s["rx_packets"], s["rx_forwarded"])')"

# 3. bob may neither open alice's TAP nor make one
expect_eq "bob cannot open alice's TAP" "open tt1: Operation not permitted" \
	"$(as_uid $BOB python3 "$tmp/tapio.py" send tt1 "$frame")"
before=$(links)
expect_eq "bob cannot make a TAP" "intnetctl: cannot create TAP 'tt9': Operation not permitted" \
	"$(as_uid $BOB intnetctl tap add tt9 2>&1)"
expect_eq "... exit status 1, nothing made" "1 $before" "$(as_uid $BOB intnetctl tap add tt9 2>/dev/null; echo "$? $(links)")"

# 4. refusals leave nothing behind
expect_eq "a taken name is refused" "intnetctl: device 'tt1' exists" "$(intnetctl tap add tt1 2>&1)"
expect_eq "... exit 1, tt1 still alice's port" "1 1001" \
	"$(intnetctl tap add tt1 2>/dev/null; echo "$? $(intnetctl -j port show tt1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["user"])')")"
expect_eq "a network name the kernel refuses" \
	"intnet: a network name is 1 to 127 printable ASCII characters without spaces" \
	"$(intnetctl tap add tt3 net 'a b' user $ALICE 2>&1)"
expect_eq "... and the TAP is gone again" "1 $before" \
	"$(intnetctl tap add tt3 net 'a b' user $ALICE 2>/dev/null; echo "$? $(links)")"
expect_eq "a name with a slash is a usage error" 2 \
	"$(intnetctl tap add a/b >/dev/null 2>&1; echo $?)"
expect_eq "... with its reason" \
	"intnetctl: 'a/b' is not a device name (1 to 15 characters, no '/', ':' or space)" \
	"$(intnetctl tap add a/b 2>&1 | head -n 1)"
expect_eq "16 characters are too many" 2 \
	"$(intnetctl tap add abcdefghijklmnop >/dev/null 2>&1; echo $?)"
expect_eq "an unknown user" "intnetctl: no such user 'nosuchuser'" \
	"$(intnetctl tap add tt3 user nosuchuser 2>&1)"
expect_eq "an unknown group" "intnetctl: no such group 'nosuchgroup'" \
	"$(intnetctl tap add tt3 group nosuchgroup 2>&1)"
expect_eq "no device left by any of them" "$before" "$(links)"

# 5. options
intnetctl tap add tt4 net ttlab user $ALICE vnet-hdr multi-queue down promisc on
expect_eq "vnet-hdr and multi-queue (tun_flags)" 0x5902 "$(sysfs tt4 tun_flags)"
expect_eq "down and promiscuous" \
	"tt4              net ttlab            down  promisc on (inactive)  user 1001   learned 0" \
	"$(intnetctl port show tt4)"

# 6. tap del
coproc HOLD { tapio hold tt1; }
read -r line <&"${HOLD[0]}"
expect_eq "alice's VM holds tt1" ready "$line"
expect_eq "tap del of a TAP in use is refused" \
	"intnetctl: TAP 'tt1' is in use (stop the VM first)" "$(intnetctl tap del tt1 2>&1)"
expect_eq "... and it is still a port" "tt1" "$(intnetctl port show tt1 | awk '{ print $1 }')"
kill "$HOLD_PID"
wait "$HOLD_PID" 2>/dev/null
intnetctl tap del tt1
expect_eq "once the VM is gone, tap del exits 0" 0 $?
check "the device is gone" test ! -e /sys/class/net/tt1
expect_eq "the port is gone" "tt2 tt4" "$(intnetctl port show net ttlab | awk '{ print $1 }' | tr '\n' ' ' | sed 's/ $//')"
ip link add ttd type dummy
expect_eq "tap del of a dummy" "intnetctl: 'ttd' is not a TAP" "$(intnetctl tap del ttd 2>&1)"
expect_eq "tap del of nothing" "intnetctl: no such device 'tt1'" "$(intnetctl tap del tt1 2>&1)"
expect_eq "bob may not delete alice's TAP" "intnetctl: cannot open TAP 'tt2': Operation not permitted" \
	"$(as_uid $BOB intnetctl tap del tt2 2>&1)"
intnetctl tap del tt2 && intnetctl tap del tt4
expect_eq "ttlab, made by the first port, went with the last" "intnet: no such network" \
	"$(intnetctl net show ttlab 2>&1)"

# 7. help
expect_eq "help tap" "$(intnetctl tap help)" "$(intnetctl help tap)"
check "help tap shows tap add" grep -q '^  tap add DEV' <<<"$(intnetctl help tap)"
finish
