#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# intnetctl drives networks, ports and the FDB: what it prints, its JSON, its exit
# status (0 done, 1 refused, 2 usage), the kernel's reasons printed as they are, and
# state left unchanged by every refusal.
. "$(dirname "$0")/lib.sh"

# Everything below runs in its own namespace: its networks are its own. The test runs
# itself there (under TCG every program run costs: not one ip netns exec a command),
# and the namespace goes when it ends.
if [ -z "${CLI_SWITCH_NETNS:-}" ]; then
	load_module || exit 1
	ip netns add clitest || exit 1
	CLI_SWITCH_NETNS=1 ip netns exec clitest bash "$0"
	rc=$?
	ip netns del clitest
	exit $rc
fi
plan 60
json_serve
run() { intnetctl "$@"; }
json_ok() { json_eval 0 >/dev/null; }
# first_line TEXT: its first line (a usage error's; the usage follows)
first_line() { echo "${1%%$'\n'*}"; }
tmp=$(mktemp -d)
at_exit rm -rf "$tmp"

ip -batch - <<EOF
link set lo up
link add d1 up type dummy
link add d2 up type dummy
EOF

run net add lab ageing 60 fdb-max 100 flood-unknown off group-fwd-mask 16385
expect_eq "net add exits 0" 0 $?
expect_eq "net show shows the settings, group-fwd-mask in hex" \
	"lab              ports 0  fdb 0/100  port-fdb-max auto  ageing 60  flood-unknown off  explicit yes  owner 0  restricted  promisc-policy deny  group-fwd-mask 0x4001" \
	"$(run net show lab)"
run port add d1 net lab && run port add d2 net lab down
expect_eq "two ports attach" 0 $?
expect_eq "port show lists both, one down" \
	"d1               net lab              up    promisc off  user 0      learned 0
d2               net lab              down  promisc off  user 0      learned 0" "$(run port show net lab)"
run fdb add 02:00:00:00:00:aa dev d1
expect_eq "a static entry is added" \
	"02:00:00:00:00:aa  dev d1               net lab              static" "$(run fdb show net lab)"
run net set lab flood-unknown on ageing 30
expect_eq "net set changes the settings" "ageing 30 flood-unknown on" \
	"$(run -j net show lab | json_eval '"ageing %d flood-unknown %s" % (j[0]["ageing"], "on" if j[0]["flood_unknown"] else "off")')"
run port set d2 up promisc on
expect_eq "port set brings the port up; promisc under deny is asked for, not active" \
	"d2               net lab              up    promisc on (inactive)  user 0      learned 0" "$(run port show d2)"
run net set lab public promisc-policy allow-all port-fdb-max 10 group-fwd-mask 0x4
expect_eq "net set changes access, promiscuous policy, the per-port limit and the mask" \
	"lab              ports 2  fdb 0/100  static 1  port-fdb-max 10  ageing 30  flood-unknown on  explicit yes  owner 0  public  promisc-policy allow-all  group-fwd-mask 0x4" \
	"$(run net show lab)"
expect_eq "-j net show has access, promisc_policy, port_fdb_max and group_fwd_mask" "public allow-all 10 4" \
	"$(run -j net show lab | json_eval '"%s %s %s %s" % (j[0]["access"], j[0]["promisc_policy"], j[0]["port_fdb_max"], j[0]["group_fwd_mask"])')"
expect_eq "under allow-all the promiscuous port is active" \
	"d2               net lab              up    promisc on   user 0      learned 0" "$(run port show d2)"
run net set lab restricted promisc-policy allow-same-user port-fdb-max 0 group-fwd-mask 0
expect_eq "restricted, allow-same-user, port-fdb-max 0 (auto) read back; mask 0 is not shown" \
	"restricted  promisc-policy allow-same-user port-fdb-max auto" \
	"$(run net show lab | grep -o 'restricted  promisc-policy [a-z-]*$') $(run net show lab | grep -o 'port-fdb-max [a-z0-9]*')"
run port set d1 lock-mac 02:00:00:00:00:01
expect_eq "port show shows the locked MAC" \
	"d1               net lab              up    promisc off  user 0      learned 0  lock-mac 02:00:00:00:00:01" \
	"$(run port show d1)"
expect_eq "fdb show marks the lock's entry static and locked" \
	"02:00:00:00:00:01  dev d1               net lab              static locked" \
	"$(run fdb show net lab | grep 02:00:00:00:00:01)"
expect_eq "-j port show has user, fdb_learned and lock_mac" "0 0 02:00:00:00:00:01 None" \
	"$(run -j port show | json_eval '"%s %s %s %s" % ((p := {q["ifname"]: q for q in j})["d1"]["user"], p["d1"]["fdb_learned"], p["d1"]["lock_mac"], p["d2"]["lock_mac"])')"
expect_eq "-j fdb show says which entry is locked" "02:00:00:00:00:01 True True, 02:00:00:00:00:aa True False" \
	"$(run -j fdb show | json_eval '", ".join(sorted("%s %s %s" % (e["mac"], e["static"], e["locked"]) for e in j))')"
expect_eq "-s shows every receive drop, mac-locked and link-local, no-dest, bad-header, isolated, flood-limit, ip-spoof, arp-spoof, nd-spoof, dhcp-server among them" 1 \
	"$(run -s port show d1 | grep -c '^    rx drop port-down 0  invalid-src 0  local 0  dest-down 0  nomem 0  mac-locked 0  link-local 0  no-dest 0  bad-header 0  isolated 0  flood-limit 0  ip-spoof 0  arp-spoof 0  nd-spoof 0  dhcp-server 0$')"
expect_eq "-j -s has rx_drop_mac_locked, rx_drop_link_local, rx_drop_no_dest, rx_drop_bad_header, rx_drop_isolated, rx_drop_flood_limit, rx_drop_ip_spoof, rx_drop_arp_spoof, rx_drop_nd_spoof, rx_drop_dhcp_server" "0 0 0 0 0 0 0 0 0 0" \
	"$(run -j -s port show d1 | json_eval '" ".join(str(j[0]["stats"][k]) for k in ("rx_drop_mac_locked", "rx_drop_link_local", "rx_drop_no_dest", "rx_drop_bad_header", "rx_drop_isolated", "rx_drop_flood_limit", "rx_drop_ip_spoof", "rx_drop_arp_spoof", "rx_drop_nd_spoof", "rx_drop_dhcp_server"))')"

for what in "net show" "port show" "fdb show" "-s net show" "-s port show"; do
	# shellcheck disable=SC2086
	run -j $what | json_ok
	expect_eq "-j $what is valid JSON" 0 $?
done
run net add empty
expect_eq "-j of an empty dump is an empty array" "[]" "$(run -j fdb show net empty)"
run net del empty

# Refusals: exit 1, the kernel's reason, and nothing changes. They run as one batch
# (-force: each line runs, and each failed one is named on stderr after its message).
dump() { printf '%s\n' "-s net show" "-s port show" "fdb show" | run -j -batch -; }
before=$(dump)
refusals=()
refused() {
	local desc=$1 want=$2
	shift 2
	refusals+=("$desc" "$want" "$*")
}
refused "adding an existing network is refused" "intnet: a network with this name exists" net add lab
refused "a mask with PAUSE's bit is refused by the module" \
	"intnet: PAUSE frames (01:80:C2:00:00:01, bit 1) are never forwarded" net set lab group-fwd-mask 0x6
refused "an owner with no network of the name: no such network" "intnet: no such network" net show 1001/lab
refused "deleting an unknown network is refused" "intnet: no such network" net del nosuch
refused "loopback cannot be a port" "intnet: a loopback device cannot be a port" port add lo net lab
refused "a port cannot be added twice" "intnet: the device is already a port" port add d1 net other
refused "removing a device that is not a port is refused" "intnet: the device is not a port" port del lo
refused "a second static entry is refused" "intnet: a static entry for this address exists" fdb add 02:00:00:00:00:aa dev d2
refused "a multicast static entry is refused" \
	"intnet: a static entry needs a unicast, non-zero address" fdb add 01:00:5e:00:00:01 dev d1
refused "deleting an unknown entry is refused" "intnet: no such FDB entry" fdb del 02:00:00:00:00:bb net lab
refused "an unknown device is refused" "intnetctl: no such device 'nosuchdev'" port add nosuchdev
refused "an unknown user is refused" "intnetctl: no such user 'nosuchuser'" port add d1 user nosuchuser
refused "a MAC locked by another port cannot be locked" "intnet: another port has locked this address" \
	port set d2 lock-mac 02:00:00:00:00:01
refused "a MAC with a static entry behind another port cannot be locked" \
	"intnet: a static entry puts this address behind another port" port set d2 lock-mac 02:00:00:00:00:aa
refused "a locked MAC cannot get a static entry" "intnet: the address is locked to a port" \
	fdb add 02:00:00:00:00:01 dev d2
refused "a locked MAC's entry cannot be deleted" "intnet: the address is locked to a port" \
	fdb del 02:00:00:00:00:01 net lab
for ((i = 2; i < ${#refusals[@]}; i += 3)); do
	echo "${refusals[i]}"
done | run -force -batch - >/dev/null 2>"$tmp/err"
batch_split "$tmp/err"
for ((i = 0; i < ${#refusals[@]}; i += 3)); do
	n=$((i / 3 + 1))
	expect_eq "${refusals[i]}" "1 ${refusals[i + 1]}" "${batch_rc[n]:-0} ${batch_err[n]:-}"
done
after=$(dump)
expect_eq "the refusals changed nothing" "$before" "$after"

err=$(run net frob 2>&1 >/dev/null)
expect_eq "an unknown verb is a usage error" "2 intnetctl: unknown net command 'frob'" "$? $(first_line "$err")"
err=$(run port add d1 net lab flood 2>&1 >/dev/null)
expect_eq "an unknown keyword is a usage error" "2 intnetctl: port add does not take 'flood'" "$? $(first_line "$err")"
err=$(run net set lab promisc-policy some 2>&1 >/dev/null)
expect_eq "an unknown promiscuous policy is a usage error" \
	"2 intnetctl: promisc-policy takes deny, allow-same-user or allow-all, not 'some'" "$? $(first_line "$err")"
err=$(run net add lab2 public restricted 2>&1 >/dev/null)
expect_eq "public and restricted together are a usage error" \
	"2 intnetctl: public and restricted are exclusive" "$? $(first_line "$err")"
err=$(run port set d1 lock-mac on 2>&1 >/dev/null)
expect_eq "lock-mac takes a MAC or off" \
	"2 intnetctl: lock-mac takes a MAC address (aa:bb:cc:dd:ee:ff) or off, not 'on'" "$? $(first_line "$err")"
err=$(run port set d1 user 0 2>&1 >/dev/null)
expect_eq "port set does not take user" "2 intnetctl: port set does not take 'user'" "$? $(first_line "$err")"
err=$(run net set lab group-fwd-mask 0x10000 2>&1 >/dev/null)
expect_eq "group-fwd-mask takes 16 bits" \
	"2 intnetctl: group-fwd-mask takes a number from 0 to 0xffff, not '0x10000'" "$? $(first_line "$err")"
err=$(run net add "two words" 2>&1 >/dev/null)
expect_eq "a name with a space is refused by intnetctl itself" \
	"2 intnetctl: 'two words' is not a network name or OWNER/NAME" "$? $(first_line "$err")"
err=$(run port add d1 net root/lab/x 2>&1 >/dev/null)
expect_eq "and so is a name with a slash after OWNER/" \
	"2 intnetctl: 'root/lab/x' is not a network name or OWNER/NAME" "$? $(first_line "$err")"

run port set d1 lock-mac off
expect_eq "lock-mac off unlocks the port" \
	"d1               net lab              up    promisc off  user 0      learned 0" "$(run port show d1)"
expect_eq "and removes the lock's entry" "" "$(run fdb show net lab | grep 02:00:00:00:00:01)"

# An unprivileged user (nobody, 65534) makes its own networks and sees only those and
# public ones; each names the other's network OWNER/NAME (a user name where there is one).
asuser() { setpriv --reuid 65534 --regid 65534 --clear-groups intnetctl "$@"; }
err=$(asuser net add mine 2>&1)
expect_eq "an unprivileged user creates a network" "0 " "$? $err"
expect_eq "root names it nobody/mine, the user's network" \
	"nobody/mine      ports 0  fdb 0/16384  port-fdb-max auto  ageing 300  flood-unknown on  explicit yes  owner 65534  restricted  promisc-policy deny" \
	"$(run net show nobody/mine)"
expect_eq "or by uid, 65534/mine" "nobody/mine" "$(run net show 65534/mine | awk '{print $1}')"
err=$(run net show mine 2>&1)
expect_eq "mine alone is root's own mine: there is none" "1 intnet: no such network" "$? $err"
expect_eq "the user does not see root's restricted network" "mine" "$(asuser net show | awk '{print $1}' | xargs)"
run net set lab public
expect_eq "but sees it once public, as root/lab" "mine root/lab" "$(asuser net show | awk '{print $1}' | sort | xargs)"
run net del nobody/mine
expect_eq "root deletes the user's network by its owner and name" "lab" "$(run net show | awk '{print $1}' | xargs)"

run net del lab
expect_eq "net del detaches the ports" "" "$(run port show)"
expect_eq "and the network is gone" "" "$(run net show)"
finish
