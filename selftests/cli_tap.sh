#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# intnetctl tap: persistent TAPs made by root for a user (what VBoxTunctl did) and
# attached as ports; the user opens them without privileges, as
# `qemu -netdev tap,ifname=NAME,script=no,downscript=no` does, and is on the network.
# Every refusal leaves nothing behind. A TAP is never nobody's (without user it is
# root's: no other user may open or attach it), and it is made new: a device that had
# its name is refused and left exactly as it was.
. "$(dirname "$0")/lib.sh"

plan 58
load_module
json_serve

ALICE=1001 BOB=1002 GROUP=1003
tmp=$(mktemp -d)
chmod 0755 "$tmp"
at_exit rm -rf "$tmp"
at_exit del_nets 1001/ttlab ttsecret
at_exit del_links tt1 tt2 tt3 tt4 tt5 ttd ttsec ttpre


# The "VM": a user's program that opens a persistent TAP by name, as QEMU does, and
# holds it open (a TAP has a carrier, and so gets frames, only while it is held) while
# it does what it is told, in order:
#   tapio.py TAP [send HEX] [recv ETHERTYPE SECS] [hold]
# It prints "ready" once the TAP is open, and what recv received ("nothing" after SECS).
cat >"$tmp/tapio.py" <<'PY'
import fcntl, os, select, struct, sys, time
TUNSETIFF, IFF_TAP, IFF_NO_PI = 0x400454ca, 0x0002, 0x1000

name, args = sys.argv[1], sys.argv[2:]
fd = os.open("/dev/net/tun", os.O_RDWR)
try:
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
except OSError as e:
    print("open %s: %s" % (name, os.strerror(e.errno)))
    sys.exit(1)
print("ready", flush=True)
while args:
    cmd = args.pop(0)
    if cmd == "send":
        os.write(fd, bytes.fromhex(args.pop(0)))
    elif cmd == "recv":
        # The host's own traffic on the TAP (IPv6 ND, MLD) comes too: only TYPE counts.
        want, end = bytes.fromhex(args.pop(0)), time.monotonic() + float(args.pop(0))
        while True:
            left = end - time.monotonic()
            if left <= 0:
                print("nothing", flush=True)
                sys.exit(1)
            if select.select([fd], [], [], left)[0]:
                f = os.read(fd, 65536)
                if f[12:14] == want:
                    print(f.hex(), flush=True)
                    break
    elif cmd == "hold":
        time.sleep(3600)
PY
# alice, in the TAP tt2's group; exec, so that a coproc's pid is the VM's.
tapio() { exec setpriv --reuid=$ALICE --regid=$ALICE --groups=$GROUP python3 "$tmp/tapio.py" "$@"; }
sysfs() { echo "$(<"/sys/class/net/$1/$2")"; }
hex() { printf '%s' "$1" | od -v -An -tx1 | tr -d ' \n'; }
# vm OUT TAP ACTION...: one of alice's VMs, in the background (its pid in $vm_pid),
# writing to $tmp/OUT; returns once the TAP is open (30 s at most: the debug kernel is slow).
vm() {
	local out=$tmp/$1 i
	shift
	: >"$out"
	(tapio "$@" >"$out") &
	vm_pid=$!
	for ((i = 0; i < 300; i++)); do
		[ -s "$out" ] && return
		nap 0.1
	done
}
# The devices there are, each followed by a space (no program run: a glob of sysfs).
links() {
	local d
	for d in /sys/class/net/*; do
		printf '%s ' "${d##*/}"
	done
}

# 1. root makes TAPs for alice on her network
intnetctl tap add tt1 net ttlab user $ALICE
expect_eq "tap add exits 0" 0 $?
expect_eq "the TAP belongs to alice" $ALICE "$(sysfs tt1 owner)"
expect_eq "it is a persistent TAP without packet info (tun_flags)" 0x1802 "$(sysfs tt1 tun_flags)"
check "it is up (the user cannot bring it up)" grep -q 'UP' <<<"$(ip -o link show tt1)"
expect_eq "it is alice's port on her ttlab (root names it 1001/ttlab)" \
	"tt1              net 1001/ttlab       up    promisc off  user 1001   learned 0" \
	"$(intnetctl port show tt1)"
intnetctl tap add tt2 net ttlab user $ALICE group $GROUP
expect_eq "tap add with a group exits 0" 0 $?
expect_eq "the group is set" "$GROUP" "$(sysfs tt2 group)"
expect_eq "alice outside the group may not open tt2 (owner and group both apply)" \
	"open tt2: Operation not permitted" "$(as_uid $ALICE python3 "$tmp/tapio.py" tt2)"

# 2. alice, unprivileged, is on the network through them: VM 2 listens on tt2 while
# VM 1 broadcasts on tt1 and then waits for an answer
frame=ffffffffffff02000000aa0188b5$(hex 'intnet tap test intnet tap test intnet tap test ')
vm vm2 tt2 recv 88b5 60
vm2_pid=$vm_pid
expect_eq "alice opens tt2" ready "$(head -n 1 "$tmp/vm2")"
vm vm1 tt1 send "$frame" recv 88b5 60
vm1_pid=$vm_pid
expect_eq "alice opens tt1 and writes a broadcast frame into it" ready "$(head -n 1 "$tmp/vm1")"
wait "$vm2_pid"
expect_eq "it arrives on tt2, byte for byte" "$frame" "$(sed -n 2p "$tmp/vm2")"
expect_eq "ttlab learned alice's MAC behind tt1" "02:00:00:00:aa:01  dev tt1" \
	"$(intnetctl fdb show net 1001/ttlab | awk '{ print $1 "  " $2 " " $3 }')"
uni=02000000aa0102000000aa0288b5$(hex 'back back back back back back back back back back ')
(tapio tt2 send "$uni" >/dev/null)
wait "$vm1_pid"
expect_eq "the answer to that MAC arrives on tt1" "$uni" "$(sed -n 2p "$tmp/vm1")"
expect_eq "it was forwarded, not flooded (tt2's counters)" "1 1" \
	"$(intnetctl -j -s port show tt2 | json_eval '"%d %d" % (j[0]["stats"]["rx_packets"], j[0]["stats"]["rx_forwarded"])')"
expect_eq "with VM 1 gone, tt1 has no carrier and its entry is forgotten" "false " \
	"$(intnetctl -j port show tt1 | json_eval 'str(j[0]["carrier"]).lower()') $(intnetctl fdb show net 1001/ttlab)"

# 3. bob may neither open alice's TAP nor make one
expect_eq "bob cannot open alice's TAP" "open tt1: Operation not permitted" \
	"$(as_uid $BOB python3 "$tmp/tapio.py" tt1 send "$frame")"
before=$(links)
err=$(as_uid $BOB intnetctl tap add tt9 2>&1)
rc=$?
expect_eq "bob cannot make a TAP" "intnetctl: cannot create TAP 'tt9': Operation not permitted" "$err"
expect_eq "... exit status 1, nothing made" "1 $before" "$rc $(links)"

# 4. refusals leave nothing behind
err=$(intnetctl tap add tt1 2>&1)
rc=$?
expect_eq "a taken name is refused" "intnetctl: device 'tt1' exists" "$err"
expect_eq "... exit 1, tt1 still alice's port" "1 1001" \
	"$rc $(intnetctl -j port show tt1 | json_eval 'j[0]["user"]')"
err=$(intnetctl tap add tt3 net 'a b' user $ALICE 2>&1 >/dev/null)
rc=$?
expect_eq "a bad network name is a usage error, before anything is made" \
	"intnetctl: 'a b' is not a network name or OWNER/NAME" "${err%%$'\n'*}"
expect_eq "... exit 2, no TAP" "2 $before" "$rc $(links)"
# In a namespace of her own alice is root and makes TAPs; the module then refuses the
# port (uid 1002 has no mapping there): the TAP made for it goes again.
expect_eq "a TAP the module refuses as a port is taken away again" \
	"intnet: the owner has no mapping in this user namespace|rc 1|no new device" \
	"$(as_uid $ALICE unshare -Urn sh -c 'links() { ip -o link show | cut -d: -f2; }; before=$(links); intnetctl tap add tt3 net 1002/lab 2>&1; echo "rc $?"; [ "$(links)" = "$before" ] && echo "no new device"' | paste -sd '|')"
err=$(intnetctl tap add a/b 2>&1 >/dev/null)
expect_eq "a name with a slash is a usage error" 2 $?
expect_eq "... with its reason" \
	"intnetctl: 'a/b' is not a device name (1 to 15 characters, no '/', ':', '%' or space)" \
	"${err%%$'\n'*}"
expect_eq "16 characters are too many" 2 \
	"$(intnetctl tap add abcdefghijklmnop >/dev/null 2>&1; echo $?)"
expect_eq "a template (tt%d) is no name: the kernel would choose one" 2 \
	"$(intnetctl tap add 'tt%d' >/dev/null 2>&1; echo $?)"
expect_eq "an unknown user" "intnetctl: no such user 'nosuchuser'" \
	"$(intnetctl tap add tt3 user nosuchuser 2>&1)"
expect_eq "an unknown group" "intnetctl: no such group 'nosuchgroup'" \
	"$(intnetctl tap add tt3 user $ALICE group nosuchgroup 2>&1)"
expect_eq "a group without a user: a TAP only root could open, a usage error" \
	"2 intnetctl: group without user makes a TAP only root can open" \
	"$(err=$(intnetctl tap add tt3 group $GROUP 2>&1 >/dev/null); echo "$? ${err%%$'\n'*}")"
expect_eq "no device left by any of them" "$before" "$(links)"

# 5. options
intnetctl tap add tt4 net ttlab user $ALICE vnet-hdr multi-queue down promisc on
expect_eq "vnet-hdr and multi-queue (tun_flags)" 0x5902 "$(sysfs tt4 tun_flags)"
expect_eq "down and promiscuous" \
	"tt4              net 1001/ttlab       down  promisc on (inactive)  user 1001   learned 0" \
	"$(intnetctl port show tt4)"

# 6. tap del
coproc HOLD { tapio tt1 hold; }
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
expect_eq "the port is gone" "tt2 tt4" "$(intnetctl port show net 1001/ttlab | first_words)"
ip link add ttd type dummy
expect_eq "tap del of a dummy" "intnetctl: 'ttd' is not a TAP" "$(intnetctl tap del ttd 2>&1)"
expect_eq "tap del of nothing" "intnetctl: no such device 'tt1'" "$(intnetctl tap del tt1 2>&1)"
expect_eq "bob may not delete alice's TAP" "intnetctl: cannot open TAP 'tt2': Operation not permitted" \
	"$(as_uid $BOB intnetctl tap del tt2 2>&1)"
intnetctl tap del tt2 && intnetctl tap del tt4
expect_eq "ttlab, made by the first port, went with the last" "intnet: no such network" \
	"$(intnetctl net show 1001/ttlab 2>&1)"

# 7. without user, the TAP is root's: no user may open it or attach it, ever
intnetctl net add ttsecret
intnetctl tap add ttsec net ttsecret
expect_eq "tap add without user exits 0" 0 $?
expect_eq "the TAP is root's, with no group" "0 -1" "$(sysfs ttsec owner) $(sysfs ttsec group)"
expect_eq "it is root's port on its restricted network" \
	"ttsec            net ttsecret         up    promisc off  user 0      learned 0" \
	"$(intnetctl port show ttsec)"
expect_eq "uid 1002 cannot open it (TUNSETIFF: EPERM)" "open ttsec: Operation not permitted" \
	"$(as_uid $BOB python3 "$tmp/tapio.py" ttsec send "$frame")"
err=$(as_uid $BOB intnetctl port add ttsec net ttbob 2>&1)
expect_eq "nor attach it to a network of his" "1 intnet: the TAP belongs to another user" "$? $err"
intnetctl port del ttsec
err=$(as_uid $BOB intnetctl port add ttsec net ttbob 2>&1)
expect_eq "nor once root detached it" "1 intnet: the TAP belongs to another user" "$? $err"
expect_eq "and it is still nobody's port" "intnet: the device is not a port" "$(intnetctl port show ttsec 2>&1)"

# 8. a device of the name that was there first is refused and left exactly as it was
ip tuntap add mode tap name ttpre user $BOB
ip link set ttpre up
# Its carrier went with ip's file; the link's state follows later (linkwatch): a
# snapshot before that would differ from one after, refusals or not.
for _ in $(seq 30); do ip link show ttpre | grep -q NO-CARRIER && break; sleep 0.1; done
pre=$(ip -d link show ttpre)
err=$(intnetctl tap add ttpre net ttsecret user $ALICE 2>&1)
expect_eq "tap add of bob's TAP's name is refused" "1 intnetctl: device 'ttpre' exists" "$? $err"
err=$(intnetctl tap add ttpre net ttsecret 2>&1)
expect_eq "and so without user" "1 intnetctl: device 'ttpre' exists" "$? $err"
expect_eq "bob's TAP is as it was: owner, group, link (ip -d link show)" "$pre" "$(ip -d link show ttpre)"
expect_eq "... owner 1002, no group" "1002 -1" "$(sysfs ttpre owner) $(sysfs ttpre group)"
expect_eq "... not a port" "intnet: the device is not a port" "$(intnetctl port show ttpre 2>&1)"
err=$(intnetctl tap add ttd 2>&1)
expect_eq "a dummy of the name too, and it stays" "1 intnetctl: device 'ttd' exists dummy" \
	"$? $err $(ip -d -o link show ttd | grep -o dummy)"

# 9. help
help=$(intnetctl help tap)
expect_eq "help tap" "$(intnetctl tap help)" "$help"
check "help tap shows tap add" grep -q '^  tap add DEV' <<<"$help"
finish
