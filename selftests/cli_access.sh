#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Access control through intnetctl, run as real unprivileged users (alice 1001, bob 1002,
# carol 1004) in the guest's initial namespace: what each may do with its own networks
# and ports, what it sees of the others', every refusal's message with root's view left
# unchanged, the quota, what root does for them, and a rootless container that
# administers its own namespace. Names are per owner: each user has their own acc-lab,
# another user's network is named OWNER/NAME (here a uid: the users have no names) and
# joined only so, a name alone reaches root's public network (intnet by default), and
# root sees users' networks as OWNER/NAME.
. "$(dirname "$0")/lib.sh"

plan 142
load_module
json_serve

ALICE=1001 BOB=1002 GROUP=1003 CAROL=1004
quota=/sys/module/intnet/parameters/max_networks_per_user
devs="acc-ta1 acc-ta2 acc-ta3 acc-ta4 acc-tb1 acc-tb2 acc-tc1 acc-tc2 acc-tg acc-tn acc-d1 acc-d2"
tmp=$(mktemp -d)

# Under TCG every program run costs ~70 ms: the test runs as few as it can (ip -batch,
# one awk where a pipeline would do, root's three dumps in one intnetctl -batch, a
# user's refusals in a row in another).
# The networks this test made, whoever owns them.
acc_nets() {
	intnetctl net show | awk '$1 ~ /^([0-9]+\/)?acc-|^(1004\/)?intnet$/ { print $1 }'
}
at_exit rm -rf "$tmp"
# shellcheck disable=SC2086
at_exit del_links $devs
# shellcheck disable=SC2016
at_exit_late 'del_nets $(acc_nets)'
# shellcheck disable=SC2016
at_exit_late 'echo 64 >"$quota"'

as_user() {
	local uid=$1
	shift
	setpriv --reuid="$uid" --regid="$uid" --clear-groups intnetctl "$@"
}
alice() { as_user $ALICE "$@"; }
bob() { as_user $BOB "$@"; }
carol() { as_user $CAROL "$@"; }
# bob with the group that owns the TAP acc-tg among his groups
bob_in_group() { setpriv --reuid=$BOB --regid=$BOB --groups=$GROUP intnetctl "$@"; }

# names [RE]: the first column of each line (a name, or a MAC) matching RE, sorted,
# on one line. (Bash alone: no program is run.)
names() {
	local re=${1:-.} first n=()
	while read -r first _; do
		[[ $first =~ $re ]] && n+=("$first")
	done
	sort_words "${n[@]}"
}
acc_names() { names '^([0-9]+/)?acc-'; }

# Everything root sees: a refusal must leave it as it was.
printf '%s\n' "net show" "port show" "fdb show" >"$tmp/dump"
root_dump() { intnetctl -j -batch "$tmp/dump"; }

# Root's view as the last refusal left it; every change goes through allowed, which
# empties it. (A dump costs three runs of intnetctl: under TCG, one refusal's "after"
# serves as the next one's "before".)
state=

# allowed DESC CMD...: CMD exits 0 and says nothing.
allowed() {
	local desc=$1 err rc
	shift
	err=$("$@" 2>&1)
	rc=$?
	state=
	expect_eq "$desc" "0 " "$rc $err"
}

# fails RC FIRST DESC MESSAGE CMD...: CMD exits RC with MESSAGE (its first line only if
# FIRST is 1), and root's view is unchanged.
fails() {
	local rc_want=$1 first=$2 desc=$3 want=$4 after err rc same=changed
	shift 4
	[ -n "$state" ] || state=$(root_dump)
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	after=$(root_dump)
	[ "$after" = "$state" ] && same=unchanged
	state=$after
	[ "$first" = 0 ] || err=${err%%$'\n'*}
	expect_eq "$desc" "$rc_want $want unchanged" "$rc $err $same"
}

# misused DESC MESSAGE CMD...: CMD exits 2 (a usage error: the module is not asked)
# with MESSAGE first, and root's view is unchanged.
misused() { fails 2 1 "$@"; }

# refuse DESC MESSAGE USER ARGS...: queues intnetctl ARGS as USER (alice, bob or
# carol), to exit 1 with MESSAGE. refusals runs the queue, one user's refusals in a row,
# as one batch (setpriv and intnetctl once; -force: every line runs and each one that
# fails is named after its message) and checks each line as a command of its own: it
# failed, with MESSAGE, and root's view (dumped before and after the batch) is unchanged.
queue=() queue_user=
refuse() {
	local desc=$1 want=$2 user=$3
	shift 3
	[ -z "$queue_user" ] || [ "$queue_user" = "$user" ] || refusals
	queue_user=$user
	queue+=("$desc" "$want" "$*")
}
refusals() {
	local i n after same=changed
	[ -n "$state" ] || state=$(root_dump)
	for ((i = 2; i < ${#queue[@]}; i += 3)); do
		echo "${queue[i]}"
	done >"$tmp/batch"
	# (from stdin: $tmp is root's alone)
	"$queue_user" -force -batch - <"$tmp/batch" >/dev/null 2>"$tmp/err"
	after=$(root_dump)
	[ "$after" = "$state" ] && same=unchanged
	state=$after
	batch_split "$tmp/err"
	for ((i = 0; i < ${#queue[@]}; i += 3)); do
		n=$((i / 3 + 1))
		expect_eq "${queue[i]}" "1 ${queue[i + 1]} unchanged" "${batch_rc[n]:-0} ${batch_err[n]:-} $same"
	done
	queue=() queue_user=
}

ip -batch - <<EOF
tuntap add mode tap name acc-ta1 user $ALICE
tuntap add mode tap name acc-ta2 user $ALICE
tuntap add mode tap name acc-ta3 user $ALICE
tuntap add mode tap name acc-ta4 user $ALICE
tuntap add mode tap name acc-tb1 user $BOB
tuntap add mode tap name acc-tb2 user $BOB
tuntap add mode tap name acc-tc1 user $CAROL
tuntap add mode tap name acc-tc2 user $CAROL
tuntap add mode tap name acc-tg group $GROUP
tuntap add mode tap name acc-tn
link add acc-d1 type dummy
link add acc-d2 type dummy
EOF

# root's restricted network, with a port and a static entry nobody else may see
intnetctl net add acc-root
intnetctl port add acc-d1 net acc-root
intnetctl fdb add 02:00:00:00:0d:01 dev acc-d1

# --- alice on her own things
allowed "alice creates a network" alice net add acc-a
expect_eq "it is hers, restricted, promiscuous policy deny; root names it 1001/acc-a" \
	"1001/acc-a       ports 0  fdb 0/16384  port-fdb-max auto  ageing 300  flood-unknown on  explicit yes  owner 1001  restricted  promisc-policy deny" \
	"$(intnetctl net show 1001/acc-a)"
expect_eq "alice names it acc-a" \
	"acc-a            ports 0  fdb 0/16384  port-fdb-max auto  ageing 300  flood-unknown on  explicit yes  owner 1001  restricted  promisc-policy deny" \
	"$(alice net show acc-a)"
allowed "alice changes her network" alice net set acc-a ageing 30 promisc-policy allow-same-user
expect_eq "and the change is made" \
	"1001/acc-a       ports 0  fdb 0/16384  port-fdb-max auto  ageing 30  flood-unknown on  explicit yes  owner 1001  restricted  promisc-policy allow-same-user" \
	"$(intnetctl net show 1001/acc-a)"
allowed "alice attaches her TAP to her network" alice port add acc-ta1 net acc-a
expect_eq "the port is hers" "acc-ta1          net 1001/acc-a       up    promisc off  user 1001   learned 0" \
	"$(intnetctl port show acc-ta1)"
allowed "alice attaches her TAP to a new name" alice port add acc-ta2 net acc-aimp
expect_eq "which makes an implicit network she owns" \
	"1001/acc-aimp    ports 1  fdb 0/16384  port-fdb-max auto  ageing 300  flood-unknown on  explicit no  owner 1001  restricted  promisc-policy deny" \
	"$(intnetctl net show 1001/acc-aimp)"
allowed "alice takes her port down" alice port set acc-ta1 down
expect_eq "the port is down" "acc-ta1          net 1001/acc-a       down  promisc off  user 1001   learned 0" \
	"$(intnetctl port show acc-ta1)"
allowed "alice brings it up promiscuous (allow-same-user)" alice port set acc-ta1 up promisc on
expect_eq "the port is up and promiscuous in effect" \
	"acc-ta1          net 1001/acc-a       up    promisc on   user 1001   learned 0" "$(intnetctl port show acc-ta1)"
allowed "alice locks her port's MAC" alice port set acc-ta1 lock-mac 02:00:00:00:a1:01
expect_eq "the lock is a static, locked entry behind her port" \
	"02:00:00:00:a1:01  dev acc-ta1          net 1001/acc-a       static locked" \
	"$(intnetctl fdb show net 1001/acc-a)"
expect_eq "which alice sees on her acc-a" \
	"02:00:00:00:a1:01  dev acc-ta1          net acc-a            static locked" \
	"$(alice fdb show net acc-a)"
allowed "alice adds a static entry to her network" alice fdb add 02:00:00:00:a1:99 dev acc-ta1

# --- bob's own network, with a locked port
# (Several commands of one user's: one -batch, which stops at the first that fails.)
bob_builds() {
	printf '%s\n' "net add acc-b" "port add acc-tb1 net acc-b" "port set acc-tb1 lock-mac 02:00:00:00:b1:01" |
		bob -batch -
}
allowed "bob builds his own network" bob_builds

# --- what alice sees: her own objects, nothing of bob's or root's
expect_eq "alice lists her networks only" "acc-a acc-aimp" "$(alice net show | names)"
expect_eq "alice lists her ports only" "acc-ta1 acc-ta2" "$(alice port show | names)"
expect_eq "alice lists her FDB entries only" "02:00:00:00:a1:01 02:00:00:00:a1:99" "$(alice fdb show | names)"
expect_eq "nothing alice is shown names bob's or root's objects" "" \
	"$(printf '%s\n' "net show" "port show" "fdb show" "-j net show" "-j port show" "-j fdb show" |
		alice -force -batch - | grep -oE 'acc-(b|root|tb[0-9]|d[0-9])|02:00:00:00:(b1|0d):01')"
refuse "bob's restricted network does not exist for alice" "intnet: no such network" alice net show 1002/acc-b
refuse "nor for a dump of its FDB" "intnet: no such network" alice fdb show net 1002/acc-b
refuse "nor by its name alone (which means hers, or root's public one)" "intnet: no such network" \
	alice net show acc-b
refuse "bob's port does not exist for alice" "intnet: the device is not a port" alice port show acc-tb1

# --- bob refused
refuse "bob cannot join alice's restricted network: it does not exist for him" "intnet: no such network" \
	bob port add acc-tb2 net 1001/acc-a
refuse "nor make one for her" "intnet: no such network" bob port add acc-tb2 net 1001/acc-new
refuse "bob cannot attach alice's TAP" "intnet: the TAP belongs to another user" bob port add acc-ta3 net acc-b
refuse "bob cannot attach a TAP with no owner" "intnet: the TAP belongs to another user" bob port add acc-tn net acc-b
refuse "nobody attaches loopback" "intnet: a loopback device cannot be a port" bob port add lo net acc-b
refuse "bob cannot attach a dummy" "intnet: only an administrator can attach a device that is not a TAP" \
	bob port add acc-d2 net acc-b
refuse "bob cannot name a port's user, even himself" \
	"intnet: only an administrator can attach a port for another user" bob port add acc-tb2 net acc-b user $BOB
refuse "bob cannot change alice's restricted network" "intnet: no such network" bob net set 1001/acc-a ageing 5
refuse "bob cannot delete alice's restricted network" "intnet: no such network" bob net del 1001/acc-a
refuse "bob cannot make a network for alice" \
	"intnet: only an administrator can make a network for another user" bob net add 1001/acc-b
refuse "bob cannot change alice's port" "intnet: the device is not a port" bob port set acc-ta1 down
refuse "bob cannot detach alice's port" "intnet: the device is not a port" bob port del acc-ta1
refuse "promisc on is refused under deny" "intnet: the network's promiscuous policy is deny" \
	bob port set acc-tb1 promisc on
refuse "and so is a port added promiscuous" "intnet: the network's promiscuous policy is deny" \
	bob port add acc-tb2 net acc-b promisc on

# --- a TAP owned by a group
refuse "alice, not in the TAP's group, cannot attach it" "intnet: the TAP belongs to another user" \
	alice port add acc-tg net acc-a
refusals
allowed "bob, in the TAP's group, attaches it" bob_in_group port add acc-tg net acc-b
expect_eq "the group TAP's port is bob's" "acc-tg           net 1002/acc-b       up    promisc off  user 1002   learned 0" \
	"$(intnetctl port show acc-tg)"

# --- alice makes her network public
allowed "alice makes her network public" alice net set acc-a public
refuse "bob cannot change alice's public network" "intnet: only the network's owner can change it" \
	bob net set 1001/acc-a ageing 5
refuse "bob cannot delete alice's public network" "intnet: only the network's owner can change it" \
	bob net del 1001/acc-a
refuse "bob cannot flush its FDB" "intnet: only the network's owner can change its FDB" bob fdb flush net 1001/acc-a
refuse "bob cannot delete its FDB entries" "intnet: only the network's owner can change its FDB" \
	bob fdb del 02:00:00:00:a1:99 net 1001/acc-a
refuse "a public network of alice's is still not bob's acc-a" "intnet: no such network" bob net show acc-a
refusals
allowed "bob's TAP joins alice's public network, named 1001/acc-a" bob port add acc-tb2 net 1001/acc-a
expect_eq "bob sees alice's public network as 1001/acc-a, and his own" "1001/acc-a acc-b" "$(bob net show | names)"
expect_eq "bob sees his ports, not alice's" "acc-tb1 acc-tb2 acc-tg" "$(bob port show | names)"
expect_eq "bob sees no FDB entry behind alice's ports" "02:00:00:00:b1:01" "$(bob fdb show | names)"
expect_eq "alice sees bob's port on her network" "acc-ta1 acc-ta2 acc-tb2" "$(alice port show | names)"
allowed "alice takes bob's port on her network down" alice port set acc-tb2 down
expect_eq "bob's port is down; he sees it on 1001/acc-a" \
	"acc-tb2          net 1001/acc-a       down  promisc off  user 1002   learned 0" "$(bob port show acc-tb2)"
expect_eq "bob's port, -j: net is the name, net_owner alice" "acc-a 1001 1002" \
	"$(bob -j port show acc-tb2 | json_eval '"%s %s %s" % (j[0]["net"], j[0]["net_owner"], j[0]["user"])')"
refuse "bob cannot lock a MAC alice's port has locked" "intnet: another port has locked this address" \
	bob port set acc-tb2 lock-mac 02:00:00:00:a1:01
refusals

# --- storm control and isolated ports on alice's public network: hers to set
# flood_rate PORT...: the flood limits in effect on alice's acc-a, as root sees them.
flood_rate() {
	intnetctl -j port show net 1001/acc-a |
		json_eval "' '.join(str({p['ifname']: p['flood_rate'] for p in j}[d]) for d in '$*'.split())"
}
expect_eq "auto: bob's port on alice's network floods at most 1000 frames a second, hers unlimited" \
	"1000 0" "$(flood_rate acc-tb2 acc-ta1)"
refuse "bob cannot isolate his port on alice's network" "intnet: only the network's owner can isolate a port" \
	bob port set acc-tb2 isolated on
refusals
allowed "alice sets her network's flood limit and burst" alice net set acc-a flood-limit 2000 flood-burst 50
expect_eq "net show -j shows them" "2000 50" \
	"$(alice -j net show acc-a | json_eval '"%s %s" % (j[0]["flood_limit"], j[0]["flood_burst"])')"
out=$(intnetctl net show 1001/acc-a)
expect_eq "and net show, last" "  flood-limit 2000  flood-burst 50" "${out#*promisc-policy allow-same-user}"
expect_eq "bob's port and hers now get the network's limit" "2000 2000" "$(flood_rate acc-tb2 acc-ta1)"
refuse "bob cannot raise his port's flood limit above the network's" \
	"intnet: only the network's owner can raise a port's flood limit above the network's" \
	bob port set acc-tb2 flood-limit 3000
refuse "nor lift it" "intnet: only the network's owner can raise a port's flood limit above the network's" \
	bob port set acc-tb2 flood-limit off
refusals
allowed "bob lowers his port's flood limit" bob port set acc-tb2 flood-limit 500
allowed "alice isolates bob's port on her network" alice port set acc-tb2 isolated on
expect_eq "port show shows it isolated, with its own flood limit" \
	"acc-tb2          net 1001/acc-a       down  promisc off  user 1002   learned 0  isolated on  flood-limit 500" \
	"$(intnetctl port show acc-tb2)"
expect_eq "bob's -j port show: isolated, its own limit and the one in effect" "True 500 500" \
	"$(bob -j port show acc-tb2 | json_eval '"%s %s %s" % (j[0]["isolated"], j[0]["flood_limit"], j[0]["flood_rate"])')"
expect_eq "-s counts the drops of isolated ports, of storm control and of IP anti-spoofing" \
	"    rx drop port-down 0  invalid-src 0  local 0  dest-down 0  nomem 0  mac-locked 0  link-local 0  no-dest 0  bad-header 0  isolated 0  flood-limit 0  ip-spoof 0  arp-spoof 0  nd-spoof 0  dhcp-server 0" \
	"$(intnetctl -s port show acc-tb2 | { read -r; read -r; IFS= read -r l && echo "$l"; })"
misused "a flood limit above 10000000 is a usage error" \
	"intnetctl: flood-limit takes frames a second (1 to 10000000), auto or off, not '10000001'" \
	alice net set acc-a flood-limit 10000001
misused "so is a port's" "intnetctl: flood-limit takes frames a second (1 to 10000000), net or off, not '10000001'" \
	alice port set acc-tb2 flood-limit 10000001
misused "and a burst of 0" "intnetctl: flood-burst takes a number from 1 to 1000000, not '0'" \
	alice net set acc-a flood-burst 0
allowed "alice lifts her network's limit" alice net set acc-a flood-limit off
expect_eq "net show says off, -j 4294967295; bob's own limit still holds, hers is gone" \
	"  flood-limit off  flood-burst 50 4294967295 500 0" \
	"$(out=$(intnetctl net show 1001/acc-a); echo "${out#*promisc-policy allow-same-user}" \
		"$(alice -j net show acc-a | json_eval 'j[0]["flood_limit"]')" "$(flood_rate acc-tb2 acc-ta1)")"
restore() {
	printf '%s\n' "port set acc-tb2 isolated off flood-limit net" "net set acc-a flood-limit auto flood-burst 100" |
		alice -batch -
}
allowed "alice puts both back: isolated off, flood-limit net and auto, flood-burst 100" restore
expect_eq "port show is as it was, auto again in effect" \
	"acc-tb2          net 1001/acc-a       down  promisc off  user 1002   learned 0 1000" \
	"$(intnetctl port show acc-tb2) $(flood_rate acc-tb2)"

# --- IP anti-spoofing on alice's public network: hers to set, not her port users'
refuse "bob cannot lock his port's IP addresses on alice's network" \
	"intnet: only the network's owner can change a port's IP locks or DHCP server setting" \
	bob port set acc-tb2 lock-ip 10.0.0.9
refuse "nor let it serve DHCP" \
	"intnet: only the network's owner can change a port's IP locks or DHCP server setting" \
	bob port set acc-tb2 dhcp-server on
refusals
allowed "alice locks bob's port to an IPv4 and an IPv6 address and lets it serve DHCP" \
	alice port set acc-tb2 lock-ip 10.0.0.5 lock-ip fd00::5 dhcp-server on
expect_eq "port show shows the addresses, joined by commas, and dhcp-server on" \
	"acc-tb2          net 1001/acc-a       down  promisc off  user 1002   learned 0  lock-ip 10.0.0.5,fd00::5  dhcp-server on" \
	"$(intnetctl port show acc-tb2)"
expect_eq "bob's -j port show: lock_ip a list of address strings, dhcp_server true" \
	"['10.0.0.5', 'fd00::5'] True" \
	"$(bob -j port show acc-tb2 | json_eval '"%s %s" % (j[0]["lock_ip"], j[0]["dhcp_server"])')"
refuse "bob cannot lift the lock" \
	"intnet: only the network's owner can change a port's IP locks or DHCP server setting" \
	bob port set acc-tb2 lock-ip off
refuse "another port of the network cannot lock an address bob's holds (written otherwise)" \
	"intnet: an IP address is locked to another port of the network" \
	alice port set acc-ta1 lock-ip fd00:0:0::5
refuse "nor a port attached with it: the port is not attached" \
	"intnet: an IP address is locked to another port of the network" \
	alice port add acc-ta3 net acc-a lock-ip 10.0.0.7 lock-ip 10.0.0.5
refusals
allowed "alice attaches her TAP with a lock of its own" alice port add acc-ta3 net acc-a lock-ip 10.0.0.7
expect_eq "port show shows its one address; -j lock_ip a list of one, dhcp_server false" \
	"acc-ta3          net 1001/acc-a       up    promisc off  user 1001   learned 0  lock-ip 10.0.0.7 ['10.0.0.7'] False" \
	"$(intnetctl port show acc-ta3) $(alice -j port show acc-ta3 |
		json_eval '"%s %s" % (j[0]["lock_ip"], j[0]["dhcp_server"])')"
allowed "alice detaches it" alice port del acc-ta3
misused "nine addresses are a usage error" "intnetctl: lock-ip takes at most 8 addresses" \
	alice port set acc-tb2 lock-ip 10.0.0.1 lock-ip 10.0.0.2 lock-ip 10.0.0.3 lock-ip 10.0.0.4 \
	lock-ip 10.0.0.5 lock-ip 10.0.0.6 lock-ip fd00::7 lock-ip fd00::8 lock-ip fd00::9
misused "so is an address that is none" \
	"intnetctl: lock-ip takes an IPv4 or IPv6 address or off, not '10.0.0.300'" \
	alice port set acc-tb2 lock-ip 10.0.0.300
misused "and off beside an address" "intnetctl: lock-ip off goes alone, without addresses" \
	alice port set acc-tb2 lock-ip 10.0.0.5 lock-ip off
allowed "alice lifts the lock and takes the DHCP server back" alice port set acc-tb2 lock-ip off dhcp-server off
expect_eq "port show is as it was; -j has no lock_ip and dhcp_server false" \
	"acc-tb2          net 1001/acc-a       down  promisc off  user 1002   learned 0 False False" \
	"$(intnetctl port show acc-tb2) $(intnetctl -j port show acc-tb2 |
		json_eval '"%s %s" % ("lock_ip" in j[0], j[0]["dhcp_server"])')"
allowed "the address is free again: alice locks it to her own port" alice port set acc-ta1 lock-ip fd00::5
allowed "and lifts that lock" alice port set acc-ta1 lock-ip off

# --- the quota, with carol who owns nothing yet
echo 3 >"$quota"
carol_fills_quota() { printf '%s\n' "net add acc-c1" "net add acc-c2" "net add acc-c3" | carol -batch -; }
allowed "carol creates as many networks as the quota allows" carol_fills_quota
refuse "one more network is refused" "intnet: you own as many networks as max_networks_per_user allows" \
	carol net add acc-c4
refuse "and so is one more implicit network" \
	"intnet: you own as many networks as max_networks_per_user allows" carol port add acc-tc1 net acc-c4
refusals
echo 64 >"$quota"
allowed "with the quota raised, carol's TAP makes the network" carol port add acc-tc1 net acc-c4
carol_cleans_up() {
	printf '%s\n' "net del acc-c1" "net del acc-c2" "net del acc-c3" "net del acc-c4" | carol -batch -
}
allowed "carol deletes her networks" carol_cleans_up

# --- names are per owner: two acc-lab; a name alone is one's own, else root's public one
# port_net USER DEV: the port and its network as USER (or root) sees them.
port_net() {
	local a c
	"$@" | while read -r a _ c _; do echo "$a $c"; done
}
allowed "alice makes her acc-lab" alice net add acc-lab
allowed "bob makes an acc-lab of his own, public" bob net add acc-lab public
expect_eq "root sees both, each named by its owner" "1001/acc-lab 1002/acc-lab" \
	"$(intnetctl net show | names '^[0-9]+/acc-lab$')"
expect_eq "-j: two acc-lab, told apart by their owners" "acc-lab 1001, acc-lab 1002" \
	"$(intnetctl -j net show | json_eval '", ".join(sorted("%s %d" % (n["name"], n["owner"]) for n in j if n["name"] == "acc-lab"))')"
expect_eq "alice sees hers as acc-lab, and bob's public one as 1002/acc-lab" "1002/acc-lab acc-lab" \
	"$(alice net show | names 'acc-lab$')"
allowed "alice joins acc-lab by its name" alice port add acc-ta4 net acc-lab
expect_eq "that is her own" "acc-ta4 1001/acc-lab" "$(port_net intnetctl port show acc-ta4)"
expect_eq "bob's has no port" "1002/acc-lab 0" \
	"$(port_net intnetctl net show 1002/acc-lab)"
allowed "carol, who has no acc-lab, names it alone" carol port add acc-tc1 net acc-lab
expect_eq "and gets one of her own, not bob's public one" "acc-tc1 1004/acc-lab" \
	"$(port_net intnetctl port show acc-tc1)"
allowed "carol detaches it (her acc-lab goes with it)" carol port del acc-tc1
allowed "carol joins bob's public acc-lab, named 1002/acc-lab" carol port add acc-tc1 net 1002/acc-lab
expect_eq "she sees her port on 1002/acc-lab" "acc-tc1 1002/acc-lab" "$(port_net carol port show acc-tc1)"
expect_eq "bob sees it on his acc-lab" "acc-tc1 acc-lab" "$(port_net bob port show acc-tc1)"
allowed "root makes a public intnet" intnetctl net add intnet public
allowed "carol's port add without a network" carol port add acc-tc2
expect_eq "joins root's public intnet, which she sees as root/intnet" "acc-tc2 root/intnet" \
	"$(port_net carol port show acc-tc2)"
expect_eq "and root as its own intnet" "acc-tc2 intnet" "$(port_net intnetctl port show acc-tc2)"
allowed "root makes intnet restricted (the port stays)" intnetctl net set intnet restricted
carol_again() { printf '%s\n' "port del acc-tc2" "port add acc-tc2" | carol -batch -; }
allowed "carol detaches and attaches again without a network" carol_again
expect_eq "now she gets an intnet of her own" "acc-tc2 1004/intnet" "$(port_net intnetctl port show acc-tc2)"
refuse "root's restricted intnet does not exist for her" "intnet: no such network" carol net show root/intnet
refusals
names_done() {
	printf '%s\n' "port del acc-tc1" "port del acc-tc2" | carol -batch - &&
		printf '%s\n' "port del acc-ta4" "net del acc-lab" | alice -batch - &&
		bob net del acc-lab && intnetctl net del intnet
}
allowed "they take it all down" names_done
expect_eq "nothing of it is left" "1001/acc-a 1001/acc-aimp 1002/acc-b acc-root" \
	"$(intnetctl net show | names '^([0-9]+/)?(acc-|intnet)')"

# --- root does anything, for anyone
allowed "root attaches alice's TAP on her behalf (her acc-a: the port's user's)" \
	intnetctl port add acc-ta3 net acc-a user $ALICE
expect_eq "the port is alice's" "acc-ta3          net 1001/acc-a       up    promisc off  user 1001   learned 0" \
	"$(intnetctl port show acc-ta3)"
expect_eq "and alice sees it" "acc-ta1 acc-ta2 acc-ta3 acc-tb2" "$(alice port show | names)"
allowed "root joins bob's restricted network, named 1002/acc-b" intnetctl port add acc-d2 net 1002/acc-b
allowed "root's promisc under deny is accepted" intnetctl port set acc-tb1 promisc on
expect_eq "but not in effect" \
	"acc-tb1          net 1002/acc-b       up    promisc on (inactive)  user 1002   learned 0  lock-mac 02:00:00:00:b1:01" \
	"$(intnetctl port show acc-tb1)"
expect_eq "root sees every network, users' as OWNER/NAME" "1001/acc-a 1001/acc-aimp 1002/acc-b acc-root" \
	"$(intnetctl net show | acc_names)"
expect_eq "root sees every port" "acc-d1 acc-d2 acc-ta1 acc-ta2 acc-ta3 acc-tb1 acc-tb2 acc-tg" \
	"$(intnetctl port show | acc_names)"
expect_eq "root sees every FDB entry" \
	"02:00:00:00:0d:01 02:00:00:00:a1:01 02:00:00:00:a1:99 02:00:00:00:b1:01" \
	"$(intnetctl fdb show | names '^02:00:00:00:(0d|a1|b1):')"

# --- alice and bob take down what they made
allowed "alice detaches her last port of the implicit network" alice port del acc-ta2
expect_eq "and the network goes with it" "1001/acc-a 1002/acc-b acc-root" "$(intnetctl net show | acc_names)"
allowed "alice deletes her network" alice net del acc-a
expect_eq "its ports, bob's too, are detached" "acc-d1 acc-d2 acc-tb1 acc-tg" "$(intnetctl port show | acc_names)"
allowed "bob deletes his network" bob net del acc-b
expect_eq "only root's network is left" "acc-root" "$(intnetctl net show | acc_names)"

# --- a rootless container administers its own namespace
out=$(setpriv --reuid=$ALICE --regid=$ALICE --clear-groups unshare --user --map-root-user --net sh -c '
	printf "%s\n" "link add acc-c1 type dummy" "link add acc-c2 type dummy" | ip -batch - &&
	printf "%s\n" "net add acc-cnet" "port add acc-c1 net acc-cnet" "port add acc-c2 net acc-cnet" \
		"net show" "port show" | intnetctl -batch -' 2>&1)
expect_eq "a rootless container attaches its dummies; it owns the network as uid 0" \
	"acc-cnet         ports 2  fdb 0/16384  port-fdb-max auto  ageing 300  flood-unknown on  explicit yes  owner 0  restricted  promisc-policy deny
acc-c1           net acc-cnet         up    promisc off  user 0      learned 0
acc-c2           net acc-cnet         up    promisc off  user 0      learned 0" "$out"
expect_eq "the host's namespace has none of it" "acc-root" "$(intnetctl net show | acc_names)"
finish
