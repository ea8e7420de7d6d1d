#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The family driven by a client nobody here wrote: the kernel's own generic netlink
# client, tools/net/ynl from Debian's linux-source-6.12, reading our YNL spec
# (Documentation/netlink/specs/intnet.yaml). cli.py itself for a request and for the
# events of both groups; the do and dump of every object, and refusals with their
# messages, through the library cli.py wraps, in one Python process (each start of
# Python costs seconds under emulation). Every reply is checked field by field.
. "$(dirname "$0")/lib.sh"

plan 30
load_module
repo=$(cd "$(dirname "$0")/.." && pwd)
src=$("$repo/scripts/source.sh")
ynl_dir=$src/tools/net/ynl
spec=$repo/Documentation/netlink/specs/intnet.yaml
schema=$src/Documentation/netlink/genetlink.yaml
NS=ynl-test

fresh_netns $NS
ip netns add $NS
ip -n $NS -batch - <<EOF
link add yd0 up type dummy
link add yd1 up type dummy
EOF
# The ifindexes, from one ip -o: "N: yd0: ..." (each program started costs under TCG).
while IFS=': ' read -r index name _; do
	case $name in yd0) yd0=$index ;; yd1) yd1=$index ;; esac
done < <(ip -n $NS -o link show)
out=$(mktemp -d)

# cli OPTIONS...: cli.py in the test's namespace, with JSON output.
cli() {
	ip netns exec $NS /usr/bin/python3 "$ynl_dir/cli.py" --spec "$spec" \
		--schema "$schema" --output-json "$@"
}

# want DESC EXPECTED SOURCE EXPR: the Python expression EXPR over the JSON "j" of
# SOURCE (N: the Nth line of $out/results, the Nth request's result; or a file of
# JSON) must print EXPECTED. judge evaluates every want so far in one Python process
# (each start of Python costs seconds under emulation) and reports them in order:
# once, at the end.
wants=()
want() {
	wants+=("$1"$'\t'"$2"$'\t'"$3"$'\t'"$4")
}
judge() {
	local got i desc expected
	mapfile -t got < <(printf '%s\n' "${wants[@]}" | /usr/bin/python3 -c '
import json, sys
results = open(sys.argv[1]).read().splitlines()
for line in sys.stdin:
    desc, expected, source, expr = line.rstrip("\n").split("\t")
    try:
        j = json.loads(results[int(source) - 1] if source.isdigit() else open(source).read())
        print(eval(expr))
    except Exception as e:
        print("not evaluated: %r" % e)
' "$out/results")
	for i in "${!wants[@]}"; do
		IFS=$'\t' read -r desc expected _ _ <<<"${wants[$i]}"
		expect_eq "$desc" "$expected" "${got[$i]}"
	done
	wants=()
}

cli --do version-get >"$out/version"
want "cli.py version-get: the module's version" "$(cat /sys/module/intnet/version)" \
	"$out/version" 'j["version"]'
want "cli.py version-get: the features, by the spec's names" \
	"['access', 'events', 'netns', 'owner-names', 'safe-sharing', 'switch', 'uplink']" "$out/version" 'sorted(j["features"])'

# The requests, one a line; their results come back a line each, in order.
cat >"$out/steps" <<EOF
{"do": "net-new", "json": {"net-name": "ylab", "net-ageing": 120, "net-access": "public", "net-group-fwd-mask": 8}}
{"do": "net-get", "json": {"net-name": "ylab"}}
{"do": "net-new", "json": {"net-name": "ylab", "net-owner": 1001}}
{"dump": "net-get"}
{"do": "net-get", "json": {"net-name": "ylab", "net-owner": 1001}}
{"do": "port-add", "json": {"net-name": "ylab", "ifindex": $yd0}}
{"do": "port-add", "json": {"net-name": "ylab", "ifindex": $yd1, "port-lock-mac": "02000000b001"}}
{"do": "port-get", "json": {"ifindex": $yd1}}
{"dump": "port-get", "json": {"net-name": "ylab"}}
{"do": "port-set", "json": {"ifindex": $yd0, "port-up": 0}}
{"do": "port-get", "json": {"ifindex": $yd0}}
{"do": "fdb-add", "json": {"ifindex": $yd0, "mac": "02000000a001"}}
{"do": "fdb-get", "json": {"net-name": "ylab", "mac": "02000000a001"}}
{"dump": "fdb-get", "json": {"net-name": "ylab"}}
{"do": "fdb-del", "json": {"net-name": "ylab", "mac": "02000000a001"}}
{"do": "fdb-get", "json": {"net-name": "ylab", "mac": "02000000a001"}}
{"do": "net-new", "json": {"net-name": "a/b"}}
{"do": "port-del", "json": {"ifindex": $yd0, "net-name": "ylab"}}
{"do": "net-set", "json": {"net-name": "ylab", "net-ageing": 90}}
{"do": "port-del", "json": {"ifindex": $yd0}}
{"do": "monitor", "json": {"monitor": ["objects", "fdb"]}}
EOF
ip netns exec $NS /usr/bin/python3 "$repo/selftests/ynl_steps.py" "$ynl_dir" "$spec" \
	"$schema" "$out/steps" >"$out/results" 2>"$out/errors"
expect_eq "every request answered, nothing on stderr" "21 " \
	"$(wc -l <"$out/results") $(cat "$out/errors")"
# has N TEXT: 1 if the result of the Nth request has TEXT, else 0 (as grep -c would
# count its one line; bash alone: no program is run).
mapfile -t results <"$out/results"
has() { [[ ${results[$1 - 1]} == *"$2"* ]] && echo 1 || echo 0; }
# ok_reply DESC N: the Nth request was answered without an error.
ok_reply() { want "$1" False "$2" '"error" in j'; }

ok_reply "net-new: a public network with settings" 1
want "net-get: what net-new set" "ylab 120 public 8 0 1" 2 \
	'" ".join(str(x) for x in (j["reply"]["net-name"], j["reply"]["net-ageing"], j["reply"]["net-access"], j["reply"]["net-group-fwd-mask"], j["reply"]["net-owner"], j["reply"]["net-explicit"]))'
want "net-get: the counters, nested" "0 0" 2 \
	'"%d %d" % (j["reply"]["stats"]["rx-packets"], j["reply"]["stats"]["tx-drop-nomem"])'
ok_reply "net-new: a network of the same name for another owner" 3
want "net-get dump: both, by owner" "[('ylab', 0), ('ylab', 1001)]" 4 \
	'sorted((n["net-name"], n["net-owner"]) for n in j["reply"])'
want "net-get of the owner's network" "1001 restricted" 5 \
	'"%d %s" % (j["reply"]["net-owner"], j["reply"]["net-access"])'
ok_reply "port-add" 6
ok_reply "port-add, locked" 7
want "port-get: the port, its lock and its carrier" "yd1 ylab 0 1 1 02:00:00:00:b0:01" 8 \
	'" ".join(str(j["reply"][k]) for k in ("ifname", "net-name", "net-owner", "port-up", "port-carrier", "port-lock-mac"))'
want "port-get dump of the network" "['yd0', 'yd1']" 9 \
	'sorted(p["ifname"] for p in j["reply"])'
ok_reply "port-set down" 10
want "port-get: down" 0 11 'j["reply"]["port-up"]'
ok_reply "fdb-add" 12
want "fdb-get (do): the static entry" "02:00:00:00:a0:01 yd0 1 0" 13 \
	'" ".join(str(j["reply"][k]) for k in ("mac", "ifname", "fdb-is-static", "fdb-locked"))'
want "fdb-get dump: the entry and the lock" \
	"[('02:00:00:00:a0:01', 0), ('02:00:00:00:b0:01', 1)]" 14 \
	'sorted((e["mac"], e["fdb-locked"]) for e in j["reply"])'
ok_reply "fdb-del" 15
expect_eq "fdb-get of what is gone: the kernel's message" 1 \
	"$(has 16 "no such FDB entry")"
expect_eq "net-new of a bad name: refused with the kernel's message" 1 \
	"$(has 17 "a network name is 1 to 127 printable ASCII characters without spaces or slashes")"
expect_eq "port-del with another command's attribute: refused" 1 \
	"$(has 18 "Unsupported attribute")"
ok_reply "net-set" 19
ok_reply "port-del" 20
ok_reply "monitor (a user's subscription; here the administrator's)" 21

# subscribed GROUP CMD...: cli.py joins the multicast group GROUP, then sleeps; once it
# sleeps (clock_nanosleep, syscall 230 on x86_64, in /proc/PID/syscall) it is in the
# group, and CMD (quick intnetctl requests, which may run again) makes the events; what
# cli.py printed when it woke up is left in $out/GROUP. cli.py reads only what came
# before it woke: if CMD was not done by then (a loaded host, the debug lane), it runs
# again with a listener that sleeps three times as long.
# syscall PID: the number of the system call PID is in (nothing once it is gone).
syscall() {
	local nr=
	read -r nr _ 2>/dev/null <"/proc/$1/syscall"
	echo "$nr"
}
subscribed() {
	local group=$1 pid asleep sleep=4
	shift
	for _ in 1 2 3; do
		ip netns exec $NS /usr/bin/python3 "$ynl_dir/cli.py" --spec "$spec" \
			--schema "$schema" --output-json \
			--subscribe "$group" --sleep $sleep >"$out/$group" 2>"$out/$group.err" &
		pid=$!
		asleep=0
		# (read and nap: no program started while cli.py starts up)
		for _ in $(seq 1200); do
			if [ "$(syscall $pid)" = 230 ]; then
				asleep=1
				break
			fi
			nap 0.05
		done
		[ "$asleep" = 1 ] && ip netns exec $NS "$@"
		if [ "$(syscall $pid)" = 230 ]; then
			wait "$pid"
			return
		fi
		wait "$pid"
		echo "# cli.py woke before the requests were done: again with --sleep $((sleep * 3))"
		sleep=$((sleep * 3))
	done
}

# (each CMD one intnetctl -batch: the requests are done before a slow guest's cli.py wakes)
printf '%s\n' "net set ylab ageing 60" "port add yd0 net ylab" "port set yd0 down" "port del yd0" \
	>"$out/events.batch"
subscribed events intnetctl -batch "$out/events.batch"
want "cli.py subscribed: the events, in order" \
	"[('net-set-ntf', 'ylab', 60), ('port-add-ntf', 'yd0', 1), ('port-set-ntf', 'yd0', 0), ('port-del-ntf', 'yd0', 0)]" \
	"$out/events" '[(m["name"], m["msg"].get("ifname", m["msg"]["net-name"]), m["msg"]["net-ageing"] if m["name"] == "net-set-ntf" else m["msg"]["port-up"]) for m in j]'
printf '%s\n' "fdb add 02:00:00:00:a0:02 dev yd1" "fdb del 02:00:00:00:a0:02 net ylab" >"$out/fdb.batch"
subscribed fdb intnetctl -batch "$out/fdb.batch"
want "cli.py subscribed: FDB events, added and deleted, with the reason" \
	"[('fdb-add-ntf', '02:00:00:00:a0:02', 'yd1', 'add'), ('fdb-del-ntf', '02:00:00:00:a0:02', 'yd1', 'del')]" \
	"$out/fdb" '[(m["name"], m["msg"]["mac"], m["msg"]["ifname"], m["msg"]["fdb-event"]) for m in j]'
expect_eq "cli.py printed no error while listening" "" "$(cat "$out/events.err" "$out/fdb.err")"
check "net-del" ip netns exec $NS intnetctl net del ylab
cli --dump net-get >"$out/net-get"
want "cli.py net-get dump: only the other owner's network is left" "[('ylab', 1001)]" \
	"$out/net-get" 'sorted((n["net-name"], n["net-owner"]) for n in j)'
judge
rm -rf "$out"
finish
