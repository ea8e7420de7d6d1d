#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# intnetctl: version over netlink, usage errors, the "module not loaded" message,
# network names that intnetctl itself refuses before it asks the module anything, and
# -batch: comments, blank lines, a line's own -j, stopping at the first failure (its
# message, "Command failed FILE:LINE", exit 1) unless -force.
. "$(dirname "$0")/lib.sh"

plan 34
load_module
json_serve
modver=$(cat /sys/module/intnet/version)
cliver=$(intnetctl -V | awk '{print $2}')

out=$(intnetctl version)
expect_eq "version exits 0" 0 $?
expect_eq "version shows the module's version" "module    $modver" "$(echo "$out" | sed -n 2p)"
expect_eq "version shows the CLI's version" "intnetctl $cliver" "$(echo "$out" | sed -n 1p)"
expect_eq "version lists the features" "features  netns switch access events owner-names safe-sharing uplink" "$(echo "$out" | sed -n 3p)"

json=$(intnetctl -j version)
expect_eq "-j version is JSON with the module's version" "$modver" \
	"$(echo "$json" | json_eval 'j["module"]')"

out=$(setpriv --reuid 65534 --regid 65534 --clear-groups intnetctl version 2>&1)
expect_eq "an unprivileged user reads the version" "module    $modver" "$(echo "$out" | sed -n 2p)"

intnetctl --help >/tmp/help.out 2>/dev/null
expect_eq "--help exits 0" 0 $?
check "--help prints the usage on stdout" grep -q '^Usage: intnetctl' /tmp/help.out

err=$(intnetctl frobnicate 2>&1 >/dev/null)
expect_eq "an unknown command exits 2" 2 $?
expect_eq "an unknown command is named" "intnetctl: unknown command 'frobnicate'" \
	"$(echo "$err" | head -n 1)"

# --- -batch
tmp=$(mktemp -d)
at_exit rm -rf "$tmp"
at_exit del_nets cb-lab
cat >"$tmp/ok" <<'EOF'
# a comment, then a blank line

net add cb-lab ageing 30
	net show cb-lab   # a comment after a command
-j net show cb-lab
net del cb-lab
EOF
out=$(intnetctl -batch "$tmp/ok" 2>"$tmp/err")
rc=$?
expect_eq "a batch that succeeds exits 0 and says nothing on stderr" "0 " "$rc $(<"$tmp/err")"
expect_eq "it ran each command, in order: text, then the -j line's JSON, then the del" \
	"cb-lab 30 30 0" \
	"$(echo "$out" | sed -n 1p | awk '{ print $1, $9 }') $(echo "$out" | sed -n 2p | json_eval 'j[0]["ageing"]') $(intnetctl net show cb-lab >/dev/null 2>&1; echo $(($? == 0)))"
printf '%s\n' "net add cb-lab" "net add cb-lab" "net del cb-lab" >"$tmp/fail"
intnetctl -batch "$tmp/fail" >/dev/null 2>"$tmp/err"
rc=$?
expect_eq "a failing line stops the batch: exit 1" 1 "$rc"
expect_eq "after the kernel's message, Command failed FILE:LINE" \
	"intnet: a network with this name exists
Command failed $tmp/fail:2" "$(<"$tmp/err")"
expect_eq "the line after it did not run: cb-lab is still there" "cb-lab" \
	"$(intnetctl net show cb-lab | awk '{ print $1 }')"
intnetctl -force -batch "$tmp/fail" >/dev/null 2>"$tmp/err"
rc=$?
expect_eq "-force: every line runs, each failure named, exit 1" \
	"1 intnet: a network with this name exists
Command failed $tmp/fail:1
intnet: a network with this name exists
Command failed $tmp/fail:2" "$rc $(<"$tmp/err")"
expect_eq "... the last line ran: cb-lab is gone" "1 intnet: no such network" \
	"$(err=$(intnetctl net show cb-lab 2>&1); echo "$? $err")"
err=$(printf '%s\n' "net show" "net frob" "version" | intnetctl -batch - 2>&1 >/dev/null)
expect_eq "from stdin (-), a usage error is one line, no usage, and stops the batch: exit 1" \
	"1 intnetctl: unknown net command 'frob'
Command failed -:2" "$? $err"
out=$(printf '%s\n' "net add cb-lab" "net show cb-lab" "-s net show cb-lab" "version" "net del cb-lab" |
	intnetctl -j -batch -)
expect_eq "-j -batch: each command's output is a JSON document of its own" "3 cb-lab cb-lab $modver" \
	"$(echo "$out" | python3 -c 'import json, sys
d = [json.loads(l) for l in sys.stdin]
print(len(d), d[0][0]["name"], d[1][0]["name"], d[2]["module"])')"
err=$(intnetctl -force net show 2>&1 >/dev/null)
expect_eq "-force without -batch is a usage error" "2 intnetctl: -force goes with -batch" "$? ${err%%$'\n'*}"
err=$(intnetctl -batch "$tmp/nosuch" 2>&1)
expect_eq "a batch file that is not there: exit 1" \
	"1 intnetctl: cannot open '$tmp/nosuch': No such file or directory" "$? $err"

rmmod intnet
err_batch=$(echo version | intnetctl -batch - 2>&1)
rc_batch=$?
err=$(intnetctl version 2>&1)
rc=$?
# Without the module, any request would fail with "not loaded": a bad network name
# must be refused before that, by intnetctl itself, in every command that takes one.
bad_names=""
for cmd in "net add" "net set %s ageing 1" "net del" "net show" "port add lo net" \
	"port show net" "fdb del 02:00:00:00:00:01 net" "fdb flush net" "fdb show net" \
	"tap add ct0 net" "host add ch0 net"; do
	case $cmd in *%s*) ;; *) cmd="$cmd %s" ;; esac
	# shellcheck disable=SC2059,SC2046
	out=$(intnetctl $(printf "$cmd" a/b/c) 2>&1)
	rc2=$?
	[ "$rc2 ${out%%$'\n'*}" = "2 intnetctl: 'a/b/c' is not a network name or OWNER/NAME" ] ||
		bad_names+="$cmd: $rc2 ${out%%$'\n'*}; "
done
name_err() { intnetctl net show "$1" 2>&1 | head -n 1; }
out_slash=$(name_err lab/)
out_owner=$(name_err /lab)
out_space=$(name_err 'two words')
out_long=$(name_err "$(printf 'n%.0s' $(seq 128))")
out_ctrl=$(name_err "$(printf 'a\tb')")
out_uid=$(name_err 4294967295/lab)
intnetctl net show 1x/lab >/dev/null 2>&1
rc_uid=$?
out_user=$(intnetctl net show nosuchuser/lab 2>&1)
rc_user=$?
out_ok=$(intnetctl net show 1001/lab 2>&1)
load_module
expect_eq "without the module, version exits 1" 1 "$rc"
expect_eq "without the module, one clear line" \
	"intnetctl: kernel module not loaded (try: modprobe intnet)" "$err"
expect_eq "every command taking a network refuses a name with two slashes itself, exit 2" "" "$bad_names"
expect_eq "an empty name after OWNER/ is refused" "intnetctl: 'lab/' is not a network name or OWNER/NAME" "$out_slash"
expect_eq "an empty OWNER is refused" "intnetctl: '/lab' is not a network name or OWNER/NAME" "$out_owner"
expect_eq "a name with a space is refused" \
	"intnetctl: 'two words' is not a network name or OWNER/NAME" "$out_space"
expect_eq "a 128-byte name is refused" \
	"intnetctl: '$(printf 'n%.0s' $(seq 128))' is not a network name or OWNER/NAME" "$out_long"
expect_eq "a name with a control character is refused" \
	"intnetctl: '$(printf 'a\tb')' is not a network name or OWNER/NAME" "$out_ctrl"
expect_eq "uid -1 is no owner" "intnetctl: '4294967295/lab' is not a network name or OWNER/NAME" "$out_uid"
expect_eq "an OWNER starting with a digit must be a uid (usage error)" 2 "$rc_uid"
expect_eq "an unknown OWNER: no such user, exit 1" "1 intnetctl: no such user 'nosuchuser'" "$rc_user $out_user"
expect_eq "a good OWNER/NAME gets as far as the module" \
	"intnetctl: kernel module not loaded (try: modprobe intnet)" "$out_ok"
expect_eq "without the module, a batch's line fails with the same line" \
	"1 intnetctl: kernel module not loaded (try: modprobe intnet)
Command failed -:1" "$rc_batch $err_batch"
finish
