#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# intnetctl monitor: root's text output and an unprivileged user's JSON output with FDB
# events, for the same changes, in the guest's initial namespace; the user must not see
# root's restricted network, and root sees hers as 1001/NAME. An address that moves
# says where it was. Also the usage, and exit 0 on SIGTERM/SIGINT.
. "$(dirname "$0")/lib.sh"

plan 15
load_module

ALICE=1001
tmp=$(mktemp -d)
pids=""

at_exit rm -rf "$tmp"
at_exit del_nets mon-probe mon-lab 1001/mon-a 1001/mon-end 1001/mon-mv
at_exit del_links mon-ta mon-t1 mon-t2
# shellcheck disable=SC2016
at_exit_late 'stop_pids $pids'

alice() { setpriv --reuid=$ALICE --regid=$ALICE --clear-groups intnetctl "$@"; }

# wait_for FILE PATTERN...: each pattern shows up in FILE within 20 s.
wait_for() {
	local f=$1 i p
	shift
	for i in $(seq 200); do
		for p in "$@"; do
			grep -q -- "$p" "$f" || { sleep 0.1; continue 2; }
		done
		return 0
	done 2>/dev/null
	return 1
}

intnetctl monitor help >"$tmp/help"
expect_eq "monitor help exits 0 and shows the usage" "0 1" \
	"$? $(grep -c '^Usage: intnetctl \[OPTIONS\] monitor \[fdb\]$' "$tmp/help")"
intnetctl monitor bogus 2>/dev/null
expect_eq "monitor with an unknown argument is a usage error" 2 $?
expect_eq "version names the events feature" 1 \
	"$(intnetctl version | grep -c '^features .* events')"

intnetctl net add mon-probe public
intnetctl monitor >"$tmp/root" &
root_pid=$!
intnetctl monitor fdb >"$tmp/rootfdb" &
rootfdb_pid=$!
# setpriv execs intnetctl: $! is the monitor itself.
setpriv --reuid=$ALICE --regid=$ALICE --clear-groups \
	intnetctl -j monitor fdb >"$tmp/alice" &
alice_pid=$!
pids="$root_pid $rootfdb_pid $alice_pid"
# All listen once a change to the public probe network reaches all.
for i in $(seq 100); do
	intnetctl net set mon-probe ageing "$i"
	grep -q mon-probe "$tmp/root" 2>/dev/null && grep -q mon-probe "$tmp/rootfdb" 2>/dev/null &&
		grep -q mon-probe "$tmp/alice" 2>/dev/null && break
done
intnetctl net del mon-probe

intnetctl net add mon-lab
ip tuntap add mode tap name mon-ta user $ALICE
ip link set mon-ta up
alice port add mon-ta net mon-a
alice port set mon-ta down
alice fdb add 02:00:00:00:00:01 dev mon-ta
alice fdb del 02:00:00:00:00:01 net mon-a
intnetctl net del mon-lab
# The TAP going away takes its port and the implicit network.
ip link del mon-ta
# An address learned behind one of alice's ports moves to another: her VM holds both
# TAPs open (a port without a carrier learns nothing) and sends from one, then the other.
ip tuntap add mode tap name mon-t1 user $ALICE
ip tuntap add mode tap name mon-t2 user $ALICE
ip link set mon-t1 up
ip link set mon-t2 up
alice port add mon-t1 net mon-mv
alice port add mon-t2 net mon-mv
setpriv --reuid=$ALICE --regid=$ALICE --clear-groups python3 -c '
import fcntl, os, struct
fds = []
for name in ("mon-t1", "mon-t2"):
    fds.append(os.open("/dev/net/tun", os.O_RDWR))
    fcntl.ioctl(fds[-1], 0x400454ca, struct.pack("16sH", name.encode(), 0x1002))
for fd in fds:
    os.write(fd, bytes.fromhex("ffffffffffff02000000000b88b5") + bytes(46))
'
alice net del mon-mv
alice net add mon-end
alice net del mon-end

check "the monitors see the last event" \
	wait_for "$tmp/root" "net del 1001/mon-end"
wait_for "$tmp/rootfdb" "net del 1001/mon-end"
wait_for "$tmp/alice" '"event":"net del","name":"mon-end"'

expect_eq "root sees every network and port event, in order, alice's networks as 1001/NAME" \
	"net add mon-lab|net add 1001/mon-a|port add mon-ta|port set mon-ta|net del mon-lab|port del mon-ta|net del 1001/mon-a|net add 1001/mon-end|net del 1001/mon-end|" \
	"$(grep -v -e mon-probe -e mon-mv "$tmp/root" | awk '{ printf "%s %s %s|", $1, $2, $3 }')"
expect_eq "a port event reads like port show" 1 \
	"$(grep -c '^port set mon-ta  *net 1001/mon-a  *down  promisc off  user 1001 ' "$tmp/root")"
expect_eq "root's text monitor has no FDB events" 0 "$(grep -c '^fdb' "$tmp/root")"
expect_eq "root's fdb monitor: learned behind mon-t1, then moved, saying from where" \
	"fdb learn 02:00:00:00:00:0b dev mon-t1 1001/mon-mv learned|fdb move 02:00:00:00:00:0b dev mon-t2 1001/mon-mv learned moved from mon-t1|" \
	"$(awk '$1 == "fdb" && $3 == "02:00:00:00:00:0b" && $2 != "flush" {
		printf "%s %s %s %s %s %s %s", $1, $2, $3, $4, $5, $7, $8
		if ($11 == "moved") printf " %s %s %s", $11, $12, $13
		printf "|" }' "$tmp/rootfdb")"
expect_eq "alice's JSON move event: where the address was, prev_ifindex and prev_ifname" \
	"mon-t2 mon-t1 $(cat /sys/class/net/mon-t1/ifindex 2>/dev/null)" \
	"$(grep -m 1 '"event":"fdb move"' "$tmp/alice" | json_eval '"%s %s %s" % (j["ifname"], j["prev_ifname"], j["prev_ifindex"])')"

events=$(grep -v -e mon-probe -e mon-mv "$tmp/alice" |
	sed -n 's/^{"event":"\([^"]*\)","\(name\|ifname\|mac\)":"\([^"]*\)".*/\1 \3/p' |
	tr '\n' '|')
expect_eq "alice sees her own objects and FDB, not root's network" \
	"net add mon-a|port add mon-ta|port set mon-ta|fdb add 02:00:00:00:00:01|fdb del 02:00:00:00:00:01|port del mon-ta|net del mon-a|net add mon-end|net del mon-end|" \
	"$events"
expect_eq "every line of alice's is one JSON object with an event" \
	"$(wc -l <"$tmp/alice")" "$(grep -c '^{"event":"[a-z]* [a-z]*",.*}$' "$tmp/alice")"
expect_eq "an FDB event carries the show members" 1 \
	"$(grep -c '^{"event":"fdb add","mac":"02:00:00:00:00:01","ifname":"mon-ta","ifindex":[0-9]*,"net":"mon-a","net_owner":1001,"static":true,"locked":false,"age_ms":0}$' "$tmp/alice")"

# stop PID SIGNAL: the monitor's exit status (KILLed after 10 s: 137).
stop() {
	local i
	kill "-$2" "$1"
	for i in $(seq 100); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1"
}
stop "$root_pid" TERM
expect_eq "SIGTERM ends monitor with status 0" 0 $?
stop "$alice_pid" INT
expect_eq "SIGINT ends monitor with status 0" 0 $?
stop "$rootfdb_pid" TERM
# shellcheck disable=SC2034 # read at exit (at_exit_late)
pids=""
expect_eq "nothing left of the test" 0 "$(intnetctl net show | grep -c '^\(1001/\)\?mon-')"

finish
