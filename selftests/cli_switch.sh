#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# intnetctl drives networks, ports and the FDB: what it prints, its JSON, its exit
# status (0 done, 1 refused, 2 usage), the kernel's reasons printed as they are, and
# state left unchanged by every refusal.
. "$(dirname "$0")/lib.sh"

plan 31
load_module
ip netns add clitest
trap 'ip netns del clitest' EXIT
# Everything below runs in its own namespace: its networks are its own.
run() { ip netns exec clitest intnetctl "$@"; }
inns() { ip netns exec clitest "$@"; }
json_ok() { python3 -c 'import json,sys; json.load(sys.stdin)'; }

inns ip link set lo up
inns ip link add d1 type dummy
inns ip link add d2 type dummy
inns ip link set d1 up
inns ip link set d2 up

run net add lab ageing 60 fdb-max 100 flood-unknown off
expect_eq "net add exits 0" 0 $?
expect_eq "net show shows the settings" \
	"lab              ports 0  fdb 0/100  ageing 60  flood-unknown off  explicit yes  owner 0" \
	"$(run net show lab)"
run port add d1 net lab && run port add d2 net lab down
expect_eq "two ports attach" 0 $?
expect_eq "port show lists both, one down" \
	"d1               net lab              up    promisc off
d2               net lab              down  promisc off" "$(run port show net lab)"
run fdb add 02:00:00:00:00:aa dev d1
expect_eq "a static entry is added" \
	"02:00:00:00:00:aa  dev d1               net lab              static" "$(run fdb show net lab)"
run net set lab flood-unknown on ageing 30
expect_eq "net set changes the settings" "ageing 30 flood-unknown on" \
	"$(run -j net show lab | python3 -c 'import json,sys; n=json.load(sys.stdin)[0]; print("ageing", n["ageing"], "flood-unknown", "on" if n["flood_unknown"] else "off")')"
run port set d2 up promisc on
expect_eq "port set brings the port up and promiscuous" \
	"d2               net lab              up    promisc on" "$(run port show d2)"

for what in "net show" "port show" "fdb show" "-s net show" "-s port show"; do
	# shellcheck disable=SC2086
	run -j $what | json_ok
	expect_eq "-j $what is valid JSON" 0 $?
done
run net add empty
expect_eq "-j of an empty dump is an empty array" "[]" "$(run -j fdb show net empty)"
run net del empty

# Refusals: exit 1, the kernel's reason, and nothing changes.
before=$(run -j -s net show; run -j -s port show; run -j fdb show)
refused() {
	local desc=$1 want=$2
	shift 2
	local err rc
	err=$(run "$@" 2>&1 >/dev/null)
	rc=$?
	expect_eq "$desc" "1 $want" "$rc $err"
}
refused "adding an existing network is refused" "intnet: a network with this name exists" net add lab
refused "a name with a space is refused" \
	"intnet: a network name is 1 to 127 printable ASCII characters without spaces" net add "two words"
refused "a 128-byte name is refused" \
	"intnet: a network name is 1 to 127 printable ASCII characters without spaces" net add "$(printf 'n%.0s' $(seq 128))"
refused "deleting an unknown network is refused" "intnet: no such network" net del nosuch
refused "loopback cannot be a port" "intnet: a loopback device cannot be a port" port add lo net lab
refused "a port cannot be added twice" "intnet: the device is already a port" port add d1 net other
refused "removing a device that is not a port is refused" "intnet: the device is not a port" port del lo
refused "a second static entry is refused" "intnet: a static entry for this address exists" fdb add 02:00:00:00:00:aa dev d2
refused "a multicast static entry is refused" \
	"intnet: a static entry needs a unicast, non-zero address" fdb add 01:00:5e:00:00:01 dev d1
refused "deleting an unknown entry is refused" "intnet: no such FDB entry" fdb del 02:00:00:00:00:bb net lab
refused "an unknown device is refused" "intnetctl: no such device 'nosuchdev'" port add nosuchdev
after=$(run -j -s net show; run -j -s port show; run -j fdb show)
expect_eq "the refusals changed nothing" "$before" "$after"

err=$(run net frob 2>&1 >/dev/null)
expect_eq "an unknown verb is a usage error" "2 intnetctl: unknown net command 'frob'" "$? $(echo "$err" | head -n 1)"
err=$(run port add d1 net lab flood 2>&1 >/dev/null)
expect_eq "an unknown keyword is a usage error" "2 intnetctl: port add does not take 'flood'" "$? $(echo "$err" | head -n 1)"

# An unprivileged user may read but not change.
err=$(inns setpriv --reuid 65534 --regid 65534 --clear-groups intnetctl net add mine 2>&1)
expect_eq "an unprivileged user cannot create a network" "1 intnet: Operation not permitted" "$? $err"
expect_eq "an unprivileged user can list networks" "lab" \
	"$(inns setpriv --reuid 65534 --regid 65534 --clear-groups intnetctl net show | awk '{print $1}')"

run net del lab
expect_eq "net del detaches the ports" "" "$(run port show)"
expect_eq "and the network is gone" "" "$(run net show)"
finish
